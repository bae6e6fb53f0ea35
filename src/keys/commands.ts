// Commands as data: one registry feeds key dispatch, the help screen, the hint line, read-only mode (dangerous
// commands disappear) and user remapping. Bindings are key names as produced by keyName().
import type { Operation } from '../domain/index.js';
import { VIEWS, viewsWith, type ViewName } from './views.js';

export type { ViewName } from './views.js';

/** Where a command applies: anywhere, on a table of objects, in a log pane, in the inspector. */
export type Scope = 'global' | 'table' | 'logs' | 'inspect';

export interface Command {
  id: string;
  description: string;
  keys: string[];
  scope: Scope;
  /** For table commands: the views it applies to (all, when absent). */
  views?: ViewName[];
  /** Changes or destroys something: hidden in read-only mode. */
  mutates?: boolean;
  /** Can take something down: asks first, naming its targets (y), or for a stack's or cluster's name on terminate. */
  dangerous?: boolean;
  /** The API operation it performs on the selected (or marked) objects. */
  operation?: Operation;
  /** Shown in the hint line, with this short label. */
  hint?: string;
}

const ALL_OBJECTS: ViewName[] = VIEWS.filter((v) => v.objects).map((v) => v.name);
const WITH_LOGS: ViewName[] = VIEWS.filter((v) => v.logs).map((v) => v.name);
const DRILLING: ViewName[] = VIEWS.filter((v) => v.drill).map((v) => v.name);
/** On an event, Enter, i and l act on its object. */
const OF_EVENTS = (views: ViewName[]): ViewName[] => [...views, 'events'];
const TITLES = (v: (typeof VIEWS)[number]) => v.title.charAt(0).toUpperCase() + v.title.slice(1);

