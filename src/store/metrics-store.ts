// Live resource metrics for the objects someone looks at: the monitor says which (the rows on screen, what is
// inspected, the nodes for the fleet's totals), the store keeps one subscription with that set, the latest reading
// of each object and a short history of each (for sparklines). One snapshot per frame from the server.
import type { DockerCloudClient, MetricsState, MetricsSubscription } from '../api/index.js';
import { METRICS_MAX_SUBSCRIBE, type MetricsFrame, type ResourceMetrics } from '../domain/index.js';

/** The series kept for each object, oldest first. */
export const METRIC_SERIES = ['cpu_percent', 'memory_bytes', 'net_rx_bps', 'net_tx_bps', 'block_read_bps', 'block_write_bps'] as const;
export type MetricSeries = (typeof METRIC_SERIES)[number];

export interface MetricsSnapshot {
  /** Increases with every snapshot. */
  readonly version: number;
  /** URI → its latest reading. */
  readonly latest: ReadonlyMap<string, ResourceMetrics>;
  /** URI → why the server has nothing for it. */
  readonly unavailable: ReadonlyMap<string, string>;
  /** Why there are no metrics at all (the API has none, or refused), or null. */
  readonly problem: string | null;
  /** Seconds between readings. */
  readonly interval: number;
  /** When the latest reading was taken (ms; 0: none yet). */
  readonly at: number;
}

export interface MetricsStoreOptions {
  /** Seconds between frames (default 2). */
  interval?: number;
  /** How much history to keep per object (default 5 minutes). */
  historyMs?: number;
  /** The most objects with a history (the least recently read go first; default 3,000). */
  maxObjects?: number;
}

/**
 * One object's readings: a ring of numbers per series (NaN where a reading had none). The values are 32-bit (a
 * sparkline needs no more: memory to within 0.00001 %); the times 64-bit (milliseconds since 1970 need them).
 */
interface History { at: Float64Array; series: Record<MetricSeries, Float32Array>; next: number; count: number }

const EMPTY: MetricsSnapshot = Object.freeze({ version: 0, latest: new Map(), unavailable: new Map(), problem: null, interval: 2, at: 0 });

export class MetricsStore {
  private subscription: MetricsSubscription | null = null;
  private snapshot: MetricsSnapshot;
  private readonly listeners = new Set<() => void>();
  private readonly histories = new Map<string, History>();
  private readonly capacity: number;
  private readonly historyMs: number;
  private wanted = '';
  private closed = false;

  constructor(private readonly client: DockerCloudClient, private readonly options: MetricsStoreOptions = {}) {
    const interval = options.interval ?? 2;
    this.snapshot = { ...EMPTY, interval };
    this.historyMs = options.historyMs ?? 5 * 60_000;
    this.capacity = Math.max(2, Math.ceil(this.historyMs / (interval * 1000)));
  }

  /**
   * The objects to report on from now on (the set replaces the last one; the first ones first when there are more
   * than a subscription takes). The socket opens with the first object asked for.
   */
  want(uris: readonly string[]): void {
    if (this.closed) return;
    const set = [...new Set(uris)].slice(0, METRICS_MAX_SUBSCRIBE);
    const key = set.join('\n');
    if (key === this.wanted) return;
    this.wanted = key;
    if (!this.subscription && set.length === 0) return;
    this.subscription ??= this.client.metrics({
      interval: this.snapshot.interval,
      onFrame: (frame) => this.onFrame(frame),
      onState: (state) => this.onState(state),
    });
    this.subscription.set(set);
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): MetricsSnapshot => this.snapshot;

  /** One series of an object, oldest first, with when each reading was taken (ms); NaN where one had no value. */
  history(uri: string, series: MetricSeries): { at: number[]; values: number[] } {
    const h = this.histories.get(uri);
    if (!h) return { at: [], values: [] };
    const at: number[] = [];
    const values: number[] = [];
    for (let i = h.count; i > 0; i--) {
      const slot = (h.next - i + this.capacity) % this.capacity;
      at.push(h.at[slot]!);
      values.push(h.series[series][slot]!);
    }
    return { at, values };
  }

  close(): void {
    this.closed = true;
    this.subscription?.close();
    this.subscription = null;
    this.listeners.clear();
  }

  private onFrame(frame: MetricsFrame): void {
    const at = Date.parse(frame.datetime) || Date.now();
    const latest = new Map<string, ResourceMetrics>();
    for (const [uri, m] of Object.entries(frame.metrics)) {
      latest.set(uri, m);
      this.record(uri, at, m);
    }
    this.forgetUnread(at);
    this.emit({ ...this.snapshot, version: this.snapshot.version + 1, latest, unavailable: new Map(Object.entries(frame.unavailable ?? {})), problem: null, at });
  }

  private onState(state: MetricsState): void {
    const problem = state.state === 'unsupported' || state.state === 'refused' ? `metrics: ${state.error}` : null;
    if (problem !== this.snapshot.problem) this.emit({ ...this.snapshot, version: this.snapshot.version + 1, problem });
  }

  private record(uri: string, at: number, m: ResourceMetrics): void {
    let h = this.histories.get(uri);
    if (h) this.histories.delete(uri); // re-inserted: the map's order is the order objects were last read
    else {
      const series = Object.fromEntries(METRIC_SERIES.map((s) => [s, new Float32Array(this.capacity)])) as History['series'];
      h = { at: new Float64Array(this.capacity), series, next: 0, count: 0 };
      const max = this.options.maxObjects ?? 3000;
      if (this.histories.size >= max) this.histories.delete(this.histories.keys().next().value as string);
    }
    this.histories.set(uri, h);
    h.at[h.next] = at;
    for (const s of METRIC_SERIES) h.series[s][h.next] = m[s] ?? NaN;
    h.next = (h.next + 1) % this.capacity;
    h.count = Math.min(this.capacity, h.count + 1);
  }

  /**
   * The histories of objects not read for longer than a history lasts go: they have nothing left to show (under
   * churn, the rows on screen change, and their histories piled up to maxObjects: some 30 MB). The map is in the
   * order objects were last read: the stale ones are first.
   */
  private forgetUnread(now: number): void {
    for (const [uri, h] of this.histories) {
      if (now - h.at[(h.next - 1 + this.capacity) % this.capacity]! <= this.historyMs) break;
      this.histories.delete(uri);
    }
  }

  private emit(snapshot: MetricsSnapshot): void {
    this.snapshot = Object.freeze(snapshot);
    for (const listener of this.listeners) listener();
  }
}
