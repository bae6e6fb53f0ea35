// The columns of each view: what the docker-cloud CLI shows (wire-compat.md), plus what matters live.
import type { CloudEvent, Container, Node, NodeCluster, ResourceMetrics, Service, Stack, Action } from '../domain/index.js';
import { parseWireDate, stateClass } from '../domain/index.js';
import type { ViewName } from '../keys/index.js';
import type { MetricsSnapshot } from '../hooks/useMetrics.js';
import { labelOfUri, type Snapshot } from '../hooks/useSnapshot.js';
import { STATE_SYMBOL } from '../theme.js';
import { age, sanitize } from './text.js';
import { bytes, cpuLevel, memoryLevel, percent, shownValue, type UsageLevel } from './usage.js';

/** A sort value for "no value": such rows sort last, whichever way. */
export const NONE = Symbol('none');

export interface ColumnContext {
  snapshot: Snapshot;
  now: number;
  /** Live usage of the objects on screen (absent: none, as in tests of other things). */
  metrics?: MetricsSnapshot;
}

/** How often ages ("5s", "3m") are brought up to date when no snapshot does it; rows re-render on this grain. */
export const AGE_TICK_MS = 10_000;

export interface Column {
  key: string;
  header: string;
  /** Minimum width; a flex column takes what is left. */
  width: number;
  flex?: boolean;
  /** This column shows the state (symbol and colour). */
  state?: boolean;
  /** When the terminal is too narrow for every column, those with the lowest number go first; unset: never. */
  drop?: number;
  /** The most it grows to when there is room (the flex column first, then the others in order); unset: its width. */
  max?: number;
  /** Shown only when there is room for it (k9s's wide mode, without a key): wide terminals see more columns. */
  wide?: boolean;
  value(object: any, ctx: ColumnContext): string;
  /** What it sorts by (NONE: no value, last whichever way the sort goes). */
  sortValue?(object: any, ctx: ColumnContext): string | number | typeof NONE;
  /** A cell to colour (near a limit). */
  level?(object: any, ctx: ColumnContext): UsageLevel;
  /** Sorted highest first when the sort moves to it ("top"). */
  descending?: boolean;
  /** Its values come from the live metrics: sorting by it needs them for every row. */
  usage?: boolean;
}

const last = (uri: string | null | undefined) => (uri ? uri.split('/').filter(Boolean).pop() ?? '' : '');
const short = (uuid: string) => uuid.slice(0, 8);
const since = (date: string | null | undefined, ctx: ColumnContext) => {
  const t = parseWireDate(date ?? null);
  return Number.isNaN(t) ? '-' : age(t, ctx.now);
};
const sinceSort = (date: string | null | undefined) => {
  const t = parseWireDate(date ?? null);
  return Number.isNaN(t) ? 0 : -t;
};
const nameOf = (ctx: ColumnContext, kind: 'stack' | 'service' | 'node' | 'nodecluster', uri: string | null | undefined) => {
  if (!uri) return '';
  const o = ctx.snapshot.objects[kind].get(uri) as { name?: string; nickname?: string; external_fqdn?: string } | undefined;
  return sanitize(o?.name ?? o?.nickname ?? o?.external_fqdn ?? short(last(uri)));
};

export function stateText(state: string, synchronized = true): string {
  return `${STATE_SYMBOL[stateClass(state)]} ${state}${synchronized ? '' : ' (*)'}`;
}

const STATE: Column = {
  key: 'state', header: 'STATE', width: 17, state: true,
  value: (o: { state: string; synchronized?: boolean }) => stateText(o.state, o.synchronized !== false),
  sortValue: (o: { state: string }) => o.state,
};
const UUID: Column = { key: 'uuid', header: 'UUID', width: 8, drop: 1, value: (o: { uuid: string }) => short(o.uuid) };
const DEPLOYED: Column = {
  key: 'deployed', header: 'DEPLOYED', width: 8, drop: 3,
  value: (o: { deployed_datetime: string | null }, ctx) => since(o.deployed_datetime, ctx),
  sortValue: (o: { deployed_datetime: string | null }) => sinceSort(o.deployed_datetime),
};

/** The node a container runs on, as people name it (hostname, up to its first dot), '!' when Unreachable. */
function nodeName(uri: string | null, ctx: ColumnContext): string {
  const node = ctx.snapshot.objects.node.get(uri ?? '');
  const name = node ? String(node.nickname || node.external_fqdn).split('.')[0]! : short(last(uri));
  return name + (node?.state === 'Unreachable' ? '!' : '');
}

function ports(c: Container): string {
  return c.container_ports.filter((p) => p.published).map((p) => `${p.outer_port}->${p.inner_port}/${p.protocol}`).join(' ');
}

