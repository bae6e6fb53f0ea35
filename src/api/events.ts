// The events stream, kept alive: reconnects with backoff and jitter (capped), stops for good on an authentication
// failure, and says how it is doing (connecting, live, reconnecting in N s, auth failed, closed).
import type WebSocket from 'ws';
import { eventsPath, type CloudEvent } from '../domain/index.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import type { ClientConfig } from './config.js';
import { openSocket, streamUrl, type SocketOptions } from './socket.js';

export type StreamHealth =
  | { state: 'connecting'; attempt: number }
  | { state: 'live'; since: number }
  /** Waiting `delayMs` (the backoff chose it) before attempt `attempt`, due at `nextAttemptAt`. */
  | { state: 'reconnecting'; attempt: number; delayMs: number; nextAttemptAt: number; error: string }
  | { state: 'auth_failed'; error: string }
  | { state: 'closed' };

export interface EventFilters { type?: string[]; object?: string; parents?: string[] }

export interface EventStreamOptions extends SocketOptions {
  filters?: EventFilters;
  backoff?: BackoffPolicy;
  /** Namespace of the events (default: the configured one, else the user's own). */
  namespace?: string | null;
}

export class EventStream {
  private ws: WebSocket | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private attempt = 0;
  private everConnected = false;
  private readonly eventListeners = new Set<(event: CloudEvent) => void>();
  private readonly healthListeners = new Set<(health: StreamHealth) => void>();
  private readonly connectListeners = new Set<(reconnected: boolean) => void>();
  health: StreamHealth = { state: 'closed' };
  /** Frames that were not JSON, or not events: ignored, counted. */
  malformedFrames = 0;
  /** The last error frame the server sent. */
  lastServerError: string | null = null;

  constructor(private readonly config: ClientConfig, private readonly options: EventStreamOptions = {}) {}

  onEvent(listener: (event: CloudEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onHealth(listener: (health: StreamHealth) => void): () => void {
    this.healthListeners.add(listener);
    return () => this.healthListeners.delete(listener);
  }

  /** Called each time the socket is open; `reconnected` after the first time (the moment to resync). */
  onConnected(listener: (reconnected: boolean) => void): () => void {
    this.connectListeners.add(listener);
    return () => this.connectListeners.delete(listener);
  }

  start(): void {
    if (this.health.state !== 'closed' && this.health.state !== 'auth_failed') return;
    this.attempt = 0;
    this.connect();
  }

  close(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const ws = this.ws;
    this.ws = null; // its close handler sees it is no longer ours and does not reconnect
    ws?.terminate();
    this.setHealth({ state: 'closed' });
  }

  private setHealth(health: StreamHealth): void {
    this.health = health;
    for (const listener of this.healthListeners) listener(health);
  }

  private url(): string {
    const namespace = this.options.namespace === undefined ? this.config.namespace : this.options.namespace;
    const f = this.options.filters ?? {};
    return streamUrl(this.config, eventsPath(namespace), {
      type: f.type?.join(','), object: f.object, parents: f.parents?.join(','),
    });
  }

  private connect(): void {
    this.setHealth({ state: 'connecting', attempt: this.attempt });
    const ws = openSocket(this.config, this.url(), this.options, (error) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (error.kind === 'auth') this.setHealth({ state: 'auth_failed', error: error.message });
      else this.retry(error.message);
    });
    this.ws = ws;
    ws.on('open', () => {
      const reconnected = this.everConnected;
      this.everConnected = true;
      this.attempt = 0;
      this.setHealth({ state: 'live', since: Date.now() });
      for (const listener of this.connectListeners) listener(reconnected);
    });
    ws.on('message', (data) => this.frame(data.toString()));
    ws.on('close', (code, reason) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.retry(`connection closed (${code}${reason.length ? ` ${reason.toString()}` : ''})`);
    });
  }

  private frame(text: string): void {
    let frame: { type?: unknown; resource_uri?: unknown; data?: { errorMessage?: string } };
    try {
      frame = JSON.parse(text);
    } catch {
      this.malformedFrames++;
      return;
    }
    if (typeof frame !== 'object' || frame === null) {
      this.malformedFrames++;
      return;
    }
    if (frame.type === 'auth') return;
    if (frame.type === 'error') {
      this.lastServerError = frame.data?.errorMessage ?? 'error';
      return;
    }
    if (typeof frame.resource_uri !== 'string' || typeof frame.type !== 'string') {
      this.malformedFrames++;
      return;
    }
    for (const listener of this.eventListeners) listener(frame as CloudEvent);
  }

  private retry(error: string): void {
    const delay = backoffDelay(this.options.backoff ?? DEFAULT_BACKOFF, this.attempt);
    this.attempt++;
    this.setHealth({ state: 'reconnecting', attempt: this.attempt, delayMs: delay, nextAttemptAt: Date.now() + delay, error });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }
}
