// The monitor's interaction state (view, selection, cursor, marks, focus, prompts, overlays, panes) and the one
// reducer every key goes through. Each key is applied to the state the key before it left, however many keys
// arrive in one read, and an operation takes its targets from that state when its key is handled: never from an
// earlier frame. Keys go to the first layer that takes them: prompt > dialog > focused pane > table > global.
import { allows, KINDS, type Operation, type WireObject } from '../domain/index.js';
import type { Status } from '../hooks/useOperations.js';
import { currentCrumb, navReducer, type NavAction, type NavState } from '../hooks/useNavigation.js';
import { nameOf } from '../hooks/useSnapshot.js';
import {
  apiOperation, keyName, viewByAlias, VIEW_WORDS, viewSpec, type Command, type Keymap, type KeyPress, type MouseReport, type ViewName,
} from '../keys/index.js';
import { COLUMNS, nextSortColumn } from './columns.js';
import { hitTest, paneHeightOf, type Layout } from './layout.js';
import type { Row } from './rows.js';
import { heldOffset } from './LogPaneView.js';
import { matcher } from './rows.js';
import { truncate } from './text.js';

export type Prompt =
  | { kind: 'command'; text: string; completion?: Completion }
  /** `before`: the filter when the prompt opened, which Esc puts back. */
  | { kind: 'filter'; text: string; before: string; completion?: Completion }
  /** A search in a log pane (its id), or in help or the inspector (null): found as it is typed. */
  | { kind: 'search'; text: string; pane: number | null }
  | { kind: 'scale'; text: string; request: Request }
  /** What of an object to copy: the next key says. */
  | { kind: 'copy'; text: string; object: WireObject }
  | {
    kind: 'confirm'; text: string; request: Request;
    /** What to type: null for a single y; a stack's or cluster's name (or their count) for terminate. */
    typeName: string | null;
    /** The number to scale to, when the question is about scaling down. */
    target?: number;
    /** Frames written when it was asked: it has been on screen once a later one went out (see seen()). */
    askedAt: number;
  };

/** Tab pressed again cycles through the candidates the first Tab found for the word. */
export interface Completion { before: string; candidates: readonly string[]; index: number }

/** An operation about to be asked of the server: on these objects, seen in this view. */
export interface Request {
  op: Operation;
  /** "Stop", "Redeploy", … */
  label: string;
  view: ViewName;
  objects: WireObject[];
  /** The objects were the marked rows (not just the selected one). */
  marked: boolean;
  /** What was left out and why ("db (Stopped)"), said with the result. */
  skipped: string[];
}

export interface PaneState {
  id: number;
  uri: string;
  title: string;
  follow: boolean;
  wrap: boolean;
  timestamps: boolean;
  search: string;
  /** Lines from the bottom the view is scrolled up by (0 with follow), counted when it was set... */
  offset: number;
  /** ...when the pane held this many lines in all: lines that came since push the view no further (it holds). */
  heldAt: number | null;
  tail: number;
}

export interface Overlay {
  kind: 'help' | 'inspect';
  uri?: string;
  /** The first line shown. */
  offset: number;
  /** What `/` looks for in it (highlighted; n and N go from match to match). */
  search: string;
  /** The line of the match n and N go on from (the last page can show a match below its top). */
  match?: number;
}

export interface UiState {
  nav: NavState;
  prompt: Prompt | null;
  overlay: Overlay | null;
  panes: PaneState[];
  /** The focused pane's id; 0: the table. */
  focus: number;
  zoomed: boolean;
  /** Log panes beside the table instead of below it. */
  beside: boolean;
  logShare: number;
  nextPaneId: number;
}

/** What a key asks the outside world to do, in order, after the state moved. */
export type Effect =
  | { type: 'status'; status: Status | null }
  | { type: 'operate'; request: Request; target?: number }
  | { type: 'logs.open'; pane: PaneState }
  | { type: 'logs.close'; id: number }
  | { type: 'logs.clear'; id: number }
  | { type: 'logs.reopen'; pane: PaneState }
  | { type: 'logs.save'; pane: PaneState }
  | { type: 'exec'; uri: string }
  | { type: 'namespace'; namespace: string }
  | { type: 'repaint' }
  | { type: 'reconnect' }
  /** Put text on the clipboard; `what` says what it was ("name web-1"). */
  | { type: 'copy'; text: string; what: string }
  /** Put the object's JSON on the clipboard, the whole of it (the store may keep it without its details). */
  | { type: 'copy.json'; object: WireObject }
  | { type: 'exit' };

