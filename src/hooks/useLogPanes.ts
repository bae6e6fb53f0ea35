// Log panes: each a stream (container, service or action logs) into a bounded buffer, re-rendered at most ten
// times a second however fast lines arrive. A stream that ends or fails says why in its pane.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { LogStream } from '../api/index.js';
import { useMonitor } from './context.js';

export const MAX_LINES = 5000;

export interface LogLine { text: string; stream: 'stdout' | 'stderr'; time: number; source: string | undefined }

export interface LogPane {
  id: number;
  title: string;
  uri: string;
  lines: readonly LogLine[];
  /** Lines dropped from the top of the bounded buffer. */
  dropped: number;
  ended: string | null;
  follow: boolean;
  wrap: boolean;
  timestamps: boolean;
  search: string;
  /** Lines from the bottom the view is scrolled up by (0 with follow). */
  offset: number;
  tail: number;
}

interface Live { stream: LogStream; buffer: LogLine[]; dropped: number; ended: string | null }

export function useLogPanes() {
  const { client } = useMonitor();
  const [panes, setPanes] = useState<LogPane[]>([]);
  const live = useRef(new Map<number, Live>());
  const nextId = useRef(1);
  const flushTimer = useRef<NodeJS.Timeout | null>(null);

  const flush = useCallback(() => {
    flushTimer.current = null;
    setPanes((current) => current.map((p) => {
      const l = live.current.get(p.id);
      return l ? { ...p, lines: [...l.buffer], dropped: l.dropped, ended: l.ended } : p;
    }));
  }, []);
  const scheduleFlush = useCallback(() => {
    flushTimer.current ??= setTimeout(flush, 100);
  }, [flush]);

  const connect = useCallback((id: number, uri: string, tail: number) => {
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
  }, [client, scheduleFlush]);

  const open = useCallback((uri: string, title: string) => {
    const id = nextId.current++;
    const tail = 300;
    setPanes((current) => [...current, {
      id, title, uri, lines: [], dropped: 0, ended: null, follow: true, wrap: false, timestamps: false, search: '', offset: 0, tail,
    }]);
    connect(id, uri, tail);
    return id;
  }, [connect]);

  const close = useCallback((id: number) => {
    live.current.get(id)?.stream.close();
    live.current.delete(id);
    setPanes((current) => current.filter((p) => p.id !== id));
  }, []);

  const update = useCallback((id: number, patch: Partial<LogPane>) => {
    setPanes((current) => current.map((p) => (p.id === id ? { ...p, ...patch } : p)));
  }, []);

  /** Clears the pane (what arrives later still shows). */
  const clear = useCallback((id: number) => {
    const l = live.current.get(id);
    if (l) l.buffer.length = 0;
    update(id, { lines: [], offset: 0 });
  }, [update]);

  /** Reopens the stream with a larger tail. */
  const more = useCallback((id: number) => {
    setPanes((current) => current.map((p) => {
      if (p.id !== id) return p;
      live.current.get(id)?.stream.close();
      const tail = p.tail * 2;
      connect(id, p.uri, tail);
      return { ...p, tail, lines: [], ended: null };
    }));
  }, [connect]);

  useEffect(() => () => {
    for (const l of live.current.values()) l.stream.close();
    if (flushTimer.current) clearTimeout(flushTimer.current);
  }, []);

  return { panes, open, close, update, clear, more };
}
