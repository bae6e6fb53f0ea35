// Rows that changed light up for a second, and the clock that fades them: the monitor renders on a timer only
// while something on screen moves with time (a highlight fading, a countdown), so an idle fleet costs nothing.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Snapshot } from '../store/index.js';

const HIGHLIGHT_MS = 1000;

/** The URIs to highlight now. */
export function useHighlights(snapshot: Snapshot, now: number): ReadonlySet<string> {
  const changedAt = useRef(new Map<string, number>());
  for (const uri of snapshot.changed) changedAt.current.set(uri, snapshot.at);
  return useMemo(() => {
    const set = new Set<string>();
    for (const [uri, at] of changedAt.current) {
      if (now - at < HIGHLIGHT_MS) set.add(uri);
      else changedAt.current.delete(uri);
    }
    return set;
  }, [snapshot, now]);
}

/** Renders again every `ms` while `ticking`, and every `slowMs` always (ages on screen move with the clock). */
export function useTicks(ticking: boolean, ms: number, slowMs: number): void {
  const [, setTick] = useState(0);
  useEffect(() => {
    if (!ticking) return;
    const timer = setTimeout(() => setTick((t) => t + 1), ms);
    return () => clearTimeout(timer);
  });
  useEffect(() => {
    const timer = setInterval(() => setTick((t) => t + 1), slowMs);
    return () => clearInterval(timer);
  }, [slowMs]);
}
