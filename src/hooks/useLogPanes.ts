// Log panes' streams: each (container, service or action logs) a LogFollower into a bounded buffer, re-rendered at
// most ten times a second however fast lines arrive. A follower resumes on its own when the API comes back (with
// the store's event stream); a stream that ended for good, or is waiting for the API, says why in its pane.
import { useCallback, useEffect, useRef, useState } from 'react';
import { LogFollower, MAX_LINES, type LogConnection, type LogLine } from '../store/log-follower.js';
import { useMonitor } from './context.js';

export { MAX_LINES, type LogConnection, type LogLine };

/** What a pane's stream delivered: its lines (bounded), and how its connection is. The pane's view state is the monitor's. */
export interface PaneData {
  lines: readonly LogLine[];
  /** Lines dropped from the top of the bounded buffer. */
  dropped: number;
  /**
   * live: streaming · disconnected: the API went away, the pane resumes on its own (lines already shown are not
   * repeated; a line marked `gap` says where some may be missing) · ended: for good. Always set by this hook
   * (optional only so that literals such as an empty pane's keep compiling; absent means live).
   */
  connection?: LogConnection;
  /**
   * What to show under the lines, or null while live: why it ended ("the container was terminated", "the server
   * ended the stream: …"), or that it is disconnected and resumes ("disconnected: the connection was lost; it
   * resumes when the API is back").
   */
  ended: string | null;
}

export function useLogPanes() {
  const { client, store } = useMonitor();
  const [data, setData] = useState<ReadonlyMap<number, PaneData>>(new Map());
  const live = useRef(new Map<number, LogFollower>());
  const flushTimer = useRef<NodeJS.Timeout | null>(null);

  const flush = useCallback(() => {
    flushTimer.current = null;
    const next = new Map<number, PaneData>();
    for (const [id, f] of live.current) {
      next.set(id, { lines: [...f.lines], dropped: f.dropped, connection: f.connection, ended: f.reason });
    }
    setData(next);
  }, []);
  const scheduleFlush = useCallback(() => {
    flushTimer.current ??= setTimeout(flush, 100);
  }, [flush]);

  /** Opens (or reopens, with another tail) the stream of pane `id`. */
  const open = useCallback((id: number, uri: string, tail: number) => {
    live.current.get(id)?.close();
    const follower = new LogFollower(client, uri, { tail, maxLines: MAX_LINES, events: store.events });
    live.current.set(id, follower);
    follower.onChange(scheduleFlush);
    scheduleFlush();
  }, [client, store, scheduleFlush]);

  const close = useCallback((id: number) => {
    live.current.get(id)?.close();
    live.current.delete(id);
    scheduleFlush();
  }, [scheduleFlush]);

  /** Clears the pane (what arrives later still shows). */
  const clear = useCallback((id: number) => {
    live.current.get(id)?.clear();
    scheduleFlush();
  }, [scheduleFlush]);

  /** The lines as they are now, for saving (not only what the last flush showed). */
  const linesOf = useCallback((id: number): readonly LogLine[] => live.current.get(id)?.lines ?? [], []);

  useEffect(() => () => {
    for (const f of live.current.values()) f.close();
    if (flushTimer.current) clearTimeout(flushTimer.current);
  }, []);

  return { data, open, close, clear, linesOf };
}
