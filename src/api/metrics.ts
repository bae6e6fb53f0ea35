// Live resource metrics (dctop's extension of the Stream API), kept alive: one socket per subscription that
// reconnects with the backoff of the events stream and sends the current set again once open. An API without the
// extension (a 404 on the handshake: the hosted Docker Cloud, an older dctop serve) is said once and not retried;
// nor are refused credentials or a bad interval (retrying cannot help: the health says why).
import type WebSocket from 'ws';
import { METRICS_MAX_SUBSCRIBE, metricsPath, type MetricsFrame } from '../domain/index.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import type { ClientConfig } from './config.js';
import { describeClose, type DockerCloudError } from './errors.js';
import { openSocket, streamUrl, type SocketOptions } from './socket.js';

export type MetricsState =
  | { state: 'connecting'; attempt: number }
  | { state: 'live'; since: number }
  | { state: 'reconnecting'; attempt: number; delayMs: number; nextAttemptAt: number; error: string }
  /** The API has no metrics (404 on the handshake), refused the credentials, or the interval: not retried. */
  | { state: 'unsupported' | 'refused'; error: string }
  | { state: 'closed' };

export interface MetricsOptions {
  /** Seconds between frames, 1–60 (default: the server's, 2). */
  interval?: number;
  /** Namespace (default: the configured one, else the user's own). */
  namespace?: string | null;
  onFrame(frame: MetricsFrame): void;
  onState?(state: MetricsState): void;
}

export interface MetricsSubscription {
  /** Replaces the set of container, service and node URIs (an empty set stops the frames). Same set: nothing sent. */
  set(uris: readonly string[]): void;
  close(): void;
  readonly state: MetricsState;
}

export class MetricsStream implements MetricsSubscription {
  private ws: WebSocket | null = null;
  private timer: NodeJS.Timeout | null = null;
  private attempt = 0;
  private uris: string[] = [];
  /** The set as the open socket last heard it (null: nothing sent on this socket yet). */
  private sent: string | null = null;
  state: MetricsState = { state: 'closed' };
  /** Handshakes begun (for tests and measurements). */
  attempts = 0;

  constructor(private readonly config: ClientConfig, private readonly options: MetricsOptions & SocketOptions & { backoff?: BackoffPolicy }) {}

  start(): this {
    this.connect();
    return this;
  }

  set(uris: readonly string[]): void {
    const unique = [...new Set(uris)].sort();
    if (unique.length > METRICS_MAX_SUBSCRIBE) throw new RangeError(`metrics: at most ${METRICS_MAX_SUBSCRIBE} URIs at once (got ${unique.length})`);
    this.uris = unique;
    this.flush();
  }

  close(): void {
    this.drop();
    this.setState({ state: 'closed' });
  }

  private flush(): void {
    const ws = this.ws;
    if (!ws || this.state.state !== 'live') return;
    const message = JSON.stringify({ subscribe: this.uris });
    if (message === this.sent) return;
    this.sent = message;
    ws.send(message);
  }

  private drop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const ws = this.ws;
    this.ws = null;
    ws?.terminate();
  }

  private setState(state: MetricsState): void {
    this.state = state;
    this.options.onState?.(state);
  }

  private get namespace(): string | null {
    return this.options.namespace === undefined ? this.config.namespace : this.options.namespace;
  }

  private connect(): void {
    this.attempts++;
    this.sent = null;
    this.setState({ state: 'connecting', attempt: this.attempt });
    const { interval } = this.options;
    const url = streamUrl(this.config, metricsPath(this.namespace), { interval: interval === undefined ? undefined : String(interval) });
    const ws = openSocket(this.config, url, this.options, (error) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.failed(error);
    });
    this.ws = ws;
    ws.on('open', () => {
      this.attempt = 0;
      this.setState({ state: 'live', since: Date.now() });
      this.flush(); // the current set, again after a reconnect
    });
    ws.on('message', (data) => {
      let frame: MetricsFrame;
      try {
        frame = JSON.parse(data.toString()) as MetricsFrame;
      } catch {
        return; // not ours to understand: ignored
      }
      if (frame?.type === 'metrics' && typeof frame.metrics === 'object' && frame.metrics !== null) this.options.onFrame(frame);
    });
    ws.on('close', (code, reason) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.retry(`${metricsPath(this.namespace)}: ${describeClose(code, reason.toString())}`, 0);
    });
  }

  private failed(error: DockerCloudError): void {
    if (error.status === 404) return this.setState({ state: 'unsupported', error: `this API has no metrics (${error.message})` });
    if (error.kind === 'auth' || error.status === 400 || error.status === 403) return this.setState({ state: 'refused', error: error.message });
    this.retry(error.message, error.retryAfterMs ?? 0);
  }

  private retry(error: string, floorMs: number): void {
    const delay = backoffDelay(this.options.backoff ?? DEFAULT_BACKOFF, this.attempt, floorMs);
    this.attempt++;
    this.setState({ state: 'reconnecting', attempt: this.attempt, delayMs: delay, nextAttemptAt: Date.now() + delay, error });
    this.timer = setTimeout(() => {
      this.timer = null;
      this.connect();
    }, delay);
  }
}
