// The monitor's views, one entry each, derived from the kinds table where the kinds table knows: titles, the names
// people type for them (the command line, --view, the config file), the key that opens them, where Enter drills
// down to, and which operations apply. Everything else (commands, help, the reducer, the CLI) reads this list.
import { KINDS, type Operation } from '../domain/index.js';

export type ViewName = 'nodecluster' | 'node' | 'stack' | 'service' | 'container' | 'action' | 'events';

export interface ViewSpec {
  name: ViewName;
  /** "node clusters": the table's title. */
  title: string;
  /** One and many, for questions and status lines ("node cluster", "node clusters"). */
  noun: readonly [string, string];
  /** What can be typed for it, the canonical name (as --view and the config take it) first. */
  aliases: readonly string[];
  /** The key that opens it. */
  key: string;
  /** Where Enter on a row goes: its children. */
  drill: ViewName | null;
  /** Its objects have logs (the reference's logs endpoints). */
  logs: boolean;
  /** The operations its objects take, from the kinds table (a cluster's PATCH target_num_nodes is its scale). */
  operations: readonly Operation[];
  /** It lists objects of the API (events are not objects: nothing marks, inspects or operates on them). */
  objects: boolean;
}

type Entry = Omit<ViewSpec, 'operations' | 'objects'>;

const ENTRIES: readonly Entry[] = [
  { name: 'nodecluster', title: 'node clusters', noun: ['node cluster', 'node clusters'], aliases: ['clusters', 'cluster', 'nodecluster', 'nc'], key: '1', drill: 'node', logs: false },
  { name: 'node', title: 'nodes', noun: ['node', 'nodes'], aliases: ['nodes', 'node', 'no'], key: '2', drill: 'container', logs: false },
  { name: 'stack', title: 'stacks', noun: ['stack', 'stacks'], aliases: ['stacks', 'stack', 'st'], key: '3', drill: 'service', logs: false },
  { name: 'service', title: 'services', noun: ['service', 'services'], aliases: ['services', 'service', 'svc'], key: '4', drill: 'container', logs: true },
  { name: 'container', title: 'containers', noun: ['container', 'containers'], aliases: ['containers', 'container', 'ctr', 'co'], key: '5', drill: null, logs: true },
  { name: 'action', title: 'actions', noun: ['action', 'actions'], aliases: ['actions', 'action', 'ac'], key: '6', drill: null, logs: true },
  { name: 'events', title: 'events', noun: ['event', 'events'], aliases: ['events', 'event', 'ev'], key: '7', drill: null, logs: false },
];

function operationsOf(name: ViewName): Operation[] {
  if (name === 'events') return [];
  const ops = Object.keys(KINDS[name].operations) as Operation[];
  // PATCH is offered only as a cluster's scale; other updates have no key.
  return ops.flatMap((op) => (op !== 'update' ? [op] : name === 'nodecluster' ? ['scale' as const] : []));
}

export const VIEWS: readonly ViewSpec[] = ENTRIES.map((e) => ({ ...e, operations: operationsOf(e.name), objects: e.name !== 'events' }));

const BY_NAME = new Map(VIEWS.map((v) => [v.name, v]));
const BY_ALIAS = new Map(VIEWS.flatMap((v) => v.aliases.map((a) => [a, v.name] as const)));

export function viewSpec(name: ViewName): ViewSpec {
  return BY_NAME.get(name)!;
}

/** The view a typed name means ('svc', 'containers', 'nodecluster'), if any. */
export function viewByAlias(word: string): ViewName | undefined {
  return BY_ALIAS.get(word);
}

/** Every name a view can be typed as. */
export const VIEW_WORDS: readonly string[] = [...BY_ALIAS.keys()];

/** The views whose objects take an operation. */
export function viewsWith(op: Operation): ViewName[] {
  return VIEWS.filter((v) => v.operations.includes(op)).map((v) => v.name);
}

/** The operation of the API behind a monitor operation (a cluster's scale is its update). */
export function apiOperation(view: ViewName, op: Operation): Operation {
  return op === 'scale' && view === 'nodecluster' ? 'update' : op;
}
