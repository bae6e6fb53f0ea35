// The rows a view shows: its objects (or those under the drilled-into parent), filtered, sorted.
import type { WireObject } from '../domain/index.js';
import type { Crumb } from '../hooks/useNavigation.js';
import { childrenOf, type Snapshot } from '../hooks/useSnapshot.js';
import { COLUMNS, type ColumnContext } from './columns.js';

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

/** Terminated objects show (marked) this long; then only when asked for (T). */
export const RECENTLY_TERMINATED_MS = 10_000;

export function rowsFor(
  snapshot: Snapshot, crumb: Crumb, filter: string, sort: { column: number; reverse: boolean }, allTerminated: boolean, now: number,
): Row[] {
  const ctx: ColumnContext = { snapshot, now };
  const columns = COLUMNS[crumb.view];
  let rows: Row[];
  if (crumb.view === 'events') {
    rows = [...snapshot.recentEvents].reverse().map((e, i) => ({ uri: `${e.uuid}#${i}`, object: e as unknown as WireObject }));
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
    if (crumb.view === 'action') rows.reverse(); // newest first
  }
  const match = matcher(filter);
  if (match) rows = rows.filter((r) => columns.some((c) => match(c.value(r.object, ctx))));
  const column = columns[sort.column];
  if (column) {
    const key = (r: Row) => (column.sortValue ? column.sortValue(r.object, ctx) : column.value(r.object, ctx));
    const keyed = rows.map((r) => ({ r, k: key(r) }));
    keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0) * (sort.reverse ? -1 : 1));
    rows = keyed.map((x) => x.r);
  } else if (sort.reverse) rows.reverse();
  return rows;
}
