// Live resource metrics: a dctop extension of the Stream API (the Docker Cloud API has no metrics endpoint; the
// official clients never open this socket).
//
//   GET /api/dctop/v1/[<namespace>/]metrics/?interval=<seconds>     (websocket; interval 1–60, default 2)
//   client → server, any time:  {"subscribe": ["<container, service or node resource_uri>", …]}  (replaces the set)
//   server → client, one frame per interval while the set is not empty:  MetricsFrame
import type { Uri } from './types.js';

/** Usage of one container, or the sum over the running containers of a service or a node. */
export interface ResourceMetrics {
  /** Percent of one core: 200 is two cores busy. */
  cpu_percent: number | null;
  /** Percent of the container's CPU limit (of the node's cores, for a node); null when unlimited. */
  cpu_limit_percent: number | null;
  memory_bytes: number | null;
  /** Null when unlimited. */
  memory_limit_bytes: number | null;
  /** Bytes per second. Any number is null while not yet known (e.g. a rate before a second sample). */
  net_rx_bps: number | null;
  net_tx_bps: number | null;
  block_read_bps: number | null;
  block_write_bps: number | null;
  /** How many containers were summed (1 for a running container, 0 for a stopped one or an empty service). */
  containers: number;
}

/** Server → client: one frame per interval. Every subscribed URI is in exactly one of the two maps. */
export interface MetricsFrame {
  type: 'metrics';
  /** Seconds between frames, as asked on the handshake. */
  interval: number;
  /** ISO 8601: when the sample was taken. */
  datetime: string;
  metrics: Record<Uri, ResourceMetrics>;
  /** URI → why there is nothing for it ("not found"; "its node's engine is not reachable: --node-engine …"). */
  unavailable: Record<Uri, string>;
}

/** Client → server: the set of URIs to report on, replacing the previous one (an empty list stops the frames). */
export interface MetricsSubscribe { subscribe: Uri[] }

export const METRICS_DEFAULT_INTERVAL = 2;
export const METRICS_MIN_INTERVAL = 1;
export const METRICS_MAX_INTERVAL = 60;
/** The most URIs one subscribe message may carry: more closes the socket (1008). */
export const METRICS_MAX_SUBSCRIBE = 2000;

/** The stream endpoint of metrics (the extension's path; `interval` in seconds). */
export function metricsPath(namespace: string | null, interval?: number): string {
  const query = interval === undefined ? '' : `?interval=${interval}`;
  return `/api/dctop/v1/${namespace ? `${namespace}/` : ''}metrics/${query}`;
}