function servicePorts(s: Service): string {
  return (s.container_ports ?? []).map((p) => `${p.published && p.outer_port ? `${p.outer_port}->` : ''}${p.inner_port}/${p.protocol}`).join(' ');
}

type Measured = 'container' | 'service' | 'node';

/**
 * The latest reading of an object whose state says it can have one: a running container on a node that answers, a
 * deployed node, a service with something running. (A reading is up to an interval old: a container stopped since
 * shows nothing rather than its last reading.)
 */
function usageOf(kind: Measured, o: { resource_uri: string; state?: string; node?: string | null }, ctx: ColumnContext) {
  const m = ctx.metrics?.latest.get(o.resource_uri);
  if (!m || m.containers === 0) return undefined;
  if (kind === 'container' && (o.state !== 'Running' || ctx.snapshot.objects.node.get(o.node ?? '')?.state === 'Unreachable')) return undefined;
  if (kind === 'node' && o.state !== 'Deployed') return undefined;
  return m;
}

/**
 * A view's live CPU (% of a core; a node's: % of its cores) and memory, coloured near their limits. They sort by
 * the value shown (readings that differ below what is shown do not reshuffle the rows every frame); none sorts last.
 */
function usageColumns(kind: Measured): Column[] {
  const column = (key: string, header: string, pick: (m: ResourceMetrics) => number | null, show: (n: number | null) => string,
    level: (m: ResourceMetrics | undefined) => UsageLevel): Column => {
    const valueOf = (o: { resource_uri: string }, ctx: ColumnContext) => {
      const m = usageOf(kind, o, ctx);
      return m ? pick(m) : null;
    };
    return {
      key, header, width: 5, drop: 7, descending: true, usage: true,
      value: (o, ctx) => show(valueOf(o, ctx)),
      sortValue: (o, ctx) => {
        const v = valueOf(o, ctx);
        return v === null ? NONE : shownValue(show(v));
      },
      level: (o, ctx) => level(usageOf(kind, o, ctx)),
    };
  };
  return [
    column('cpu', 'CPU', (m) => (kind === 'node' ? m.cpu_limit_percent : m.cpu_percent), percent, cpuLevel),
    column('mem', 'MEM', (m) => m.memory_bytes, bytes, memoryLevel),
  ];
}

