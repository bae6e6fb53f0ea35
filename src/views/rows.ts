// The rows a view shows: its objects (or those under the drilled-into parent), filtered, sorted.
import { parseWireDate, type WireObject } from '../domain/index.js';
import type { MetricsSnapshot } from '../hooks/useMetrics.js';
import type { Crumb } from '../hooks/useNavigation.js';
import { childrenOf, type Snapshot } from '../hooks/useSnapshot.js';
import { COLUMNS, NONE, type Column, type ColumnContext } from './columns.js';

export interface Row { uri: string; object: WireObject }

/** One Row per object version, reused across frames: under churn most objects did not change. */
const rowCache = new WeakMap<WireObject, Row>();
function rowOf(object: WireObject): Row {
  let row = rowCache.get(object);
  if (!row) rowCache.set(object, (row = { uri: object.resource_uri, object }));
  return row;
}

/** A filter is a case-insensitive regular expression, or plain text when it is not a valid one. */
export function matcher(filter: string): ((text: string) => boolean) | null {
  if (!filter) return null;
  try {
    const re = new RegExp(filter, 'i');
    return (text) => re.test(text);
  } catch {
    const lower = filter.toLowerCase();
    return (text) => text.toLowerCase().includes(lower);
  }
}

/**
 * A row filter: the text (or regex) in any column, or, with words like `state:stopped type:container`, each word in
 * its column (by key or header; `kind:` is the events' TYPE), every word having to match.
 */
export function rowMatcher(filter: string, columns: readonly Column[], ctx: ColumnContext): ((object: WireObject) => boolean) | null {
  if (!/(^|\s)[\w-]+:\S/.test(filter)) {
    const match = matcher(filter);
    return match && ((o) => columns.some((c) => match(c.value(o, ctx))));
  }
  const terms = filter.trim().split(/\s+/).map((word) => {
    const at = word.indexOf(':');
    const name = at > 0 ? word.slice(0, at).toLowerCase() : '';
    const column = name ? columns.find((c) => c.key === name || c.header.toLowerCase() === name || (name === 'kind' && c.key === 'type')) : undefined;
    const match = matcher(column ? word.slice(at + 1) : word)!;
    return (o: WireObject) => (column ? match(column.value(o, ctx)) : columns.some((c) => match(c.value(o, ctx))));
  });
  return (o) => terms.every((t) => t(o));
}

function startOf(action: WireObject): number {
  const t = parseWireDate((action['start_date'] as string | null) ?? null);
  return Number.isNaN(t) ? 0 : t;
}

/** Numbers by value, text naturally (api-2 before api-10), as people read names. */
const natural = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
function compare(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return natural.compare(String(a), String(b));
}

/** Terminated objects show (marked) this long; then only when asked for (T). */
export const RECENTLY_TERMINATED_MS = 10_000;

export function rowsFor(
  snapshot: Snapshot, crumb: Crumb, filter: string, sort: { column: number; reverse: boolean }, allTerminated: boolean, now: number,
  frozenAt: number | null = null, metrics?: MetricsSnapshot,
): Row[] {
  const ctx: ColumnContext = { snapshot, now, ...(metrics ? { metrics } : {}) };
  const columns = COLUMNS[crumb.view];
  let rows: Row[];
  if (crumb.view === 'events') {
    // Newest first, each by its number since the monitor started (stable while newer ones arrive); paused: only
    // those that had arrived when it was paused.
    const events = snapshot.recentEvents;
    const first = snapshot.eventsSeen - events.length;
    const upTo = Math.min(events.length, (frozenAt ?? Infinity) - first);
    rows = [];
    for (let i = upTo - 1; i >= 0; i--) rows.push({ uri: `event:${first + i}`, object: events[i] as unknown as WireObject });
  } else {
    const map = snapshot.objects[crumb.view] as ReadonlyMap<string, WireObject>;
    const only = crumb.parent ? childrenOf(snapshot, crumb.view, crumb.parent) : null;
    // One pass, no intermediate arrays: this runs every frame over up to every container of the fleet.
    rows = [];
    const add = (object: WireObject | undefined) => {
      if (!object) return;
      if (shownAt(snapshot, object, allTerminated, now)) rows.push(rowOf(object));
    };
    if (only) for (const uri of only) add(map.get(uri));
    else for (const object of map.values()) add(object);
    // Newest first, by when they started: the first listing (newest first) and live arrivals come in different orders.
    // (Dates have seconds: within one, the later arrival first.)
    if (crumb.view === 'action') {
      const order = new Map(rows.map((r, i) => [r, i]));
      rows.sort((a, b) => startOf(b.object) - startOf(a.object) || order.get(b)! - order.get(a)!);
    }
  }
  const match = rowMatcher(filter, columns, ctx);
  if (match) rows = rows.filter((r) => match(r.object));
  const column = columns[sort.column];
  if (column) {
    const key = (r: Row) => (column.sortValue ? column.sortValue(r.object, ctx) : column.value(r.object, ctx));
    const keyed = rows.map((r) => ({ r, k: key(r) }));
    // Rows without a value (NONE) go last whichever way; the others by value, ties in the store's order.
    keyed.sort((a, b) => (a.k === NONE || b.k === NONE ? Number(a.k === NONE) - Number(b.k === NONE)
      : compare(a.k as string | number, b.k as string | number) * (sort.reverse ? -1 : 1)));
    rows = keyed.map((x) => x.r);
  } else if (sort.reverse) rows.reverse();
  return rows;
}

