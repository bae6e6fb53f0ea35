// Rows that changed light up for a second, and the clock that fades them: the monitor renders on a timer only
// while something on screen moves with time (a highlight fading, a countdown), so an idle fleet costs nothing.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Snapshot } from '../store/index.js';

const HIGHLIGHT_MS = 1000;

/** Which URIs to highlight now; `size` is how many. */
export interface Highlights {
  readonly size: number;
  has(uri: string): boolean;
}

/**
 * The URIs to highlight now: those changed within the last second. Under churn that is a thousand of them, and
 * the screen asks about forty: they are looked up in the map of when each changed (kept in that order, so the
 * expired ones leave from its front), not copied into a set on every frame.
 */
export function useHighlights(snapshot: Snapshot, now: number): Highlights {
  const changedAt = useRef(new Map<string, number>());
  const seen = useRef<Snapshot | null>(null);
  if (seen.current !== snapshot) {
    seen.current = snapshot;
    for (const uri of snapshot.changed) {
      changedAt.current.delete(uri);
      changedAt.current.set(uri, snapshot.at);
    }
  }
  return useMemo(() => {
    const at = changedAt.current;
    for (const [uri, t] of at) {
      if (now - t < HIGHLIGHT_MS) break;
      at.delete(uri);
    }
    return { size: at.size, has: (uri: string) => now - (at.get(uri) ?? -Infinity) < HIGHLIGHT_MS };
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
