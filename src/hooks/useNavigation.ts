// Where the person is: the view, the drill-down path (breadcrumbs), per-view filter and sort, the cursor, the
// marks. A plain reducer, so that it can be saved across an exec session and tested without a terminal; the
// monitor's interaction reducer (views/interaction.ts) moves it.
import type { ViewName } from '../keys/index.js';

export interface Crumb {
  view: ViewName; parent: string | null; label: string | null;
  /** Where the person was in this view when they drilled down from it: Esc comes back there. */
  saved?: Pick<NavState, 'cursor' | 'selected' | 'filter' | 'sort'> & { frozenAt?: number | null };
}

export interface NavState {
  /** The path: [{view: 'stack'}, {view: 'service', parent: <stack uri>, label: 'shop'}] */
  path: Crumb[];
  cursor: number;
  /** The URI under the cursor, so the selection stays on its object while rows move. */
  selected: string | null;
  filter: string;
  sort: { column: number; reverse: boolean };
  marks: string[];
  /** Show every terminated object the store still has, not only the recent ones. */
  allTerminated: boolean;
  /** The events view is paused: it shows the events that had arrived by then (their count), not newer ones. */
  frozenAt: number | null;
}

export type NavAction =
  | { type: 'view'; view: ViewName; filter?: string }
  | { type: 'drill'; view: ViewName; parent: string; label: string }
  /** To an object in its own view (from an event), as a step Esc comes back from. */
  | { type: 'jump'; view: ViewName; uri: string }
  | { type: 'back' }
  | { type: 'move'; to: number; uri: string | null }
  | { type: 'filter'; filter: string }
  /** `selected`: the object the cursor is on, which it stays on in the new order. */
  | { type: 'sort'; column: number; reverse?: boolean; selected?: string | null }
  | { type: 'mark'; uri: string }
  | { type: 'unmarkAll' }
  | { type: 'terminated' }
  | { type: 'freeze'; at: number | null };

export function initialNav(view: ViewName): NavState {
  return {
    path: [{ view, parent: null, label: null }], cursor: 0, selected: null, filter: '', sort: { column: -1, reverse: false }, marks: [],
    allTerminated: false, frozenAt: null,
  };
}

export function navReducer(state: NavState, action: NavAction): NavState {
  const fresh = { cursor: 0, selected: null, filter: '', sort: { column: -1, reverse: false }, marks: [], frozenAt: null };
  switch (action.type) {
    case 'view':
      return { ...state, ...fresh, filter: action.filter ?? '', path: [{ view: action.view, parent: null, label: null }] };
    case 'drill': {
      const saved = { cursor: state.cursor, selected: state.selected, filter: state.filter, sort: state.sort };
      const here = { ...state.path[state.path.length - 1]!, saved };
      return { ...state, ...fresh, path: [...state.path.slice(0, -1), here, { view: action.view, parent: action.parent, label: action.label }] };
    }
    case 'jump': {
      const saved = { cursor: state.cursor, selected: state.selected, filter: state.filter, sort: state.sort, frozenAt: state.frozenAt };
      const here = { ...state.path[state.path.length - 1]!, saved };
      return { ...state, ...fresh, selected: action.uri, path: [...state.path.slice(0, -1), here, { view: action.view, parent: null, label: null }] };
    }
    case 'back': {
      if (state.filter) return { ...state, filter: '' };
      if (state.marks.length) return { ...state, marks: [] };
      if (state.path.length <= 1) return state;
      const path = state.path.slice(0, -1);
      return { ...state, ...fresh, ...path[path.length - 1]!.saved, path };
    }
    case 'move':
      return { ...state, cursor: action.to, selected: action.uri };
    case 'filter':
      return { ...state, filter: action.filter, cursor: 0, selected: null };
    case 'sort':
      return { ...state, sort: { column: action.column, reverse: action.reverse ?? state.sort.reverse }, selected: action.selected ?? state.selected };
    case 'mark':
      return { ...state, marks: state.marks.includes(action.uri) ? state.marks.filter((u) => u !== action.uri) : [...state.marks, action.uri] };
    case 'unmarkAll':
      return { ...state, marks: [] };
    case 'terminated':
      return { ...state, allTerminated: !state.allTerminated };
    case 'freeze':
      return { ...state, frozenAt: action.at };
  }
}

export function currentCrumb(state: NavState): Crumb {
  return state.path[state.path.length - 1]!;
}
