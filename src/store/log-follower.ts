// Following the logs of a container, a service or an action for as long as someone looks: into a bounded buffer,
// through the API going away and coming back. A stream cut by the network (or a server going down) is resumed,
// when the store's event stream is live again or after a backoff of its own, with a tail; the lines of that tail
// already held are skipped (by timestamp and text), and a possible gap is marked. A stream the server ended on
// purpose (the container was terminated, an error frame, a refused handshake) ends for good, and says why.
import { backoffDelay, type BackoffPolicy } from '../api/backoff.js';
import type { StreamEnd } from '../api/channel.js';
import type { DockerCloudClient } from '../api/client.js';
import { describeClose, DockerCloudError } from '../api/errors.js';
import type { EventStream } from '../api/events.js';
import type { LogStream } from '../api/streams.js';
import { KINDS, parsePath, type LogFrame } from '../domain/index.js';

/** Lines a follower keeps; older ones are dropped from the top. */
export const MAX_LINES = 5000;

export interface LogLine {
  text: string;
  stream: 'stdout' | 'stderr';
  /** Milliseconds since the epoch (the API sends whole seconds). */
  time: number;
  /** The container, on service logs. */
  source: string | undefined;
  /** Not a log line: a mark where lines may be missing (the stream was down longer than the resumed tail reaches). */
  gap?: true;
}

/** live: streaming · disconnected: the API went away, it resumes on its own · ended: for good. */
export type LogConnection = 'live' | 'disconnected' | 'ended';

export interface LogFollowerOptions {
  /** Lines of history asked for at first. */
  tail: number;
  /** Lines of history asked for when resuming (default: the larger of `tail` and 1,000, at most maxLines). */
  resumeTail?: number;
  maxLines?: number;
  /**
   * The store's event stream: while it is not live the API is away, and the follower waits for it to connect
   * again rather than knock on its own. Without it (or while it is live), the follower's own backoff decides.
   */
  events?: EventStream | null;
  /** Between the follower's own attempts (default 1 s doubling to 30 s, with jitter). */
  backoff?: BackoffPolicy;
}

const DEFAULT_FOLLOW_BACKOFF: BackoffPolicy = { baseMs: 1000, capMs: 30_000 };
/** After refused credentials, the follower's own attempts are this far apart (as the event stream's). */
const AUTH_RETRY_MS = 60_000;
/** Websocket close codes of a connection that went away, not of a stream that is over. */
const RESUMABLE_CLOSE = new Set([1001, 1005, 1006, 1011, 1012, 1013, 1014]);

/** What a frame is, for recognising it again in a tail. */
const keyOf = (frame: LogFrame) => `${frame.streamType ?? ''}\u0000${frame.source ?? ''}\u0000${frame.log}`;