/** What the reducer may look at besides the state: all of it as on the screen now. */
export interface KeyEnv {
  keymap: Keymap;
  readonly: boolean;
  /** Ask y/N before the dangerous operations (the config's "confirm"). */
  confirm: boolean;
  /** The rows a navigation state shows, from the snapshot on screen. */
  rows(nav: NavState): readonly Row[];
  layout(ui: UiState): Layout;
  /** Column widths of the current view's table at this layout (sorting skips dropped columns). */
  widths(ui: UiState): readonly number[];
  /** The lines of the help or inspect overlay. */
  overlayLines(ui: UiState): readonly string[];
  /** The lines of a pane as displayed (wrapped at its width), each with the number of its log line. */
  paneLines(pane: PaneState, ui: UiState): readonly { text: string; seq: number }[];
  /** The names of a view's objects (for Tab), and the namespaces known (the user's, the configured, those visited). */
  names(view: ViewName): readonly string[];
  namespaces(): readonly string[];
  /** The first row of the table on screen (where a click lands). */
  tableTop(): number;
  /** The keys of the current view's columns (for `key:value` filters), and the values one of them takes there. */
  columnKeys(ui: UiState): readonly string[];
  columnValues(ui: UiState, key: string): readonly string[];
  /** Why copying is off, or null. */
  clipboardOff(): string | null;
  /** How many events have arrived (the events view pauses at a count). */
  eventsSeen(): number;
  /** An object of the snapshot by its URI. */
  object(uri: string): WireObject | undefined;
  /** How many frames have been written to the terminal so far. */
  framesWritten(): number;
  /** Why the API's backend cannot do an operation on a view's objects; undefined when it can. */
  unsupported(view: ViewName, op: Operation): string | undefined;
}

export interface KeyResult { ui: UiState; effects: Effect[] }

const COMMAND_WORDS = [...VIEW_WORDS, 'ns', 'help', 'quit', 'q'];
/** How many names a question or a status line lists before "and N more". */
const NAMES_SHOWN = 5;

export function initialUi(nav: NavState): UiState {
  return { nav, prompt: null, overlay: null, panes: [], focus: 0, zoomed: false, beside: false, logShare: 0.5, nextPaneId: 1 };
}

/** The row under the cursor: the selected object while it is still listed, else the row at the cursor's place. */
export function cursorIn(rows: readonly Row[], nav: NavState): number {
  let cursor = nav.selected ? rows.findIndex((r) => r.uri === nav.selected) : nav.cursor;
  if (cursor < 0) cursor = Math.min(nav.cursor, rows.length - 1);
  return Math.max(0, Math.min(cursor, rows.length - 1));
}

export function focusedPane(ui: UiState): PaneState | undefined {
  return ui.focus ? ui.panes.find((p) => p.id === ui.focus) : undefined;
}

/** Whether a question has been on the screen (a frame went out after it was committed). */
function seen(prompt: Extract<Prompt, { kind: 'confirm' }>, env: KeyEnv): boolean {
  return env.framesWritten() > prompt.askedAt;
}

