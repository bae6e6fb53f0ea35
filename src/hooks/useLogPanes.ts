// Log panes' streams: each (container, service or action logs) into a bounded buffer, re-rendered at most ten
// times a second however fast lines arrive. A stream that ends or fails says why in its pane.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { LogStream } from '../api/index.js';
import { useMonitor } from './context.js';

export const MAX_LINES = 5000;

export interface LogLine { text: string; stream: 'stdout' | 'stderr'; time: number; source: string | undefined }

/** What a pane's stream delivered: its lines (bounded), and why it ended. The pane's view state is the monitor's. */
export interface PaneData {
  lines: readonly LogLine[];
  /** Lines dropped from the top of the bounded buffer. */
  dropped: number;
  ended: string | null;
}

interface Live { stream: LogStream; buffer: LogLine[]; dropped: number; ended: string | null }

export function useLogPanes() {
  const { client } = useMonitor();
  const [data, setData] = useState<ReadonlyMap<number, PaneData>>(new Map());
  const live = useRef(new Map<number, Live>());
  const flushTimer = useRef<NodeJS.Timeout | null>(null);

  const flush = useCallback(() => {
    flushTimer.current = null;
    const next = new Map<number, PaneData>();
    for (const [id, l] of live.current) next.set(id, { lines: [...l.buffer], dropped: l.dropped, ended: l.ended });
    setData(next);
  }, []);
  const scheduleFlush = useCallback(() => {
    flushTimer.current ??= setTimeout(flush, 100);
  }, [flush]);

  /** Opens (or reopens, with another tail) the stream of pane `id`. */
  const open = useCallback((id: number, uri: string, tail: number) => {
    live.current.get(id)?.stream.close();
    const stream = client.logs(uri, { tail, follow: true });
    const entry: Live = { stream, buffer: [], dropped: 0, ended: null };
    live.current.set(id, entry);
    stream.onFrame((frame) => {
      entry.buffer.push({ text: frame.log.replace(/\n$/, ''), stream: frame.streamType ?? 'stdout', time: frame.timestamp * 1000, source: frame.source });
      if (entry.buffer.length > MAX_LINES) {
        entry.buffer.splice(0, entry.buffer.length - MAX_LINES);
        entry.dropped++;
      }
      scheduleFlush();
    });
    void stream.ended.then((end) => {
      if (live.current.get(id) !== entry) return;
      entry.ended = end.reason === 'closed by client' ? null : `stream ended: ${end.reason}`;
      scheduleFlush();
    });
    scheduleFlush();
  }, [client, scheduleFlush]);

  const close = useCallback((id: number) => {
    live.current.get(id)?.stream.close();
    live.current.delete(id);
    scheduleFlush();
  }, [scheduleFlush]);

  /** Clears the pane (what arrives later still shows). */
  const clear = useCallback((id: number) => {
    const l = live.current.get(id);
    if (l) l.buffer.length = 0;
    scheduleFlush();
  }, [scheduleFlush]);

  /** The lines as they are now, for saving (not only what the last flush showed). */
  const linesOf = useCallback((id: number): readonly LogLine[] => live.current.get(id)?.buffer ?? [], []);

  useEffect(() => () => {
    for (const l of live.current.values()) l.stream.close();
    if (flushTimer.current) clearTimeout(flushTimer.current);
  }, []);

  return { data, open, close, clear, linesOf };
}
