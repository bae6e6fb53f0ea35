// Live resource metrics in the monitor: the latest snapshot (a frame every interval), the set of objects asked
// for (what is on screen), and an object's history for sparklines. With metrics turned off, an empty snapshot.
import { useEffect, useSyncExternalStore } from 'react';
import type { MetricSeries, MetricsSnapshot } from '../store/index.js';
import { useMonitor } from './context.js';

const OFF: MetricsSnapshot = Object.freeze({
  version: 0, latest: new Map(), unavailable: new Map(), problem: 'metrics are off (the config says "metrics": false)', interval: 2, at: 0,
});
const never = () => () => {};
const off = () => OFF;

export function useMetrics(): MetricsSnapshot {
  const { metrics } = useMonitor();
  return useSyncExternalStore(metrics?.subscribe ?? never, metrics?.getSnapshot ?? off);
}

/** Reports on these objects (and only these) while the component shows them. */
export function useWantMetrics(uris: readonly string[]): void {
  const { metrics } = useMonitor();
  const key = uris.join('\n');
  useEffect(() => {
    metrics?.want(key ? key.split('\n') : []);
  }, [metrics, key]);
}

/** An object's history of one series, oldest first (read when drawn: the store keeps it in rings). */
export function useMetricHistory(): (uri: string, series: MetricSeries) => { at: number[]; values: number[] } {
  const { metrics } = useMonitor();
  return (uri, series) => metrics?.history(uri, series) ?? { at: [], values: [] };
}
export type { MetricSeries, MetricsSnapshot } from '../store/index.js';
