// The events stream, kept alive: reconnects with backoff and jitter (capped); after an authentication failure it
// tries again slowly (the key may be fixed meanwhile); a namespace the API refuses stops it until reconnect().
// It says how it is doing (connecting, live, reconnecting in N s, auth failed, namespace refused, closed).
import type WebSocket from 'ws';
import { eventsPath, type CloudEvent } from '../domain/index.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import type { ClientConfig } from './config.js';
import { describeClose, DockerCloudError, type ErrorKind } from './errors.js';
import { openSocket, streamUrl, type SocketOptions } from './socket.js';

export type StreamHealth =
  | { state: 'connecting'; attempt: number }
  | { state: 'live'; since: number }
  /**
   * Waiting `delayMs` (the backoff chose it) before attempt `attempt`, due at `nextAttemptAt`. `error` is the
   * failure with the path it concerns; `cause` the same in a few words ("connection refused"), of kind `kind`.
   */
  | { state: 'reconnecting'; attempt: number; delayMs: number; nextAttemptAt: number; error: string; cause: string; kind: ErrorKind }
  /** The API refused the credentials (401): attempt `attempt` comes at `nextAttemptAt` (authRetryMs apart). */
  | { state: 'auth_failed'; attempt: number; delayMs: number; nextAttemptAt: number; error: string }
  /** The API answered 404 or 403 for the namespace's stream or lists: nothing more is tried until reconnect(). */
  | { state: 'namespace_refused'; namespace: string; error: string }
  | { state: 'closed' };

export interface EventFilters { type?: string[]; object?: string; parents?: string[] }

export interface EventStreamOptions extends SocketOptions {
  filters?: EventFilters;
  backoff?: BackoffPolicy;
  /** Namespace of the events (default: the configured one, else the user's own). */
  namespace?: string | null;
  /** After an authentication failure, the next attempt comes this much later (default 60 s). */
  authRetryMs?: number;
  /** The objects dctop serve sends with its events without their details (see summaryOf). */
  summaries?: boolean;
}

export const DEFAULT_AUTH_RETRY_MS = 60_000;

export class EventStream {
  private ws: WebSocket | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  /** Failed attempts in a row (reset once open, and by reconnect()). */
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
  /** Connection attempts made (handshakes begun), for tests and measurements. */
  attempts = 0;

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

  /** The namespace whose events these are (null: the user's own). */
  get namespace(): string | null {
    return this.options.namespace === undefined ? this.config.namespace : this.options.namespace;
  }

  start(): void {
    if (this.health.state !== 'closed') return;
    this.attempt = 0;
    this.connect();
  }

  /**
   * Tries again now, whatever the wait (reconnecting, auth failed, namespace refused, or a handshake under way),
   * with the backoff reset. Returns false, doing nothing, when live or closed (start() opens a closed stream).
   */
  reconnect(): boolean {
    if (this.health.state === 'live' || this.health.state === 'closed') return false;
    this.drop();
    this.attempt = 0;
    this.connect();
    return true;
  }

  /**
   * The API refused us elsewhere (a REST call of the same client): a 401 means auth failed, a 404 or 403 on the
   * namespace means it is refused. The socket, open or not, is dropped and the health says so.
   */
  refused(error: DockerCloudError): void {
    // Closed, or said already (a burst of refused fetches is one refusal, not one attempt each).
    if (this.health.state === 'closed' || this.health.state === 'auth_failed' || this.health.state === 'namespace_refused') return;
    if (error.kind === 'auth') {
      this.drop();
      this.authFailed(error);
    } else if (this.isNamespaceRefusal(error)) {
      this.drop();
      this.namespaceRefused(error);
    }
  }

  close(): void {
    this.drop();
    this.setHealth({ state: 'closed' });
  }

  /** Stops the retry timer and the socket, without a word to the health listeners. */
  private drop(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const ws = this.ws;
    this.ws = null; // its close handler sees it is no longer ours and does not reconnect
    ws?.terminate();
  }

  private setHealth(health: StreamHealth): void {
    this.health = health;
    for (const listener of this.healthListeners) listener(health);
  }

  private url(): string {
    const f = this.options.filters ?? {};
    return streamUrl(this.config, eventsPath(this.namespace), {
      type: f.type?.join(','), object: f.object, parents: f.parents?.join(','),
      // dctop serve then sends each event with its object, or its summary (other APIs ignore a parameter they do
      // not know).
      dctop_objects: this.options.summaries ? 'summary' : 'true',
    });
  }

  /** A 404 or 403 while a namespace is named: it does not exist, or it is not ours to see. */
  private isNamespaceRefusal(error: DockerCloudError): boolean {
    return this.namespace !== null && (error.status === 404 || error.status === 403);
  }

  private connect(): void {
    this.attempts++;
    this.setHealth({ state: 'connecting', attempt: this.attempt });
    const ws = openSocket(this.config, this.url(), this.options, (error) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (error.kind === 'auth') this.authFailed(error);
      else if (this.isNamespaceRefusal(error)) this.namespaceRefused(error);
      else this.retry(error.message, error.detail, error.kind, error.retryAfterMs ?? 0);
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
      const cause = describeClose(code, reason.toString());
      this.retry(`${eventsPath(this.namespace)}: ${cause}`, cause, 'network', 0);
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

  private retry(error: string, cause: string, kind: ErrorKind, floorMs: number): void {
    const delay = backoffDelay(this.options.backoff ?? DEFAULT_BACKOFF, this.attempt, floorMs);
    this.attempt++;
    this.setHealth({ state: 'reconnecting', attempt: this.attempt, delayMs: delay, nextAttemptAt: Date.now() + delay, error, cause, kind });
    this.schedule(delay);
  }

  /** Credentials refused: said, and tried again slowly (a key fixed on the server works without a restart). */
  private authFailed(error: DockerCloudError): void {
    const delay = this.options.authRetryMs ?? DEFAULT_AUTH_RETRY_MS;
    this.attempt++;
    this.setHealth({ state: 'auth_failed', attempt: this.attempt, delayMs: delay, nextAttemptAt: Date.now() + delay, error: error.message });
    this.schedule(delay);
  }

  /** Retrying cannot help: the namespace stays refused until someone asks again (reconnect()). */
  private namespaceRefused(error: DockerCloudError): void {
    this.setHealth({ state: 'namespace_refused', namespace: this.namespace ?? '', error: error.message });
  }

  private schedule(delay: number): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }
}