export const COLUMNS: Record<ViewName, Column[]> = {
  nodecluster: [
    { key: 'name', header: 'NAME', width: 14, flex: true, max: 32, value: (c: NodeCluster) => sanitize(c.name) },
    STATE,
    { key: 'nodes', header: 'NODES', width: 6, value: (c: NodeCluster) => `${c.current_num_nodes}/${c.target_num_nodes}`, sortValue: (c: NodeCluster) => c.current_num_nodes },
    { key: 'region', header: 'REGION', width: 22, drop: 4, value: (c: NodeCluster) => c.region.split('/').filter(Boolean).slice(-2).join('/') },
    { key: 'type', header: 'TYPE', width: 24, drop: 2, value: (c: NodeCluster) => c.node_type.split('/').filter(Boolean).slice(-2).join('/') },
    DEPLOYED, UUID,
  ],
  node: [
    { key: 'name', header: 'NODE', width: 24, flex: true, max: 48, value: (n: Node) => sanitize(n.nickname || n.external_fqdn) },
    STATE,
    ...usageColumns('node'),
    { key: 'cluster', header: 'CLUSTER', width: 12, value: (n: Node, ctx) => nameOf(ctx, 'nodecluster', n.node_cluster) },
    { key: 'containers', header: 'CTRS', width: 5, value: (n: Node) => String(n.current_num_containers), sortValue: (n: Node) => n.current_num_containers },
    { key: 'size', header: 'CPU/MEM', width: 9, drop: 4, value: (n: Node) => `${n.cpu}/${Math.round(n.memory / 1024)}G`, sortValue: (n: Node) => n.memory },
    { key: 'docker', header: 'DOCKER', width: 11, drop: 2, value: (n: Node) => n.docker_version },
    { key: 'ip', header: 'IP', width: 15, drop: 3, value: (n: Node) => n.public_ip },
    // A Deployed node is in contact (its agent's reports are not events, so the age would only grow here): the age
    // matters for a node that stopped answering.
    { key: 'seen', header: 'SEEN', width: 5, drop: 5, value: (n: Node, ctx) => (n.state === 'Deployed' ? '' : since(n.last_seen, ctx)),
      sortValue: (n: Node) => sinceSort(n.last_seen) },
    UUID,
  ],
  stack: [
    { key: 'name', header: 'NAME', width: 16, flex: true, max: 32, value: (s: Stack) => sanitize(s.name) },
    STATE,
    { key: 'services', header: 'SERVICES', width: 8, value: (s: Stack) => String(s.services.length), sortValue: (s: Stack) => s.services.length },
    DEPLOYED, UUID,
  ],
  service: [
    { key: 'name', header: 'NAME', width: 16, max: 28, value: (s: Service) => sanitize(s.name) },
    STATE,
    { key: 'containers', header: 'CTRS', width: 7, value: (s: Service) => `${s.running_num_containers}/${s.target_num_containers}`, sortValue: (s: Service) => s.current_num_containers },
    ...usageColumns('service'),
    { key: 'image', header: 'IMAGE', width: 18, flex: true, max: 40, value: (s: Service) => sanitize(s.image_name) },
    { key: 'stack', header: 'STACK', width: 12, drop: 4, value: (s: Service, ctx) => nameOf(ctx, 'stack', s.stack) },
    DEPLOYED, UUID,
    { key: 'strategy', header: 'STRATEGY', width: 17, wide: true, value: (s: Service) => s.deployment_strategy ?? '' },
    { key: 'restart', header: 'RESTART', width: 10, wide: true, value: (s: Service) => s.autorestart ?? '' },
    { key: 'autoredeploy', header: 'AUTOREDEPLOY', width: 12, wide: true, value: (s: Service) => (s.autoredeploy ? 'yes' : 'no') },
    { key: 'ports', header: 'PORTS', width: 18, wide: true, max: 40, value: (s: Service) => servicePorts(s) },
  ],
  container: [
    { key: 'name', header: 'NAME', width: 18, max: 24, value: (c: Container) => sanitize(c.name) },
    STATE, ...usageColumns('container'),
    { key: 'image', header: 'IMAGE', width: 16, flex: true, max: 40, value: (c: Container) => sanitize(c.image_name) },
    // The node (with its ! when it does not answer) says why a running container has no usage: it stays longer.
    { key: 'node', header: 'NODE', width: 10, drop: 6, value: (c: Container, ctx) => nodeName(c.node, ctx) },
    { key: 'exit', header: 'EXIT', width: 4, drop: 5, value: (c: Container) => (c.exit_code === null ? '' : String(c.exit_code)), sortValue: (c: Container) => c.exit_code ?? -1 },
    { key: 'ports', header: 'PORTS', width: 14, drop: 2, max: 30, value: (c: Container) => ports(c) },
    { key: 'stack', header: 'STACK', width: 10, drop: 4, value: (c: Container, ctx) => nameOf(ctx, 'stack', ctx.snapshot.objects.service.get(c.service)?.stack) },
    DEPLOYED, UUID,
    { key: 'ip', header: 'IP', width: 15, wide: true, value: (c: Container) => c.private_ip ?? '' },
    { key: 'started', header: 'STARTED', width: 7, wide: true, value: (c: Container, ctx) => since(c.started_datetime, ctx), sortValue: (c: Container) => sinceSort(c.started_datetime) },
    { key: 'restart', header: 'RESTART', width: 10, wide: true, value: (c: Container) => c.autorestart ?? '' },
    { key: 'command', header: 'COMMAND', width: 20, wide: true, max: 40, value: (c: Container) => sanitize([c.entrypoint, c.run_command].filter(Boolean).join(' ')) },
  ],
  action: [
    { key: 'action', header: 'ACTION', width: 22, value: (a: Action) => sanitize(a.action) },
    { ...STATE, value: (a: Action) => stateText(a.state) },
    { key: 'object', header: 'OBJECT', width: 20, flex: true, max: 40, value: (a: Action, ctx) => sanitize(labelOfUri(ctx.snapshot, a.object)) },
    { key: 'start', header: 'START', width: 6, drop: 4, value: (a: Action, ctx) => since(a.start_date, ctx), sortValue: (a: Action) => sinceSort(a.start_date) },
    { key: 'took', header: 'TOOK', width: 6, drop: 3, value: (a: Action) => took(a), sortValue: (a: Action) => tookMs(a) },
    { key: 'user', header: 'USER', width: 8, drop: 2, value: (a: Action) => sanitize(a.user) },
    UUID,
  ],
  events: [
    { key: 'time', header: 'TIME', width: 8, drop: 2, value: (e: CloudEvent) => e.datetime.slice(11, 19) },
    { key: 'type', header: 'TYPE', width: 11, value: (e: CloudEvent) => e.type },
    { key: 'action', header: 'ACTION', width: 7, value: (e: CloudEvent) => e.action },
    { ...STATE, value: (e: CloudEvent) => stateText(e.state) },
    { key: 'object', header: 'OBJECT', width: 20, flex: true, max: 40, value: (e: CloudEvent, ctx) => sanitize(labelOfUri(ctx.snapshot, e.resource_uri)) },
    { key: 'detail', header: 'DETAIL', width: 16, drop: 1, max: 40, value: (e: CloudEvent, ctx) => sanitize(eventDetail(e, ctx)) },
  ],
};

