// The rows a view shows: its objects (or those under the drilled-into parent), filtered, sorted.
import { parseWireDate, type WireObject } from '../domain/index.js';
import type { Crumb } from '../hooks/useNavigation.js';
import { childrenOf, type Snapshot } from '../hooks/useSnapshot.js';
import { COLUMNS, type Column, type ColumnContext } from './columns.js';

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
  frozenAt: number | null = null,
): Row[] {
  const ctx: ColumnContext = { snapshot, now };
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
      if (!allTerminated && object['state'] === 'Terminated' &&
        now - (snapshot.terminatedAt.get(object.resource_uri) ?? now) >= RECENTLY_TERMINATED_MS) return;
      rows.push(rowOf(object));
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
    keyed.sort((a, b) => compare(a.k, b.k) * (sort.reverse ? -1 : 1));
    rows = keyed.map((x) => x.r);
  } else if (sort.reverse) rows.reverse();
  return rows;
}