function duration(ms: number): string {
  const s = Math.max(1, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 360) / 10} h`;
}

/** The object whose logs these are, in words: "container", "service", "action". */
function labelOf(uri: string): string {
  const kind = parsePath(uri)?.kind;
  return kind && kind in KINDS ? KINDS[kind as keyof typeof KINDS].label.toLowerCase() : 'object';
}

/** Whether a stream's end is the connection going away (resume) or the stream being over (end), and why, readable. */
function classifyEnd(end: StreamEnd, uri: string): { resumable: boolean; reason: string; retryAfterMs?: number } {
  const error = end.error;
  if (error instanceof DockerCloudError) {
    switch (error.kind) {
      case 'network':
      case 'timeout':
        return { resumable: true, reason: `the API is unreachable (${error.detail})` };
      case 'unavailable':
      case 'rate_limited':
        return { resumable: true, reason: `the API is not answering for now (${error.detail})`, ...(error.retryAfterMs ? { retryAfterMs: error.retryAfterMs } : {}) };
      case 'auth':
        // Slowly (a wrong key tried often locks the address out): usually the event stream, refused too, says when.
        return { resumable: true, reason: 'the API refused the credentials', retryAfterMs: AUTH_RETRY_MS };
      case 'server':
        // An error frame (no status) ends the stream; a 5xx on the handshake is a server having a bad moment.
        if (error.status === undefined) return { resumable: false, reason: `the server ended the stream: ${error.detail}` };
        return { resumable: true, reason: `the API is not answering for now (${error.detail})` };
      default:
        return { resumable: false, reason: `the server refused the stream: ${error.detail}` };
    }
  }
  // The stream's reason is the close frame's, or "closed (code)" when it had none.
  const why = end.code !== undefined && end.reason === `closed (${end.code})` ? '' : end.reason.trim();
  if (end.code !== undefined && RESUMABLE_CLOSE.has(end.code)) return { resumable: true, reason: describeClose(end.code, why) };
  const terminated = /^(container|service) terminated$/.exec(why);
  if (terminated) return { resumable: false, reason: `the ${terminated[1]} was terminated` };
  if (/^action \w+/.test(why)) return { resumable: false, reason: `the ${labelOf(uri)} ended (${why.slice('action '.length)})` };
  return { resumable: false, reason: why ? `the server ended the stream: ${why}` : 'the server ended the stream' };
}

export class LogFollower {
  private readonly buffer: LogLine[] = [];
  /** Lines dropped from the top of the bounded buffer. */
  dropped = 0;
  connection: LogConnection = 'live';
  /** Why it is disconnected (and that it resumes), or why it ended; null while live. */
  reason: string | null = null;
  /** Streams opened after the first (for tests and measurements). */
  resumes = 0;
  private stream: LogStream | null = null;
  private readonly maxLines: number;
  private readonly resumeTail: number;
  private readonly events: EventStream | null;
  private readonly backoff: BackoffPolicy;
  /** The newest timestamp (s) held, and how many of each frame at it: what a resumed tail may repeat. */
  private lastTs: number | null = null;
  private atLast = new Map<string, number>();
  /** While a resumed stream repeats what is held: its frames up to `ts` are skipped once each. */
  private dedupe: { ts: number; remaining: Map<string, number>; overlapped: boolean; awayMs: number | null } | null = null;
  private disconnectedAt: number | null = null;
  /** Failed resumes in a row. */
  private attempt = 0;
  private timer: NodeJS.Timeout | null = null;
  private stopWaiting: (() => void) | null = null;
  private closed = false;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly client: DockerCloudClient, readonly uri: string, options: LogFollowerOptions) {
    this.maxLines = options.maxLines ?? MAX_LINES;
    this.resumeTail = options.resumeTail ?? Math.min(this.maxLines, Math.max(options.tail, 1000));
    this.events = options.events ?? null;
    this.backoff = options.backoff ?? DEFAULT_FOLLOW_BACKOFF;
    this.open(options.tail, false);
  }

  /** The lines held, oldest first (the follower's own array: copy it to keep it). */
  get lines(): readonly LogLine[] {
    return this.buffer;
  }

  /** Calls `listener` after every change (lines, connection): the place to schedule a render. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Empties the buffer; what arrives later still shows (and what was held is still not repeated). */
  clear(): void {
    this.dropped += this.buffer.length; // cleared lines count as dropped: each line keeps its number
    this.buffer.length = 0;
    this.changed();
  }

  /** Tries to resume now, if disconnected (not waiting for the event stream or the backoff). */
  resume(): void {
    if (this.closed || this.connection !== 'disconnected' || this.stream) return;
    this.cancelWait();
    this.resumes++;
    this.open(this.resumeTail, true);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.cancelWait();
    this.stream?.close();
    this.stream = null;
    this.listeners.clear();
  }

  private open(tail: number, resuming: boolean): void {
    const stream = this.client.logs(this.uri, { tail, follow: true });
    this.stream = stream;
    this.dedupe = resuming && this.lastTs !== null
      ? { ts: this.lastTs, remaining: new Map(this.atLast), overlapped: false, awayMs: null }
      : null;
    stream.onOpen(() => {
      if (this.stream !== stream) return;
      if (this.dedupe && this.disconnectedAt !== null) this.dedupe.awayMs = Date.now() - this.disconnectedAt;
      this.attempt = 0;
      this.set('live', null);
    });
    stream.onFrame((frame) => {
      if (this.stream === stream) this.frame(frame);
    });
    void stream.ended.then((end) => {
      if (this.stream === stream && !this.closed) this.ended(end);
    });
  }

  private frame(frame: LogFrame): void {
    const key = keyOf(frame);
    const d = this.dedupe;
    if (d) {
      if (frame.timestamp < d.ts) {
        d.overlapped = true; // older than anything new: held already, or dropped from the buffer on purpose
        return;
      }
      if (frame.timestamp === d.ts) {
        const n = d.remaining.get(key) ?? 0;
        if (n > 0) {
          d.remaining.set(key, n - 1);
          d.overlapped = true;
          return;
        }
      }
      // The first line not held: if the tail did not reach back to what is held, lines in between may be missing.
      if (!d.overlapped) {
        this.markGap(d.awayMs);
        d.overlapped = true;
      }
      if (frame.timestamp > d.ts) this.dedupe = null;
    }
    this.append({ text: frame.log.replace(/\n$/, ''), stream: frame.streamType ?? 'stdout', time: frame.timestamp * 1000, source: frame.source });
    if (this.lastTs === null || frame.timestamp > this.lastTs) {
      this.lastTs = frame.timestamp;
      this.atLast = new Map([[key, 1]]);
    } else if (frame.timestamp === this.lastTs) this.atLast.set(key, (this.atLast.get(key) ?? 0) + 1);
    this.changed();
  }

  private markGap(awayMs: number | null): void {
    const away = awayMs === null ? '' : ` for ${duration(awayMs)}`;
    this.append({ text: `··· disconnected${away}: lines may be missing here ···`, stream: 'stdout', time: Date.now(), source: undefined, gap: true });
  }

  private append(line: LogLine): void {
    this.buffer.push(line);
    if (this.buffer.length > this.maxLines) {
      const excess = this.buffer.length - this.maxLines;
      this.buffer.splice(0, excess);
      this.dropped += excess;
    }
  }

  private ended(end: StreamEnd): void {
    this.stream = null;
    const verdict = classifyEnd(end, this.uri);
    if (!verdict.resumable) {
      this.set('ended', verdict.reason);
      return;
    }
    this.disconnectedAt ??= Date.now();
    this.set('disconnected', `disconnected: ${verdict.reason}; it resumes when the API is back`);
    this.waitToResume(verdict.retryAfterMs ?? 0);
  }

  /** While the API is away (the event stream is not live), wait for it; else try again after a backoff. */
  private waitToResume(floorMs: number): void {
    this.cancelWait();
    if (this.events && this.events.health.state !== 'live') {
      this.stopWaiting = this.events.onConnected(() => this.resume());
      return;
    }
    const delay = backoffDelay(this.backoff, this.attempt++, floorMs);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.resume();
    }, delay);
    this.timer.unref();
  }

  private cancelWait(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.stopWaiting?.();
    this.stopWaiting = null;
  }

  private set(connection: LogConnection, reason: string | null): void {
    if (connection === 'live') this.disconnectedAt = null;
    if (this.connection === connection && this.reason === reason) return;
    this.connection = connection;
    this.reason = reason;
    this.changed();
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
