// An object's summary: the object without its details, the fields no list shows and that are most of its size (a
// container's env vars and links are 3/4 of its 4.4 KB). At 10,000 containers the monitor's store holds 14 MB of
// heap instead of 61, and dctop serve sends summaries to a client that asks (SUMMARIES_HEADER, and events with
// dctop_objects=summary): a listing is a quarter of the bytes. Whoever shows the whole object (inspect) fetches it.
import type { KindName } from './kinds.js';
import type { WireObject } from './types.js';

/** dctop's extension: a listing request with this header set to "true" is answered with summaries by dctop serve. */
export const SUMMARIES_HEADER = 'x-dctop-summaries';

export const DETAIL_FIELDS = {
  container: ['container_envvars', 'link_variables', 'linked_to_container'],
  service: ['container_envvars', 'link_variables', 'calculated_envvars', 'linked_from_service', 'linked_to_service'],
} as const satisfies Partial<Record<KindName, readonly string[]>>;
export type DetailField = (typeof DETAIL_FIELDS)[keyof typeof DETAIL_FIELDS][number];
const detailFieldsOf = (kind: string): readonly string[] => (DETAIL_FIELDS as Partial<Record<string, readonly string[]>>)[kind] ?? [];

/** The object without its kind's detail fields; the same object when it has none of them. */
export function summaryOf<T extends WireObject>(kind: string, object: T): T {
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
