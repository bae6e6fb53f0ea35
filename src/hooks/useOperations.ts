// Operations on the selected or marked objects, through the client, each followed to its end by the action
// tracker; what happens is told in one status line (progress, result, the server's message on failure).
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Mutation } from '../api/index.js';
import type { Operation, WireObject } from '../domain/index.js';
import type { ViewName } from '../keys/index.js';
import { nameOf } from '../store/index.js';
import { useMonitor } from './context.js';

export interface Status { text: string; level: 'info' | 'progress' | 'success' | 'error' }

/** "POST /api/app/v1/…/start/: Cannot start …" → "Cannot start …" */
export function readable(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^(GET|POST|PATCH|DELETE|PUT) \S+: /, '');
}

export function useStatus() {
  const [status, setStatus] = useState<Status | null>(null);
  return { status, setStatus };
}

export function useOperations(setStatus: (status: Status | null) => void) {
  const { client, store } = useMonitor();
  const mounted = useRef(true);
  useEffect(() => () => {
    mounted.current = false;
  }, []);
  const sayNow = useCallback((s: Status) => mounted.current && setStatus(s), [setStatus]);

  const one = useCallback(async (op: Operation, object: WireObject, view: ViewName, target?: number): Promise<Mutation<unknown>> => {
    const uri = object.resource_uri;
    switch (op) {
      case 'terminate': return client.terminate(uri);
      case 'cancel': return client.cancelAction(uri);
      case 'retry': return client.retryAction(uri);
      case 'scale':
        return view === 'nodecluster' ? client.update(uri, { target_num_nodes: target }) : client.scale(uri, target ?? 1);
      default:
        return client.operate(uri, op as 'start');
    }
  }, [client]);

  /** `skipped`: what the monitor left out and why, said with the result. */
  return useCallback(async (op: Operation, objects: WireObject[], view: ViewName, label: string, target?: number, skipped = '') => {
    const what = objects.length === 1 ? nameOf(objects[0]!) : `${objects.length} objects`;
    const say = (s: Status) => sayNow(skipped ? { ...s, text: `${s.text} · skipped ${skipped}` } : s);
    say({ text: `${label} ${what}…`, level: 'progress' });
    const results = await Promise.allSettled(objects.map((o) => one(op, o, view, target)));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length === objects.length) {
      say({ text: `${label} ${what} refused: ${readable(failed[0]!.reason)}`, level: 'error' });
      return;
    }
    const uris = results.flatMap((r) => (r.status === 'fulfilled' && r.value.actionUri ? [r.value.actionUri] : []));
    let done = 0;
    let failures = failed.length;
    let lastError = failed[0] ? readable(failed[0].reason) : '';
    const progress = () => say({
      text: `${label} ${what}: ${done}/${objects.length} done${failures ? `, ${failures} failed${lastError ? ` (${lastError})` : ''}` : ''}`,
      level: done + failures === objects.length ? (failures ? 'error' : 'success') : 'progress',
    });
    progress();
    await Promise.all(uris.map(async (uri) => {
      try {
        const action = await store.actions.track(uri, (a) => {
          if (objects.length === 1 && a.state !== 'Success') say({ text: `${label} ${what}: ${a.state}…`, level: 'progress' });
        });
        // A cancel succeeds when its action ends Canceled; one that ends otherwise came too late.
        const wanted = op === 'cancel' ? 'Canceled' : 'Success';
        if (action.state === wanted) done++;
        else {
          failures++;
          lastError = op === 'cancel' ? `too late: the action had already finished (${action.state})`
            : action.state === 'Canceled' ? 'canceled' : await failureReason(uri);
        }
      } catch (error) {
        failures++;
        lastError = readable(error);
      }
      progress();
    }));

    async function failureReason(actionUri: string): Promise<string> {
      // The action's last log line says why ("Failed: no deployed node …").
      const logs = client.logs(actionUri, { tail: 1, follow: false });
      let line = 'failed';
      for await (const frame of logs) line = frame.log.replace(/^Failed: /, '');
      return line;
    }
  }, [client, store, one, sayNow]);
}
