// The Stream API: websockets for events, logs (container, service, action) and exec. Authentication happens on the
// handshake: a bad credential is an HTTP 401 there, so that clients stop retrying.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import {
  KINDS, METRICS_DEFAULT_INTERVAL, METRICS_MAX_INTERVAL, METRICS_MAX_SUBSCRIBE, METRICS_MIN_INTERVAL, parsePath,
  type ExecOutputFrame, type LogFrame, type ParsedPath,
} from '../domain/index.js';
import type { ActionLog } from './actions.js';
import { canAccess, defaultNamespace, namespacesOf, type Accounts } from './auth.js';
import { clientIp } from './http-util.js';
import { checkLogin, type LoginGuard } from './login-guard.js';
import type { RateLimiter } from './rate-limit.js';
import type { Backend, ExecSession, LogLine, LogSink, Outcome, Subscription } from './backend.js';
import { toBool, toInt } from './body.js';
import { ApiError, notFound, toApiError } from './errors.js';
import { EVENT_OBJECTS_PARAM, objectsAsked, type EventsHub } from './events-hub.js';
import type { MetricsHub } from './metrics.js';

export interface StreamContext {
  backend: Backend;
  accounts: Accounts;
  logins: LoginGuard;
  limiter: RateLimiter;
  actions: ActionLog;
  hub: EventsHub;
  metrics: MetricsHub;
}

/**
 * The largest message a client may send: keystrokes and pastes into exec. Events and logs take nothing from the
 * client; a larger message closes the socket (1009) before it is read into memory.
 */
export const MAX_CLIENT_MESSAGE = 64 * 1024;
/**
 * A subscriber this far behind (bytes queued) is cut off; it reconnects and resyncs rather than eat memory. With
 * the stream limits below, what readers that never read can hold is bounded (4 MiB × 1,000 streams at most).
 */
const MAX_BUFFERED = 4 * 1024 * 1024;
/** A subscriber more than this behind for longer than BEHIND_MS is cut too: slow readers go within seconds. */
const BEHIND_BYTES = 1024 * 1024;
const BEHIND_MS = 5000;
/** Open streams (events, logs, exec) per user, and in all. */
export const MAX_STREAMS_PER_USER = 64;
const MAX_STREAMS = 1000;
const HEARTBEAT_MS = 30_000;
/** A metrics subscribe message: METRICS_MAX_SUBSCRIBE URIs of ~70 bytes, with room for long namespaces. */
const MAX_METRICS_MESSAGE = 256 * 1024;
/** A metrics subscriber this far behind misses frames (the next one says everything again) instead of queueing. */
const METRICS_BEHIND_BYTES = 256 * 1024;
export const DEFAULT_TAIL = 300;