export const COMMANDS: readonly Command[] = [
  // Global
  { id: 'quit', description: 'Quit', keys: ['q'], scope: 'global', hint: 'quit' },
  { id: 'help', description: 'Help: every key', keys: ['?'], scope: 'global', hint: 'help' },
  { id: 'copy', description: 'Copy to the clipboard: on a row then n name, u UUID, r resource URI, j JSON; in a log pane the lines shown; inspecting, the JSON', keys: ['y'], scope: 'global', hint: 'copy' },
  { id: 'reconnect', description: 'Reconnect to the API now (after it went away, refused the credentials or the namespace)', keys: ['ctrl+r'], scope: 'global' },
  { id: 'redraw', description: 'Redraw the whole screen', keys: ['ctrl+l'], scope: 'global' },
  { id: 'command', description: 'Command line (:services, :ctr web, :ns acme)', keys: [':'], scope: 'global', hint: 'command' },
  ...VIEWS.map((v): Command => ({ id: `view.${v.name}`, description: TITLES(v), keys: [v.key], scope: 'global' })),
  { id: 'pane.next', description: 'Focus the next pane', keys: ['tab', 'ctrl+w'], scope: 'global' },
  { id: 'pane.zoom', description: 'Zoom the focused pane (and back)', keys: ['z'], scope: 'global' },
  { id: 'pane.split', description: 'Split logs beside / below', keys: ['|'], scope: 'global' },
  { id: 'pane.grow', description: 'Give the log panes more room', keys: ['}'], scope: 'global' },
  { id: 'pane.shrink', description: 'Give the log panes less room', keys: ['{'], scope: 'global' },
  // Moving in a list (tables, logs, inspector)
  { id: 'down', description: 'Down', keys: ['j', 'down'], scope: 'global' },
  { id: 'up', description: 'Up', keys: ['k', 'up'], scope: 'global' },
  { id: 'pagedown', description: 'Page down', keys: ['pgdn', 'ctrl+f'], scope: 'global' },
  { id: 'pageup', description: 'Page up', keys: ['pgup', 'ctrl+b'], scope: 'global' },
  { id: 'top', description: 'First line', keys: ['g', 'home'], scope: 'global' },
  { id: 'bottom', description: 'Last line', keys: ['G', 'end'], scope: 'global' },
  { id: 'filter', description: 'Filter (text or regex)', keys: ['/'], scope: 'global', hint: 'filter' },
  { id: 'back', description: 'Back / clear filter / close', keys: ['esc'], scope: 'global' },
  // Tables
  { id: 'drill', description: 'Drill down (cluster → nodes → containers, stack → services → containers); on an event, go to its object', keys: ['enter'], scope: 'table', views: OF_EVENTS(DRILLING), hint: 'drill down' },
  { id: 'mark', description: 'Mark / unmark the row', keys: ['space'], scope: 'table', views: ALL_OBJECTS },
  { id: 'sort.next', description: 'Sort by the next column (CPU and MEM: highest first, "top")', keys: ['>'], scope: 'table' },
  { id: 'sort.prev', description: 'Sort by the previous column (CPU and MEM: highest first)', keys: ['<'], scope: 'table' },
  { id: 'sort.reverse', description: 'Reverse the sort', keys: ['~'], scope: 'table' },
  { id: 'terminated', description: 'Show every terminated object kept (recent ones always show, marked)', keys: ['T'], scope: 'table', views: ALL_OBJECTS },
  { id: 'inspect', description: 'Inspect the object, its relations and actions', keys: ['i'], scope: 'table', views: OF_EVENTS(ALL_OBJECTS), hint: 'inspect' },
  { id: 'logs', description: 'Logs in a split pane', keys: ['l'], scope: 'table', views: OF_EVENTS(WITH_LOGS), hint: 'logs' },
  { id: 'events.pause', description: 'Pause the events (and go on): new ones are counted, not shown', keys: ['p'], scope: 'table', views: ['events'], hint: 'pause' },
  { id: 'exec', description: 'Shell in the container', keys: ['e'], scope: 'table', views: ['container'], mutates: true, hint: 'shell' },
  { id: 'op.start', description: 'Start', keys: ['s'], scope: 'table', views: viewsWith('start'), mutates: true, operation: 'start', hint: 'start' },
  { id: 'op.stop', description: 'Stop', keys: ['x'], scope: 'table', views: viewsWith('stop'), mutates: true, dangerous: true, operation: 'stop', hint: 'stop' },
  { id: 'op.redeploy', description: 'Redeploy', keys: ['R'], scope: 'table', views: viewsWith('redeploy'), mutates: true, dangerous: true, operation: 'redeploy', hint: 'redeploy' },
  { id: 'op.scale', description: 'Scale (asks for the number)', keys: ['='], scope: 'table', views: viewsWith('scale'), mutates: true, operation: 'scale', hint: 'scale' },
  { id: 'op.deploy', description: 'Deploy the cluster', keys: ['d'], scope: 'table', views: viewsWith('deploy'), mutates: true, operation: 'deploy', hint: 'deploy' },
  { id: 'op.upgrade', description: 'Upgrade Docker on the node', keys: ['U'], scope: 'table', views: viewsWith('docker-upgrade'), mutates: true, dangerous: true, operation: 'docker-upgrade', hint: 'upgrade docker' },
  { id: 'op.healthcheck', description: 'Health-check the node', keys: ['H'], scope: 'table', views: viewsWith('health-check'), mutates: true, operation: 'health-check', hint: 'health-check' },
  { id: 'op.terminate', description: 'Terminate', keys: ['D'], scope: 'table', views: viewsWith('terminate'), mutates: true, dangerous: true, operation: 'terminate', hint: 'terminate' },
  { id: 'op.cancel', description: 'Cancel the action', keys: ['C'], scope: 'table', views: viewsWith('cancel'), mutates: true, operation: 'cancel', hint: 'cancel' },
  { id: 'op.retry', description: 'Retry the action (runs its operation again)', keys: ['r'], scope: 'table', views: viewsWith('retry'), mutates: true, dangerous: true, operation: 'retry', hint: 'retry' },
  // Log panes
  { id: 'logs.follow', description: 'Follow (resume at the bottom)', keys: ['f'], scope: 'logs', hint: 'follow' },
  { id: 'logs.wrap', description: 'Wrap long lines', keys: ['w'], scope: 'logs', hint: 'wrap' },
  { id: 'logs.timestamps', description: 'Timestamps', keys: ['t'], scope: 'logs', hint: 'time' },
  { id: 'logs.next', description: 'Next match', keys: ['n'], scope: 'logs' },
  { id: 'logs.prev', description: 'Previous match', keys: ['N'], scope: 'logs' },
  { id: 'logs.clear', description: 'Clear the pane', keys: ['c'], scope: 'logs' },
  { id: 'logs.save', description: 'Save the pane to a file', keys: ['S'], scope: 'logs', hint: 'save' },
  { id: 'logs.more', description: 'Tail more lines (reopen)', keys: ['+'], scope: 'logs' },
  { id: 'logs.close', description: 'Close the pane', keys: ['X'], scope: 'logs', hint: 'close' },
];

export function findCommand(id: string): Command | undefined {
  return COMMANDS.find((c) => c.id === id);
}