/** One view's rows as last derived, and where each object's row is. */
interface Derived {
  version: number;
  /** The rows, changed in place from one snapshot to the next (a new array of 10,000 a frame was most of the garbage). */
  rows: Row[];
  /**
   * Each row's number in the order it came, ascending along `rows` and moved with them: a row's place is found by
   * binary search on its number (`numberOf`), so closing up the rows after a hole changes no map (it was a fifth of
   * the monitor's CPU under churn: every snapshot drops a row somewhere, and the places of all after it moved).
   */
  numbers: number[];
  numberOf: Map<string, number>;
  next: number;
  /** The Terminated objects shown, which leave when their time is up, and when they were terminated (if known). */
  terminated: Map<string, number | undefined>;
}

/** Where a row is in `rows`, by its number (undefined: not shown). */
function placeOf(d: Derived, uri: string): number | undefined {
  const n = d.numberOf.get(uri);
  if (n === undefined) return undefined;
  let [lo, hi] = [0, d.numbers.length - 1];
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (d.numbers[mid]! < n) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A whole kind's rows in the store's order, unfiltered and unsorted (what a view shows until asked otherwise, and the
 * costly case: every container of the fleet), derived from the previous snapshot's rows and the URIs that changed
 * since: a frame costs the changes, not the fleet. Any other case, or a snapshot that is not the next one, is
 * computed whole by rowsFor. Both give the same rows (test/views/rows-derived.test.ts). The array is the same from
 * frame to frame, changed in place: only the rows of the snapshot on screen are ever read.
 */
export class RowDeriver {
  private readonly derived = new Map<string, Derived>();

  rows(snapshot: Snapshot, crumb: Crumb, filter: string, sort: { column: number; reverse: boolean }, allTerminated: boolean,
    frozenAt: number | null = null, metrics?: MetricsSnapshot): Row[] {
    if (crumb.view === 'events' || crumb.parent || filter || sort.column >= 0 || sort.reverse || crumb.view === 'action') {
      return rowsFor(snapshot, crumb, filter, sort, allTerminated, snapshot.at, frozenAt, metrics);
    }
    const key = `${crumb.view}:${allTerminated}`;
    const previous = this.derived.get(key);
    if (previous?.version === snapshot.version) return previous.rows;
    const next = previous && previous.version === snapshot.version - 1
      ? advance(previous, snapshot, crumb.view, allTerminated)
      : derive(snapshot, crumb.view, allTerminated);
    this.derived.set(key, next);
    return next.rows;
  }
}

/** Shown in a view: anything but a Terminated object past its time (unless all terminated ones are asked for). */
function shownAt(snapshot: Snapshot, object: WireObject, allTerminated: boolean, now: number): boolean {
  return allTerminated || object['state'] !== 'Terminated' ||
    now - (snapshot.terminatedAt.get(object.resource_uri) ?? now) < RECENTLY_TERMINATED_MS;
}

function derive(snapshot: Snapshot, view: Crumb['view'], allTerminated: boolean): Derived {
  const d: Derived = { version: snapshot.version, rows: [], numbers: [], numberOf: new Map(), next: 0, terminated: new Map() };
  for (const object of (snapshot.objects[view as 'container'] as ReadonlyMap<string, WireObject>).values()) {
    if (!shownAt(snapshot, object, allTerminated, snapshot.at)) continue;
    append(d, object);
    noteTerminated(d, snapshot, object, allTerminated);
  }
  return d;
}

function append(d: Derived, object: WireObject): void {
  d.numberOf.set(object.resource_uri, d.next);
  d.numbers.push(d.next++);
  d.rows.push(rowOf(object));
}

/** A shown Terminated object is kept with when it was terminated (its row leaves when its time is up). */
function noteTerminated(d: Derived, snapshot: Snapshot, object: WireObject, allTerminated: boolean): void {
  const uri = object.resource_uri;
  if (!allTerminated && object['state'] === 'Terminated') d.terminated.set(uri, snapshot.terminatedAt.get(uri));
  else d.terminated.delete(uri);
}

/** The previous rows, changed where objects changed, new objects after them (where the store's order has them). */
function advance(d: Derived, snapshot: Snapshot, view: Crumb['view'], allTerminated: boolean): Derived {
  const map = snapshot.objects[view as 'container'] as ReadonlyMap<string, WireObject>;
  const now = snapshot.at;
  const rows = d.rows as (Row | null)[];
  let holes = 0;
  // A dropped row's number stays until the rows are closed up: the numbers stay ascending for placeOf.
  const drop = (place: number, uri: string) => {
    rows[place] = null;
    d.numberOf.delete(uri);
    d.terminated.delete(uri);
    holes++;
  };
  for (const uri of snapshot.changed) {
    const object = map.get(uri);
    const place = placeOf(d, uri);
    if (!object || !shownAt(snapshot, object, allTerminated, now)) {
      // Gone, or no longer shown (or another kind's URI: neither here nor there).
      if (place !== undefined) drop(place, uri);
      continue;
    }
    if (place !== undefined) rows[place] = rowOf(object);
    else append(d, object);
    noteTerminated(d, snapshot, object, allTerminated);
  }
  for (const [uri, terminatedAt] of d.terminated) {
    if (now - (terminatedAt ?? now) >= RECENTLY_TERMINATED_MS) drop(placeOf(d, uri)!, uri);
  }
  if (holes) {
    // Closed up in place: the rows after a hole move up with their numbers (no new entries, no garbage).
    const numbers = d.numbers;
    let to = 0;
    for (let from = 0; from < rows.length; from++) {
      const row = rows[from];
      if (!row) continue;
      if (to !== from) {
        rows[to] = row;
        numbers[to] = numbers[from]!;
      }
      to++;
    }
    rows.length = to;
    numbers.length = to;
  }
  d.version = snapshot.version;
  return d;
}