export class StreamApi {
  /** Exec takes keystrokes and pastes; events and logs take nothing (their client's messages stay tiny). */
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: MAX_CLIENT_MESSAGE });
  private readonly quiet = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 1024 });
  /** Metrics (dctop's extension) take subscribe messages: a set of URIs. */
  private readonly metricsWss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: MAX_METRICS_MESSAGE });
  private readonly openBy = new Map<string, number>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(private readonly ctx: StreamContext) {
    // Server-side liveness: a socket that did not answer the previous ping is gone.
    const alive = new WeakSet<WebSocket>();
    for (const wss of [this.wss, this.quiet, this.metricsWss]) {
      wss.on('connection', (ws) => {
        alive.add(ws);
        ws.on('pong', () => alive.add(ws));
        ws.on('error', () => ws.terminate()); // a peer that resets the connection; its close handlers clean up
      });
    }
    this.heartbeat = setInterval(() => {
      for (const ws of this.clients()) {
        if (!alive.has(ws)) ws.terminate();
        else {
          alive.delete(ws);
          ws.ping();
        }
      }
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Until ws takes the socket (and on a refusal, for good), a peer that resets it must not be an uncaught error.
    socket.on('error', () => socket.destroy());
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const metrics = parseMetricsPath(url.pathname);
      const parsed = metrics ? undefined : parsePath(url.pathname);
      if (!parsed && !metrics) throw notFound(`No such stream: ${url.pathname}`);
      const user = checkLogin(this.ctx.logins, this.ctx.accounts, req.headers.authorization, clientIp(req), url.searchParams);
      const wait = this.ctx.limiter.take(user);
      if (wait > 0) throw new ApiError(429, `Too many requests; retry in ${wait} s`, { 'Retry-After': String(wait) });
      const open = this.openBy.get(user) ?? 0;
      if (open >= MAX_STREAMS_PER_USER || this.clients().length >= MAX_STREAMS) {
        throw new ApiError(429, `Too many open streams (at most ${MAX_STREAMS_PER_USER} per user); close some first`);
      }
      const namespace = (metrics ? metrics.namespace : parsed!.namespace) ?? defaultNamespace(this.ctx.accounts, user);
      if (!canAccess(this.ctx.accounts, user, namespace)) throw notFound(`No such stream: ${url.pathname}`);
      const route = metrics ? this.metricsRoute(url.searchParams, namespace) : this.route(parsed!, url.searchParams, user, namespace);
      const server = metrics ? this.metricsWss : parsed!.rest[0] === 'exec' ? this.wss : this.quiet;
      server.handleUpgrade(req, socket, head, (ws) => {
        this.openBy.set(user, (this.openBy.get(user) ?? 0) + 1);
        ws.once('close', () => this.openBy.set(user, (this.openBy.get(user) ?? 1) - 1));
        server.emit('connection', ws, req);
        route(ws);
      });
    } catch (error) {
      const known = toApiError(error);
      rejectHandshake(socket, known?.status ?? 500, known?.message ?? 'Internal server error', known?.headers ?? {});
    }
  }

  /** Drops every open stream (the server stops listening, or shuts down). */
  disconnectAll(): void {
    for (const ws of this.clients()) ws.terminate();
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const ws of this.clients()) ws.close(1001, 'server shutting down');
    this.wss.close();
    this.quiet.close();
    this.metricsWss.close();
  }

  private clients(): WebSocket[] {
    return [...this.wss.clients, ...this.quiet.clients, ...this.metricsWss.clients];
  }

  /**
   * dctop's extension: live resource metrics. `interval` (seconds) is checked before the handshake completes; then
   * the client's `{"subscribe": [...]}` messages replace its set, and the hub sends a frame per interval.
   */
  private metricsRoute(query: URLSearchParams, namespace: string): (ws: WebSocket) => void {
    const raw = query.get('interval');
    const interval = raw === null ? METRICS_DEFAULT_INTERVAL : /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!(interval >= METRICS_MIN_INTERVAL && interval <= METRICS_MAX_INTERVAL)) {
      throw new ApiError(400, `interval: a whole number of seconds from ${METRICS_MIN_INTERVAL} to ${METRICS_MAX_INTERVAL} (got ${JSON.stringify(raw).slice(0, 40)})`);
    }
    return (ws) => {
      const subscription = this.ctx.metrics.open(namespace, interval, (frame) => {
        // Metrics are a sample, not a log: a reader behind misses a frame rather than queue them.
        if (ws.readyState === WebSocket.OPEN && ws.bufferedAmount < METRICS_BEHIND_BYTES) ws.send(JSON.stringify(frame));
      });
      ws.on('message', (data) => {
        const uris = parseSubscribe(data.toString());
        if (typeof uris === 'string') ws.close(1008, uris);
        else subscription.set(uris);
      });
      ws.on('close', () => subscription.close());
    };
  }

  /** Validates the request before the handshake completes, and returns what to do with the open socket. */
  private route(parsed: ParsedPath, query: URLSearchParams, user: string, namespace: string): (ws: WebSocket) => void {
    const [op, ...extra] = parsed.rest;
    if (parsed.kind === 'events' && parsed.pk.length === 0 && parsed.rest.length === 0) {
      return (ws) => this.events(ws, namespace, query);
    }
    if (extra.length > 0 || parsed.pk.length !== 1) throw notFound('No such stream');
    const uuid = parsed.pk[0]!;
    const tail = toInt(query.get('tail'), 0, 100_000) ?? DEFAULT_TAIL;
    const follow = toBool(query.get('follow') ?? 'true') ?? true;
    const options = { tail, follow };
    const { backend } = this.ctx;
    if (parsed.kind === 'container' && (op === 'logs' || op === 'exec')) {
      if (!backend.get('container', namespace, [uuid])) throw notFound(`Container ${uuid} not found`);
      // `tty=true` (dctop's extension) asks for an interactive terminal; the official clients never send it.
      if (op === 'exec') return (ws) => this.exec(ws, namespace, uuid, query.get('command') || 'sh', toBool(query.get('tty') ?? 'false') ?? false);
      return (ws) => pipeLogs(ws, (sink) => backend.containerLogs(namespace, uuid, options, sink), false);
    }
    if (parsed.kind === 'service' && op === 'logs') {
      if (!backend.get('service', namespace, [uuid])) throw notFound(`Service ${uuid} not found`);
      return (ws) => pipeLogs(ws, (sink) => backend.serviceLogs(namespace, uuid, options, sink), false);
    }
    if (parsed.kind === 'action' && op === 'logs') {
      const owner = this.ctx.actions.namespaceOf(uuid);
      if (!owner || !namespacesOf(this.ctx.accounts, user).includes(owner)) throw notFound(`Action ${uuid} not found`);
      return (ws) => pipeLogs(ws, (sink) => this.ctx.actions.logs(uuid, tail, follow, sink), true);
    }
    throw notFound(`No such stream for ${KINDS[parsed.kind as 'action']?.label ?? parsed.kind}`);
  }

  private events(ws: WebSocket, namespace: string, query: URLSearchParams): void {
    refuseMessages(ws);
    const send = batchedSender(ws);
    const types = query.getAll('type').flatMap((t) => t.split(',')).filter(Boolean);
    // `parent` (reference) and `parents` (Go SDK, comma-separated) both filter on the event's parents.
    const parents = [...query.getAll('parent'), ...query.getAll('parents')].flatMap((p) => p.split(',')).filter(Boolean);
    const unsubscribe = this.ctx.hub.subscribe({
      namespace,
      // The dctop extension, asked for: each event with its object or its summary (clients that do not ask get the
      // reference).
      objects: objectsAsked(query.get(EVENT_OBJECTS_PARAM)),
      filter: {
        ...(types.length ? { types: new Set(types) } : {}),
        ...(query.get('object') ? { object: query.get('object')! } : {}),
        ...(parents.length ? { parents: new Set(parents) } : {}),
      },
      send,
    });
    ws.on('close', unsubscribe);
    ws.on('error', unsubscribe);
  }

  private exec(ws: WebSocket, namespace: string, uuid: string, command: string, tty: boolean): void {
    let exited = false;
    let session: ExecSession | undefined;
    const queued: string[] = [];
    const send = (frame: ExecOutputFrame) => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify(frame));
    const refuse = (error: unknown) => {
      const message = toApiError(error)?.message ?? 'internal error';
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'error', data: { errorMessage: message } }));
      ws.close(1011, 'exec failed');
    };
    // Keystrokes that arrive while the backend is still starting the command are kept for it, in order.
    ws.on('message', (data) => (session ? session.input(data.toString()) : queued.push(data.toString())));
    ws.on('close', () => {
      if (!exited) session?.close();
    });
    settled(() => this.ctx.backend.exec(namespace, uuid, command, {
      output: (output: string, streamType: ExecOutputFrame['streamType']) => send({ type: 'output', output, streamType }),
      exit: (code: number) => {
        exited = true;
        ws.close(1000, `exit ${code}`);
      },
    }, { tty }), (s) => {
      session = s;
      if (ws.readyState !== WebSocket.OPEN) return s.close();
      for (const text of queued.splice(0)) s.input(text);
    }, refuse);
  }
}