/** "Stop", "Upgrade docker", "Retry": a command's name in questions and status lines. */
export function labelOf(command: Command): string {
  const name = command.hint ?? command.description.replace(/ \(.*/, '');
  return name.charAt(0).toUpperCase() + name.slice(1);
}


/** "container web-1", or "3 marked services: web, api, db". */
export function describeTargets(objects: readonly WireObject[], view: ViewName, marked: boolean): string {
  const [one, many] = viewSpec(view).noun;
  if (objects.length === 1 && !marked) return `${one} ${nameOf(objects[0]!)}`;
  const names = objects.slice(0, NAMES_SHOWN).map(nameOf).join(', ');
  const more = objects.length > NAMES_SHOWN ? ` and ${objects.length - NAMES_SHOWN} more` : '';
  return `${objects.length} marked ${objects.length === 1 ? one : many}: ${names}${more}`;
}

/** Only what the object's state allows is attempted (the server refuses the rest anyway). */
export function opAllowed(object: WireObject, op: Operation, view: ViewName): boolean {
  if (view === 'events') return false;
  const spec = KINDS[view];
  const state = String(object['state'] ?? '');
  if (op === 'scale' && object['deployment_strategy'] === 'EVERY_NODE') return false; // one per node: nothing to scale
  if (op === 'cancel' && view === 'action') return object['can_be_canceled'] === true;
  if (op === 'retry' && view === 'action') return object['can_be_retried'] === true && allows(spec.operations, 'retry', state);
  return allows(spec.operations, apiOperation(view, op), state);
}

interface Press { input: string; name: string; ctrl: boolean }

/** One key press: the next state, and what to do. */
export function reduceKey(ui: UiState, input: string, key: KeyPress, env: KeyEnv): KeyResult {
  const press: Press = { input, name: keyName(input, key), ctrl: !!key.ctrl || !!key.meta };
  const effects: Effect[] = [];
  const step = new Step(ui, env, effects);
  if (press.name === 'ctrl+c') step.emit({ type: 'exit' });
  else for (const layer of LAYERS) if (layer(step, press)) break;
  return { ui: step.ui, effects };
}

/** A layer takes the key (true) or lets the next one have it (false). */
type Layer = (step: Step, press: Press) => boolean;

/** The state being moved by one key, and the effects it asked for. */
class Step {
  constructor(public ui: UiState, readonly env: KeyEnv, private readonly effects: Effect[]) {}

  set(patch: Partial<UiState>): true {
    this.ui = { ...this.ui, ...patch };
    return true;
  }
  nav(action: NavAction): true {
    return this.set({ nav: navReducer(this.ui.nav, action) });
  }
  emit(effect: Effect): true {
    this.effects.push(effect);
    return true;
  }
  say(text: string, level: Status['level'] = 'info'): true {
    return this.emit({ type: 'status', status: { text, level } });
  }
  get view(): ViewName {
    return currentCrumb(this.ui.nav).view;
  }
  rows(): readonly Row[] {
    return this.env.rows(this.ui.nav);
  }
  selected(): Row | undefined {
    const rows = this.rows();
    return rows[cursorIn(rows, this.ui.nav)];
  }
  moveTo(index: number): true {
    const rows = this.rows();
    const i = Math.max(0, Math.min(index, rows.length - 1));
    return this.nav({ type: 'move', to: i, uri: rows[i]?.uri ?? null });
  }
  updatePane(id: number, patch: Partial<PaneState>): true {
    return this.set({ panes: this.ui.panes.map((p) => (p.id === id ? { ...p, ...patch } : p)) });
  }
  /** The command a key means where the focus is, and, in read-only mode, the one it would have meant. */
  command(name: string): Command | undefined {
    const pane = focusedPane(this.ui);
    return this.env.keymap.match(name, pane ? 'logs' : 'table', pane ? null : this.view);
  }
  disabledCommand(name: string): Command | undefined {
    const pane = focusedPane(this.ui);
    return this.env.keymap.disabled(name, pane ? 'logs' : 'table', pane ? null : this.view);
  }
}

// ── prompt: the command line, filters, scale, confirmations ─────────────────────────────────────────

const promptLayer: Layer = (step, press) => {
  const prompt = step.ui.prompt;
  if (!prompt) return false;
  if (prompt.kind === 'confirm' && !prompt.typeName) return answerQuestion(step, prompt, press);
  if (prompt.kind === 'copy') return answerCopy(step, prompt, press);
  if (prompt.kind === 'confirm' && !seen(prompt, step.env) && press.name !== 'esc') {
    return step.say(`'${press.name}' arrived before the question showed: type the name to confirm`, 'error');
  }
  const { name, input } = press;
  if (name === 'esc') {
    if (prompt.kind === 'confirm' || prompt.kind === 'scale') step.say(`${prompt.request.label} canceled`);
    if (prompt.kind === 'search') search(step, prompt.pane, '');
    if (prompt.kind === 'filter') step.nav({ type: 'filter', filter: prompt.before }); // as it was before the prompt
    return step.set({ prompt: null });
  }
  if (name === 'enter') {
    step.set({ prompt: null });
    return submit(step, prompt);
  }
  if ((name === 'tab' || name === 'shift+tab') && (prompt.kind === 'command' || prompt.kind === 'filter')) {
    return complete(step, prompt, name === 'tab' ? 1 : -1);
  }
  let text = prompt.text;
  if (name === 'backspace') text = text.slice(0, -1);
  else if (name === 'ctrl+u') text = '';
  else if (!press.ctrl && input && !/[\u0000-\u001f\u007f]/.test(input)) text += input;
  else return true;
  step.set({ prompt: { ...prompt, text, completion: undefined } as Prompt });
  if (prompt.kind === 'filter') step.nav({ type: 'filter', filter: text }); // filter as you type
  if (prompt.kind === 'search') search(step, prompt.pane, text);
  return true;
};

/** What of an object the key after y copies: its name (n, or y again), UUID, resource URI, or all of it as JSON. */
const COPY_FIELDS: Record<string, [string, (o: WireObject) => string]> = {
  n: ['name', nameOf], y: ['name', nameOf], u: ['UUID', (o) => String(o['uuid'] ?? '')],
  r: ['resource URI', (o) => o.resource_uri],
};

function answerCopy(step: Step, prompt: Extract<Prompt, { kind: 'copy' }>, press: Press): true {
  step.set({ prompt: null });
  if (!press.ctrl && press.input === 'j') return step.emit({ type: 'copy.json', object: prompt.object });
  const field = press.ctrl ? undefined : COPY_FIELDS[press.input];
  if (!field) return step.say(`copy canceled${press.name === 'esc' ? '' : ` ('${press.name}' is none of n u r j)`}`);
  const [what, value] = field;
  const text = value(prompt.object);
  if (!text) return step.say(`copy: ${nameOf(prompt.object)} has no ${what}`, 'error');
  return step.emit({ type: 'copy', text, what: `the ${what} of ${nameOf(prompt.object)}` });
}

/** A y/N question: y goes ahead, any other key cancels and says so. */
function answerQuestion(step: Step, prompt: Extract<Prompt, { kind: 'confirm' }>, press: Press): true {
  const { request } = prompt;
  if (!seen(prompt, step.env)) {
    // A key typed ahead (a paste, a macro, keys in one read) never answers a question its typist had not seen.
    return step.say(`'${press.name}' arrived before the question showed: press y to ${request.label.toLowerCase()}, any other key cancels`, 'error');
  }
  step.set({ prompt: null });
  if (!press.ctrl && (press.input === 'y' || press.input === 'Y')) return go(step, request, prompt.target);
  const why = press.name === 'esc' || press.input === 'n' || press.input === 'N' ? '' : ` ('${press.name}' is not y)`;
  return step.say(`${request.label} canceled${why}`);
}

/**
 * Tab on the command line or in a filter: the word being typed is completed as far as its candidates agree (the
 * common prefix); when they agree no further, Tab goes through them one by one (shift+Tab back), and the status line
 * lists them. Candidates: commands and view names, then a view's object names (:ctr <name>, a filter) or namespaces
 * (:ns <name>).
 */
function complete(step: Step, prompt: Extract<Prompt, { kind: 'command' | 'filter' }>, direction: 1 | -1): true {
  const cycling = prompt.completion;
  if (cycling) {
    const n = cycling.candidates.length;
    const index = (cycling.index + direction + n) % n;
    return step.set({ prompt: { ...prompt, text: cycling.before + cycling.candidates[index]!, completion: { ...cycling, index } } });
  }
  const at = prompt.text.lastIndexOf(' ') + 1;
  const before = prompt.text.slice(0, at);
  const word = prompt.text.slice(at);
  const words = prompt.kind === 'filter' ? [] : before.trim().split(/\s+/).filter(Boolean);
  let pool: readonly string[];
  if (prompt.kind === 'filter' && word.includes(':')) {
    const key = word.slice(0, word.indexOf(':'));
    pool = step.env.columnValues(step.ui, key).map((v) => `${key}:${v}`);
  } else if (prompt.kind === 'filter') pool = [...step.env.names(step.view), ...step.env.columnKeys(step.ui).map((k) => `${k}:`)];
  else if (words.length === 0) pool = COMMAND_WORDS;
  else if (words[0] === 'ns' && words.length === 1) pool = step.env.namespaces();
  else {
    const view = words.length === 1 ? viewByAlias(words[0]!) : undefined;
    pool = view ? step.env.names(view) : [];
  }
  const candidates = [...new Set(pool.filter((c) => c.toLowerCase().startsWith(word.toLowerCase())))].sort();
  if (!candidates.length) return step.say(`no completion for '${word}'`);
  if (candidates.length === 1) {
    const end = prompt.kind === 'command' || (prompt.kind === 'filter' && candidates[0]!.includes(':') && !candidates[0]!.endsWith(':')) ? ' ' : '';
    return step.set({ prompt: { ...prompt, text: `${before}${candidates[0]}${end}` } });
  }
  const common = commonPrefix(candidates);
  step.say(`${candidates.length} candidates: ${listed(candidates)}`);
  if (common.length > word.length) return step.set({ prompt: { ...prompt, text: before + common } });
  const index = direction > 0 ? 0 : candidates.length - 1;
  return step.set({ prompt: { ...prompt, text: before + candidates[index]!, completion: { before, candidates, index } } });
}

function commonPrefix(words: readonly string[]): string {
  let prefix = words[0] ?? '';
  for (const w of words) while (!w.toLowerCase().startsWith(prefix.toLowerCase())) prefix = prefix.slice(0, -1);
  return prefix;
}

function submit(step: Step, prompt: Prompt): true {
  switch (prompt.kind) {
    case 'filter':
      return step.nav({ type: 'filter', filter: prompt.text });
    case 'search':
    case 'copy':
      return true; // found as it was typed; answered by its key
    case 'command':
      return runCommandLine(step, prompt.text);
    case 'scale': {
      const n = Number(prompt.text);
      if (!/^\d+$/.test(prompt.text) || n > 1000) return step.say(`scale: '${prompt.text}' is not a number from 0 to 1000`, 'error');
      const request = { ...prompt.request, label: `Scale to ${n}:` };
      // Scaling down stops containers (or terminates nodes): that asks like stop and terminate do.
      const cluster = request.view === 'nodecluster';
      const shrinks = request.objects.some((o) => n < Number(o[cluster ? 'target_num_nodes' : 'target_num_containers'] ?? 0));
      if (!shrinks) return go(step, request, n);
      const typeName = cluster ? (request.objects.length === 1 ? nameOf(request.objects[0]!) : String(request.objects.length)) : null;
      if (!typeName && !step.env.confirm) return go(step, request, n);
      return step.set({ prompt: { kind: 'confirm', text: '', request, typeName, askedAt: step.env.framesWritten(), target: n } });
    }
    case 'confirm': {
      if (prompt.text === prompt.typeName) return go(step, prompt.request, prompt.target);
      return step.say(`${prompt.request.label} canceled ('${prompt.text}' is not '${prompt.typeName}')`);
    }
  }
}

function runCommandLine(step: Step, text: string): true {
  const [word = '', ...rest] = text.trim().split(/\s+/);
  if (word === 'q' || word === 'quit') return step.emit({ type: 'exit' });
  if (word === 'help') return step.set({ overlay: { kind: 'help', offset: 0, search: '' } });
  if (word === 'ns') return rest[0] ? step.emit({ type: 'namespace', namespace: rest[0] }) : step.say('usage: :ns <namespace>', 'error');
  const view = viewByAlias(word);
  if (view) return step.nav({ type: 'view', view, filter: rest.join(' ') });
  if (word) return step.say(`unknown command ':${word}' (try :services, :ctr web, :ns acme, :help)`, 'error');
  return true;
}

/** Sends the request, and forgets the marks it used. */
function go(step: Step, request: Request, target?: number): true {
  step.emit({ type: 'operate', request, target });
  return step.nav({ type: 'unmarkAll' });
}

// ── dialog: help and inspect ────────────────────────────────────────────────────────────────────────

const dialogLayer: Layer = (step, press) => {
  const overlay = step.ui.overlay;
  if (!overlay) return false;
  const id = step.command(press.name)?.id;
  const page = overlayBody(step.env, step.ui);
  if (press.name === 'esc' && overlay.search) return step.set({ overlay: { ...overlay, search: '' } });
  if (press.name === 'esc' || id === 'help' || (overlay.kind === 'inspect' && id === 'inspect') || id === 'quit') {
    return step.set({ overlay: null });
  }
  if (id === 'filter') return step.set({ prompt: { kind: 'search', text: '', pane: null } });
  if (id === 'copy') {
    const object = overlay.uri ? step.env.object(overlay.uri) : undefined;
    if (!object) return step.say(overlay.kind === 'help' ? 'copy: nothing to copy in help' : 'copy: the object is gone', 'error');
    return step.emit({ type: 'copy.json', object });
  }
  const keys = step.env.keymap;
  if (keys.keysFor('logs.next').includes(press.name)) return findInOverlay(step, overlay, overlay.search, 1);
  if (keys.keysFor('logs.prev').includes(press.name)) return findInOverlay(step, overlay, overlay.search, -1);
  const delta = id ? SCROLL[id]?.(page) : undefined;
  if (delta !== undefined) step.set({ overlay: { ...overlay, offset: clampOverlay(step.env, step.ui, overlay.offset + delta) } });
  return true; // a dialog takes every key
};

/** Lines of help or the inspector that fit under its title. */
function overlayBody(env: KeyEnv, ui: UiState): number {
  return Math.max(1, env.layout(ui).tableHeight - 1);
}

/** Scrolling stops with the last line at the bottom: never an empty page. */
function clampOverlay(env: KeyEnv, ui: UiState, offset: number): number {
  return Math.max(0, Math.min(offset, env.overlayLines(ui).length - overlayBody(env, ui)));
}

/** Search text typed into a pane (an id) or the overlay (null): what it shows jumps to the nearest match. */
function search(step: Step, pane: number | null, text: string): void {
  if (pane === null) {
    const overlay = step.ui.overlay;
    if (overlay) findInOverlay(step, { ...overlay, search: text }, text, 0);
    return;
  }
  const state = step.ui.panes.find((p) => p.id === pane);
  if (!state) return;
  step.updatePane(pane, { search: text });
  if (text) searchPane(step, { ...state, search: text, offset: Math.max(0, paneOffset(step, state) - 1), heldAt: null }, -1, true);
}

/** The next (1), previous (-1) or first from here (0) line of the overlay that matches, scrolled to the top. */
function findInOverlay(step: Step, overlay: Overlay, text: string, direction: 1 | -1 | 0): true {
  const match = matcher(text);
  if (!match) return step.set({ overlay: { ...overlay, search: text } });
  const lines = step.env.overlayLines(step.ui);
  const hits = lines.flatMap((line, i) => (match(line) ? [i] : []));
  step.set({ overlay: { ...overlay, search: text } });
  if (!hits.length) return step.say(`no match for /${text}/`);
  // From the line at the top (0: this one too), in the direction asked, round the end to the other side.
  const at = direction === 0 ? overlay.offset : overlay.match ?? overlay.offset;
  const next = direction < 0 ? [...hits].reverse().find((i) => i < at) : hits.find((i) => (direction === 0 ? i >= at : i > at));
  const line = next ?? (direction < 0 ? hits.at(-1)! : hits[0]!);
  step.set({ overlay: { ...overlay, search: text, match: line, offset: clampOverlay(step.env, step.ui, line) } });
  const n = hits.indexOf(line) + 1;
  return step.say(`/${text}/: match ${n} of ${hits.length}${next === undefined ? ' (wrapped)' : ''}`);
}

/** Lines a movement command scrolls by, given a page's height (positive: down the list). */
const SCROLL: Record<string, (page: number) => number> = {
  down: () => 1, up: () => -1, pagedown: (page) => page, pageup: (page) => -page, top: () => -1e9, bottom: () => 1e9,
};

// ── the focused log pane ────────────────────────────────────────────────────────────────────────────

const paneLayer: Layer = (step, press) => {
  const pane = focusedPane(step.ui);
  if (!pane) return false;
  const command = step.command(press.name);
  if (!command) return false;
  const id = command.id;
  const layout = step.env.layout(step.ui);
  const page = Math.max(1, paneHeightOf(layout, step.ui, pane) - 2);
  const delta = SCROLL[id]?.(page);
  if (delta !== undefined) {
    if (id === 'bottom') return scrollPane(step, pane, 0);
    // A pane's offset counts up from its last line: scrolling down the list is scrolling towards it. It stops with
    // the first line at the top: never an empty page.
    return scrollPane(step, pane, paneOffset(step, pane) - delta);
  }
  switch (id) {
    case 'logs.follow': return scrollPane(step, pane, 0);
    case 'logs.wrap': return step.updatePane(pane.id, { wrap: !pane.wrap });
    case 'logs.timestamps': return step.updatePane(pane.id, { timestamps: !pane.timestamps });
    case 'filter': return step.set({ prompt: { kind: 'search', text: '', pane: pane.id } });
    case 'logs.next': return searchPane(step, pane, 1);
    case 'logs.prev': return searchPane(step, pane, -1);
    case 'logs.clear':
      step.updatePane(pane.id, { offset: 0, heldAt: null, follow: true });
      return step.emit({ type: 'logs.clear', id: pane.id });
    case 'logs.more': {
      const next = { ...pane, tail: pane.tail * 2 };
      step.updatePane(pane.id, { tail: next.tail });
      return step.emit({ type: 'logs.reopen', pane: next });
    }
    case 'logs.save': return step.emit({ type: 'logs.save', pane });
    case 'copy': {
      const lines = step.env.paneLines(pane, step.ui);
      const end = lines.length - paneOffset(step, pane);
      const shown = lines.slice(Math.max(0, end - paneBody(step, pane)), end);
      if (!shown.length) return step.say('copy: the pane shows no lines', 'error');
      return step.emit({ type: 'copy', text: shown.map((l) => l.text).join('\n'), what: `${shown.length} log lines` });
    }
    case 'back':
      if (pane.search) return step.updatePane(pane.id, { search: '' });
      return closePane(step, pane);
    case 'logs.close': return closePane(step, pane);
    default: return false;
  }
};

function closePane(step: Step, pane: PaneState): true {
  step.set({ panes: step.ui.panes.filter((p) => p.id !== pane.id), focus: 0, zoomed: false });
  return step.emit({ type: 'logs.close', id: pane.id });
}

/** Lines of a pane that fit under its title. */
function paneBody(step: Step, pane: PaneState): number {
  return Math.max(1, paneHeightOf(step.env.layout(step.ui), step.ui, pane) - 1);
}

/** Where a pane is scrolled to now, in lines from its last: as set, plus the lines that came since (it holds). */
function paneOffset(step: Step, pane: PaneState): number {
  return heldOffset(pane, step.env.paneLines(pane, step.ui));
}

/** Scrolls a pane to `offset` lines from its last (clamped); at 0 it follows again. */
function scrollPane(step: Step, pane: PaneState, offset: number): true {
  const lines = step.env.paneLines(pane, step.ui);
  const at = clampPane(step, pane, offset);
  const last = lines.at(-1);
  return step.updatePane(pane.id, { offset: at, heldAt: at && last ? last.seq + 1 : null, follow: at === 0 });
}

function clampPane(step: Step, pane: PaneState, offset: number): number {
  return Math.max(0, Math.min(offset, step.env.paneLines(pane, step.ui).length - paneBody(step, pane)));
}

/** The next match above (-1) or below (1) the pane's last line shown, brought to the bottom of the pane. */
function searchPane(step: Step, pane: PaneState, direction: 1 | -1, quiet = false): true {
  const match = matcher(pane.search);
  if (!match) return true;
  const lines = step.env.paneLines(pane, step.ui);
  const current = lines.length - 1 - heldOffset(pane, lines);
  for (let i = current + direction; i >= 0 && i < lines.length; i += direction) {
    if (match(lines[i]!.text)) return scrollPane(step, pane, lines.length - 1 - i);
  }
  return quiet ? true : step.say(`no more matches of /${pane.search}/`);
}

// ── the table ───────────────────────────────────────────────────────────────────────────────────────

const tableLayer: Layer = (step, press) => {
  if (focusedPane(step.ui)) return false;
  const command = step.command(press.name);
  if (!command || command.scope !== 'table') return false;
  if (command.operation) return requestOperation(step, command);
  let selected = step.selected();
  let view = step.view;
  if (view === 'events' && command.id === 'events.pause') {
    const frozen = step.ui.nav.frozenAt;
    step.nav({ type: 'freeze', at: frozen === null ? step.env.eventsSeen() : null });
    return step.say(frozen === null ? 'events paused: p goes on' : 'events go on');
  }
  if (view === 'events' && selected) {
    // Enter, i and l on an event act on its object, as in its own view.
    const event = selected.object;
    const uri = String(event['resource_uri']);
    const object = step.env.object(uri);
    const kind = viewByAlias(String(event['type']));
    if (!object || !kind) return step.say(`${labelOf(command).toLowerCase()}: the ${String(event['type'])} of this event is gone`, 'error');
    if (command.id === 'drill') return step.nav({ type: 'jump', view: kind, uri }); // Esc comes back to the event
    if (command.id === 'logs' && !viewSpec(kind).logs) return step.say(`logs: a ${viewSpec(kind).noun[0]} has no logs`, 'error');
    selected = { uri, object };
    view = kind;
  }
  switch (command.id) {
    case 'sort.next': case 'sort.prev': case 'sort.reverse': {
      // The cursor stays on its object in the new order; each column starts in its natural direction: names A to
      // Z, usage highest first ("top").
      const rows = step.env.rows(step.ui.nav);
      const selected = rows[cursorIn(rows, step.ui.nav)]?.uri ?? null;
      if (command.id === 'sort.reverse') return step.nav({ type: 'sort', column: step.ui.nav.sort.column, reverse: !step.ui.nav.sort.reverse, selected });
      const column = nextSortColumn(step.env.widths(step.ui), step.ui.nav.sort.column, command.id === 'sort.next' ? 1 : -1);
      return step.nav({ type: 'sort', column, reverse: COLUMNS[currentCrumb(step.ui.nav).view][column]?.descending === true, selected });
    }
    case 'terminated': return step.nav({ type: 'terminated' });
    case 'mark': {
      if (!selected) return step.say('mark: nothing selected', 'error');
      step.nav({ type: 'mark', uri: selected.uri });
      return step.moveTo(cursorIn(step.rows(), step.ui.nav) + 1);
    }
    case 'drill': {
      const next = viewSpec(view).drill;
      if (!selected || !next) return true;
      return step.nav({ type: 'drill', view: next, parent: selected.uri, label: nameOf(selected.object) });
    }
    case 'inspect':
      if (!selected) return step.say('inspect: nothing selected', 'error');
      return step.set({ overlay: { kind: 'inspect', uri: selected.uri, offset: 0, search: '' } });
    case 'logs': {
      if (!selected) return step.say('logs: nothing selected', 'error');
      const pane: PaneState = {
        id: step.ui.nextPaneId, uri: selected.uri, title: `${view} ${nameOf(selected.object)}`,
        follow: true, wrap: false, timestamps: false, search: '', offset: 0, heldAt: null, tail: 300,
      };
      step.set({ panes: [...step.ui.panes, pane], focus: pane.id, nextPaneId: pane.id + 1 });
      return step.emit({ type: 'logs.open', pane });
    }
    case 'exec': {
      if (!selected) return step.say('shell: nothing selected', 'error');
      const o = selected.object;
      if (o['state'] !== 'Running') return step.say(`shell: ${nameOf(o)} is ${String(o['state'])}, not Running`, 'error');
      return step.emit({ type: 'exec', uri: selected.uri });
    }
    default: return false;
  }
};

/** An operation on the marked rows, or on the selected one: what cannot be done is said, dangerous ones ask. */
function requestOperation(step: Step, command: Command): true {
  const op = command.operation!;
  const label = labelOf(command);
  const verb = label.toLowerCase();
  const view = step.view;
  const cannot = step.env.unsupported(view, op);
  if (cannot) return step.say(`${verb}: ${cannot}`, 'error');
  const rows = step.rows();
  const marks = step.ui.nav.marks;
  let targets: WireObject[];
  if (marks.length) {
    const marked = new Set(marks);
    targets = rows.filter((r) => marked.has(r.uri)).map((r) => r.object);
  } else {
    const selected = step.selected();
    targets = selected ? [selected.object] : [];
  }
  if (!targets.length) return step.say(`${verb}: ${marks.length ? 'none of the marked objects is shown' : 'nothing selected'}`, 'error');
  const allowed = targets.filter((o) => opAllowed(o, op, view));
  const skipped = targets.filter((o) => !allowed.includes(o)).map((o) => `${nameOf(o)} (${whyNot(o, op, view)})`);
  const hidden = marks.length ? marks.length - targets.length : 0;
  if (hidden) skipped.push(`${hidden} marked not shown (filtered out or gone)`);
  if (!allowed.length) {
    // An action's own flags say whether it can be canceled or retried now, whatever its state.
    if (view === 'action' && (op === 'cancel' || op === 'retry')) return step.say(`${verb}: not possible for ${listed(skipped)}`, 'error');
    const states = allowedStates(op, view);
    return step.say(`${verb}${states ? ` needs ${states}` : ' is not possible'}: not for ${listed(skipped)}`, 'error');
  }
  const request: Request = { op, label, view, objects: allowed, marked: marks.length > 0, skipped };
  if (op === 'scale') return step.set({ prompt: { kind: 'scale', text: '', request } });
  if (command.dangerous) {
    const named = op === 'terminate' && (view === 'stack' || view === 'nodecluster');
    if (named) {
      const typeName = allowed.length === 1 ? nameOf(allowed[0]!) : String(allowed.length);
      return step.set({ prompt: { kind: 'confirm', text: '', request, typeName, askedAt: step.env.framesWritten() } });
    }
    if (step.env.confirm) return step.set({ prompt: { kind: 'confirm', text: '', request, typeName: null, askedAt: step.env.framesWritten() } });
  }
  return go(step, request);
}

/** Why an operation is not offered on an object: its state, or for actions what their flags say. */
function whyNot(o: WireObject, op: Operation, view: ViewName): string {
  const state = String(o['state'] ?? 'no state');
  if (view === 'action' && op === 'cancel' && allows(KINDS.action.operations, 'cancel', state)) {
    return `${state}, and it cannot stop now: part-way through, or on its last step`;
  }
  if (view === 'action' && op === 'retry' && state === 'Success') return 'it succeeded';
  return state;
}

function allowedStates(op: Operation, view: ViewName): string {
  if (view === 'events') return '';
  const states = KINDS[view].operations[apiOperation(view, op)];
  return states?.length ? states.join(' or ') : '';
}

/** "a, b, c and 2 more" */
export function listed(items: readonly string[]): string {
  const shown = items.slice(0, NAMES_SHOWN).join(', ');
  return items.length > NAMES_SHOWN ? `${shown} and ${items.length - NAMES_SHOWN} more` : shown;
}

/** The question as one line of `width` columns: how to answer stays visible, the list of targets is what is cut. */
export function questionLine(prompt: Extract<Prompt, { kind: 'confirm' }>, width: number): string {
  const { what, answer } = question(prompt);
  const rest = `${answer}${prompt.text}${prompt.typeName ? '█' : ''}`;
  return `${truncate(what, Math.max(8, width - rest.length))}${rest}`;
}

/** The question a confirmation asks: what (may be cut to fit), and how to answer (never cut). */
function question(prompt: Extract<Prompt, { kind: 'confirm' }>): { what: string; answer: string } {
  const { request } = prompt;
  const targets = describeTargets(request.objects, request.view, request.marked);
  const skipping = request.skipped.length ? ` (skipping ${listed(request.skipped)})` : '';
  const what = `${request.label} ${targets}${skipping}`;
  if (prompt.typeName) {
    const ask = request.objects.length === 1 ? 'type its name' : `type ${prompt.typeName} (how many)`;
    return { what, answer: `? ${ask} to confirm: ` };
  }
  return { what, answer: '? y/N ' };
}

// ── global: views, panes, moving, prompts ───────────────────────────────────────────────────────────

const globalLayer: Layer = (step, press) => {
  const command = step.command(press.name);
  if (!command) {
    const disabled = step.disabledCommand(press.name);
    if (disabled) return step.say(`read-only: ${labelOf(disabled).toLowerCase()} is disabled`, 'error');
    return notHere(step, press);
  }
  if (command.scope !== 'global') return false;
  const id = command.id;
  if (id.startsWith('view.')) return step.nav({ type: 'view', view: id.slice(5) as ViewName });
  const ui = step.ui;
  const page = step.env.layout(ui).bodyRows;
  const delta = SCROLL[id]?.(page);
  if (delta !== undefined) return step.moveTo(cursorIn(step.rows(), ui.nav) + delta);
  switch (id) {
    case 'quit': return step.emit({ type: 'exit' });
    case 'redraw': return step.emit({ type: 'repaint' });
    case 'reconnect': return step.emit({ type: 'reconnect' });
    case 'copy': {
      const selected = step.selected();
      if (!selected) return step.say('copy: nothing selected', 'error');
      const off = step.env.clipboardOff();
      if (off) return step.say(`copy: ${off}`, 'error');
      const object = step.view === 'events' ? step.env.object(selected.object['resource_uri'] as string) ?? selected.object : selected.object;
      return step.set({ prompt: { kind: 'copy', text: '', object } });
    }
    case 'help': return step.set({ overlay: { kind: 'help', offset: 0, search: '' } });
    case 'command': return step.set({ prompt: { kind: 'command', text: '' } });
    case 'filter': return step.set({ prompt: { kind: 'filter', text: '', before: ui.nav.filter } }); // what is typed replaces the old one
    case 'back': return step.nav({ type: 'back' });
    case 'pane.next': {
      // Focus cycles table → pane 1 → pane 2 → … → table.
      const ids = [0, ...ui.panes.map((p) => p.id)];
      return step.set({ focus: ids[(ids.indexOf(ui.focus) + 1) % ids.length]! });
    }
    case 'pane.zoom': return step.set({ zoomed: !ui.zoomed });
    case 'pane.split': return step.set({ beside: !ui.beside });
    case 'pane.grow': return step.set({ logShare: Math.min(0.8, ui.logShare + 0.1) });
    case 'pane.shrink': return step.set({ logShare: Math.max(0.2, ui.logShare - 0.1) });
    default: return true;
  }
};

/** A key bound elsewhere (another view, the table while a pane has the focus) says where it applies. */
function notHere(step: Step, press: Press): true {
  const elsewhere = step.env.keymap.all().find((c) => c.keys.includes(press.name));
  if (!elsewhere) return true;
  const label = labelOf(elsewhere);
  if (focusedPane(step.ui) && elsewhere.scope === 'table') return step.say(`${label} acts on the table: Tab to it first`);
  if (!focusedPane(step.ui) && elsewhere.scope === 'logs') {
    return step.say(step.ui.panes.length ? `${label} acts on a log pane: Tab to it first` : `${label} acts on a log pane: l opens one`);
  }
  if (elsewhere.views) return step.say(`${label} is for ${elsewhere.views.map((v) => viewSpec(v).noun[1]).join(', ')}, not ${viewSpec(step.view).noun[1]}`);
  return true;
}

const LAYERS: readonly Layer[] = [promptLayer, dialogLayer, paneLayer, tableLayer, globalLayer];


// ── the mouse: the wheel scrolls what is under it, a click selects a row or focuses a pane ─────────────

/** Lines or rows the wheel moves by, as terminals scroll. */
const WHEEL_STEP = 3;

export function reduceMouse(ui: UiState, report: MouseReport, env: KeyEnv): KeyResult {
  const effects: Effect[] = [];
  const step = new Step(ui, env, effects);
  const wheel = report.button === 64 ? -1 : report.button === 65 ? 1 : 0; // -1: up, towards the top
  const click = report.button === 0 && !report.release;
  const hit = (wheel || click) && !ui.prompt ? hitTest(env.layout(ui), ui, report.x, report.y) : null;
  if (hit?.area === 'pane') {
    const { pane } = hit;
    if (click) step.set({ focus: pane.id });
    else {
      scrollPane(step, pane, paneOffset(step, pane) - wheel * WHEEL_STEP);
    }
  } else if (hit?.area === 'table') {
    const overlay = ui.overlay;
    if (overlay && wheel) step.set({ overlay: { ...overlay, offset: clampOverlay(env, ui, overlay.offset + wheel * WHEEL_STEP) } });
    else if (!overlay && wheel) step.moveTo(cursorIn(step.rows(), ui.nav) + wheel * WHEEL_STEP);
    else if (!overlay && click && hit.row >= 1) { // row 0 is the header
      const index = env.tableTop() + hit.row - 1;
      if (index < step.rows().length) step.set({ focus: 0 }) && step.moveTo(index);
    }
  }
  return { ui: step.ui, effects };
}
