// The whole object for inspect where the store keeps summaries (its objects lack their details: env vars and
// links): fetched when inspect opens, and again as the object changes, at most once a second. The store's fields
// are the newer ones and win over the fetched.
import { useCallback, useEffect, useRef, useState } from 'react';
import { lacksDetails, parsePath, type WireObject } from '../domain/index.js';
import { useMonitor } from './context.js';

const REFETCH_MS = 1000;

/** The fetched object with the store's fields over it: the store's may be newer, the details only it has. */
const wholeFrom = (fetched: WireObject, stored: WireObject): WireObject => ({ ...fetched, ...stored });

export interface InspectedObject {
  object: WireObject | undefined;
  /** Why the details are not shown yet (on their way, or the fetch failed), or null. */
  note: string | null;
}

export function useObjectDetails(object: WireObject | undefined): InspectedObject {
  const { client } = useMonitor();
  const kind = object ? parsePath(object.resource_uri)?.kind : undefined;
  const wanted = object && kind && lacksDetails(kind, object) ? object : undefined;
  const [fetched, setFetched] = useState<{ uri: string; whole?: WireObject; error?: string } | null>(null);
  const last = useRef({ uri: '', at: 0 });
  useEffect(() => {
    if (!wanted) return;
    const uri = wanted.resource_uri;
    const wait = last.current.uri === uri ? last.current.at + REFETCH_MS - Date.now() : 0;
    const timer = setTimeout(() => {
      last.current = { uri, at: Date.now() };
      // An answer for an object no longer inspected is dropped; a failed refetch keeps the details fetched before.
      client.fetch<WireObject>(uri).then(
        (whole) => { if (last.current.uri === uri) setFetched({ uri, whole }); },
        (error: unknown) => {
          if (last.current.uri !== uri) return;
          const message = error instanceof Error ? error.message : String(error);
          setFetched((before) => (before?.uri === uri && before.whole ? before : { uri, error: message }));
        });
    }, Math.max(0, wait));
    return () => clearTimeout(timer);
  }, [wanted, client]);
  if (!wanted) return { object, note: null };
  const mine = fetched?.uri === wanted.resource_uri ? fetched : null;
  if (mine?.whole) return { object: wholeFrom(mine.whole, wanted), note: null };
  return { object: wanted, note: mine?.error ? `its env vars and links could not be fetched: ${mine.error}` : 'its env vars and links are on their way' };
}

/** The whole of an object the store may keep a summary of: itself when it has its details, else fetched. */
export function useWholeObject(): (object: WireObject) => Promise<WireObject> {
  const { client } = useMonitor();
  return useCallback(async (object: WireObject) => {
    const kind = parsePath(object.resource_uri)?.kind;
    if (!kind || !lacksDetails(kind, object)) return object;
    return wholeFrom(await client.fetch<WireObject>(object.resource_uri), object);
  }, [client]);
}