/** Calls `open`, then `then` with what it gave (now or later), or `failed` with what it threw or rejected with. */
function settled<T>(open: () => Outcome<T>, then: (value: T) => void, failed: (error: unknown) => void): void {
  let outcome: Outcome<T>;
  try {
    outcome = open();
  } catch (error) {
    return failed(error);
  }
  if (outcome instanceof Promise) outcome.then(then, failed);
  else then(outcome);
}

/**
 * Sends frames of one event-loop turn together: the socket is corked while they are queued, so a burst of events
 * becomes one write instead of one system call per frame (the difference between ~2,000 and ~N×10,000 events/s).
 * A subscriber that falls too far behind is cut off; it reconnects and resyncs rather than eat the server's memory.
 */
function batchedSender(ws: WebSocket): (text: string) => void {
  // ws exposes no cork of its own; its socket is the documented-internal `_socket`.
  const socket = (ws as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
  let corked = false;
  let behindSince: number | null = null;
  return (text) => {
    if (ws.readyState !== WebSocket.OPEN) return;
    const behind = ws.bufferedAmount;
    behindSince = behind > BEHIND_BYTES ? (behindSince ?? Date.now()) : null;
    if (behind > MAX_BUFFERED || (behindSince !== null && Date.now() - behindSince > BEHIND_MS)) {
      // The close frame waits behind what the reader does not read: it is cut off for good a moment later.
      ws.close(1013, 'subscriber too slow; reconnect and resync');
      setTimeout(() => ws.terminate(), 2000).unref();
      return;
    }
    if (socket && !corked) {
      corked = true;
      socket.cork();
      setImmediate(() => {
        corked = false;
        socket.uncork();
      });
    }
    ws.send(text);
  };
}

/** Events and logs take nothing from the client: a message closes the socket (1008). */
function refuseMessages(ws: WebSocket): void {
  ws.on('message', () => ws.close(1008, 'this stream takes no messages'));
}

/** Streams log lines to a socket; closes it when the source ends (follow=false, the object went away …). */
function pipeLogs(ws: WebSocket, open: (sink: LogSink) => Outcome<Subscription>, isAction: boolean): void {
  let subscription: Subscription | undefined;
  let ended = false;
  refuseMessages(ws);
  const send = batchedSender(ws); // a follower that stops reading is cut like an events subscriber
  const sink: LogSink = {
    line: (line: LogLine) => {
      if (ws.readyState !== WebSocket.OPEN) return;
      const frame: LogFrame = { type: 'log', log: line.log, timestamp: Math.floor(line.time / 1000) };
      if (!isAction) frame.streamType = line.streamType;
      if (line.source !== undefined) frame.source = line.source;
      send(JSON.stringify(frame));
    },
    end: (reason) => {
      ended = true;
      if (ws.readyState === WebSocket.OPEN) ws.close(1000, reason.slice(0, 120));
    },
  };
  settled(() => open(sink), (s) => {
    subscription = s;
    if (ended || ws.readyState !== WebSocket.OPEN) s.close();
  }, (error) => sink.end(`logs unavailable: ${toApiError(error)?.message ?? 'internal error'}`));
  ws.on('close', () => subscription?.close());
}

/** `/api/dctop/v1/[<namespace>/]metrics/`: the namespace it names (null: the user's own), or undefined. */
function parseMetricsPath(path: string): { namespace: string | null } | undefined {
  const match = /^\/api\/dctop\/v1\/(?:([^/]+)\/)?metrics\/?$/.exec(path);
  if (!match) return undefined;
  if (match[1] === undefined) return { namespace: null };
  try {
    return { namespace: decodeURIComponent(match[1]) };
  } catch {
    return undefined;
  }
}

/** A metrics client's message: the URIs it subscribes to, or why the message is refused (the close reason). */
function parseSubscribe(text: string): string[] | string {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return 'malformed message: not JSON; send {"subscribe": ["<resource_uri>", ...]}';
  }
  const uris = (message as { subscribe?: unknown } | null)?.subscribe;
  if (typeof message !== 'object' || !Array.isArray(uris) || !uris.every((u) => typeof u === 'string')) {
    return 'malformed message: send {"subscribe": ["<resource_uri>", ...]}';
  }
  if (uris.length > METRICS_MAX_SUBSCRIBE) return `too many URIs: at most ${METRICS_MAX_SUBSCRIBE} per subscribe`;
  return uris as string[];
}

function rejectHandshake(socket: Duplex, status: number, message: string, headers: Record<string, string>): void {
  const body = JSON.stringify({ error: message });
  const reason = status === 400 ? 'Bad Request' : status === 401 ? 'Unauthorized' : status === 404 ? 'Not Found' : status === 429 ? 'Too Many Requests' : 'Error';
  const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `${extra}Connection: close\r\n\r\n${body}`,
  );
}
