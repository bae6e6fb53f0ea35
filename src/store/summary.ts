// What the store can keep of an object instead of all of it: the object without its details, the fields no list
// shows and that are most of its size (a container's env vars and links are 3/4 of its 4.4 KB). At 10,000
// containers this is 61 MB of heap against 14 MB. Whoever shows the whole object (inspect) fetches it.
import type { WireObject } from '../domain/index.js';
import type { StoreKind } from './snapshot.js';

export const DETAIL_FIELDS = {
  container: ['container_envvars', 'link_variables', 'linked_to_container'],
  service: ['container_envvars', 'link_variables', 'calculated_envvars', 'linked_from_service', 'linked_to_service'],
} as const satisfies Partial<Record<StoreKind, readonly string[]>>;
export type DetailField = (typeof DETAIL_FIELDS)[keyof typeof DETAIL_FIELDS][number];
const detailFieldsOf = (kind: string): readonly string[] => (DETAIL_FIELDS as Partial<Record<string, readonly string[]>>)[kind] ?? [];

/** The object without its kind's detail fields; the same object when it has none of them. */
export function summaryOf<T extends WireObject>(kind: StoreKind, object: T): T {
  const fields = detailFieldsOf(kind);
  if (!fields.some((field) => field in object)) return object;
  // Copied rather than deleted from: deleting turns an object into a slower and larger dictionary.
  const summary = {} as WireObject;
  for (const key in object) if (!fields.includes(key)) summary[key] = object[key];
  return summary as T;
}

/** Whether the object lacks details its kind has (the store keeps summaries): then it is to be fetched whole. */
export function lacksDetails(kind: string, object: WireObject): boolean {
  return detailFieldsOf(kind).some((field) => !(field in object));
}