/** The newest event of each object, per list of events (the snapshot's, which changes as a whole). */
const newestOf = new WeakMap<readonly CloudEvent[], Map<string, CloudEvent>>();
function newestEvent(ctx: ColumnContext, uri: string): CloudEvent | undefined {
  const events = ctx.snapshot.recentEvents;
  let newest = newestOf.get(events);
  if (!newest) {
    newest = new Map();
    for (const e of events) newest.set(e.resource_uri, e);
    newestOf.set(events, newest);
  }
  return newest.get(uri);
}

/**
 * Why, as far as the object says: a stopped container's exit code and message, a service's running count, an
 * action's verb. Events carry only the new state, and the object is as it is now: so only the newest event of an
 * object gets its detail (on an older one it would describe a later moment).
 */
function eventDetail(e: CloudEvent, ctx: ColumnContext): string {
  const objects = ctx.snapshot.objects;
  if (newestEvent(ctx, e.resource_uri) !== e) return '';
  switch (e.type) {
    case 'container': {
      const c = objects.container.get(e.resource_uri);
      if (!c || c.exit_code === null || e.state !== 'Stopped' || c.state !== 'Stopped') return ''; // the exit is the stop's
      return c.exit_code_msg || `exit ${c.exit_code}`;
    }
    case 'service': {
      const s = objects.service.get(e.resource_uri);
      return s ? `${s.running_num_containers}/${s.target_num_containers} running` : '';
    }
    case 'action': return objects.action.get(e.resource_uri)?.action ?? '';
    default: return '';
  }
}

function tookMs(a: Action): number {
  const end = parseWireDate(a.end_date);
  const start = parseWireDate(a.start_date);
  return Number.isNaN(end) || Number.isNaN(start) ? -1 : end - start;
}
function took(a: Action): string {
  const ms = tookMs(a);
  return ms < 0 ? '…' : `${Math.round(ms / 1000)}s`;
}


/**
 * Widths for the columns at a total width: minimums first. When they do not fit, columns are dropped (width 0) in
 * their `drop` order, as k9s does, rather than every line cut short; then the flexible column narrows. When there is
 * room, the flexible column grows to its `max`, then the others shown, then the wide-only columns come in, in order,
 * and grow: a wide terminal shows more, rather than one column stretched over it.
 */
export function layoutColumns(columns: Column[], total: number, withUsage = true): number[] {
  // Without live usage (turned off) its columns are not there at all.
  const absent = (c: Column) => !withUsage && c.usage === true;
  const shown = new Set(columns.flatMap((c, i) => (c.wide || absent(c) ? [] : [i])));
  const widths = columns.map((c) => c.width);
  const used = () => [...shown].reduce((sum, i) => sum + widths[i]! + 1, 0); // a space before each column
  const droppable = columns.map((c, i) => [c.drop, i] as const).filter((d): d is readonly [number, number] => d[0] !== undefined && !columns[d[1]]!.wide)
    .sort((a, b) => a[0] - b[0]);
  for (const [, i] of droppable) {
    if (used() <= total) break;
    shown.delete(i);
  }
  const flex = columns.findIndex((c) => c.flex);
  if (used() > total) {
    // The flexible column gives up some of its own, down to a floor; below that the lines are cut at the edge.
    if (flex >= 0 && shown.has(flex)) widths[flex] = Math.max(Math.min(widths[flex]!, FLEX_FLOOR), widths[flex]! - (used() - total));
    return columns.map((_, i) => (shown.has(i) ? widths[i]! : 0));
  }
  const grow = (i: number) => {
    widths[i] = Math.min(columns[i]!.max ?? widths[i]!, widths[i]! + (total - used()));
  };
  if (flex >= 0 && shown.has(flex)) grow(flex);
  for (const i of shown) if (i !== flex) grow(i);
  columns.forEach((c, i) => {
    if (c.wide && !absent(c) && used() + c.width + 1 <= total) shown.add(i);
  });
  columns.forEach((c, i) => c.wide && shown.has(i) && grow(i));
  return columns.map((_, i) => (shown.has(i) ? widths[i]! : 0));
}

const FLEX_FLOOR = 10;

/** The next column shown (not dropped for width) to sort by, from `from` (-1: unsorted) in direction `step`. */
export function nextSortColumn(widths: readonly number[], from: number, step: 1 | -1): number {
  const n = widths.length;
  let i = from < 0 ? (step > 0 ? -1 : n) : from;
  for (let k = 0; k < n; k++) {
    i = (i + step + n) % n;
    if (widths[i]! > 0) return i;
  }
  return from;
}
