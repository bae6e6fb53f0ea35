// Container logs, made lazily: starting, running and stopping only note what happened (a few numbers); the lines
// are written when someone reads or follows them, at the times they would have appeared. So 10,000 containers that
// nobody reads cost nothing however often they restart, and every tail still shows what a container "wrote".
import type { Container } from '../../domain/index.js';
import type { LogLine, LogSink, Subscription } from '../backend.js';
import type { SimClock } from './clock.js';
import { lineRate, runtimeLines, startLines, stopLines, type GeneratedLine, type LogContext } from './loglines.js';
import { hashSeed, seededRng, type Rng } from './random.js';

const MAX_LINES = 1_000;
/** Unread history kept per container: older entries would be pushed out of MAX_LINES by the newer ones anyway. */
const MAX_PENDING = 64;
const FOLLOW_INTERVAL_MS = 200;

/** What a container did that has not been written out as lines yet. */
type Pending =
  | { kind: 'start'; at: number }
  | { kind: 'run'; from: number; to: number }
  | { kind: 'stop'; at: number; exitCode: number };

interface Buffer {
  lines: LogLine[];
  /** Lines ever appended: the sequence number of the next line. */
  total: number;
  pending: Pending[];
  /** Running since then, and not written out past it; null while not running. */
  runningSince: number | null;
  rate: number;
  rng: Rng;
  ctx: LogContext;
}

export class LogStore {
  private readonly buffers = new Map<string, Buffer>();

  constructor(private readonly clock: SimClock) {}

  private buffer(c: Container): Buffer {
    let b = this.buffers.get(c.resource_uri);
    if (!b) {
      b = {
        lines: [], total: 0, pending: [], runningSince: null, rate: lineRate(c.image_name),
        rng: seededRng(hashSeed(c.uuid)),
        ctx: { name: c.name, hostname: c.hostname ?? c.name, privateIp: c.private_ip, image: c.image_name },
      };
      this.buffers.set(c.resource_uri, b);
    }
    return b;
  }

  /** The container entered Running: it writes its start-up lines, then runtime lines from now on. */
  started(c: Container): void {
    const b = this.buffer(c);
    const now = this.clock.now();
    this.note(b, { kind: 'start', at: now });
    b.runningSince = now;
  }

  /** The container left Running (stopped, crashed, terminated). */
  stopped(c: Container, exitCode: number): void {
    const b = this.buffer(c);
    const now = this.clock.now();
    if (b.runningSince !== null) this.note(b, { kind: 'run', from: b.runningSince, to: now });
    b.runningSince = null;
    this.note(b, { kind: 'stop', at: now, exitCode });
  }

  forget(uri: string): void {
    this.buffers.delete(uri);
  }

  /** The last `tail` lines of a container (0: all that are kept). */
  tail(c: Container, tail: number): LogLine[] {
    const b = this.buffer(c);
    this.fill(b);
    return tail > 0 ? b.lines.slice(-tail) : [...b.lines];
  }

  /**
   * Where a container's log stands: the sequence number of the next line. Taken right after `tail` (without
   * writing anything out), it is where a follow that comes after that tail starts, so that the lines the
   * container writes while the tail is being sent are followed, not lost.
   */
  mark(c: Container): number {
    return this.buffer(c).total;
  }

  /**
   * Follows the containers `members()` names (re-read each time, so a redeployed service's new containers join),
   * sending what they write after `since` (sequence numbers per container, as returned by `mark` right after the
   * tail was read). A member without a mark joined after the tail: all its lines are news.
   */
  follow(
    members: () => Container[] | undefined, sink: LogSink, withSource: boolean, ended: () => string | null,
    since: ReadonlyMap<string, number>,
  ): Subscription {
    const seen = new Map(since);
    const stop = this.clock.every(FOLLOW_INTERVAL_MS, () => {
      const batch: LogLine[] = [];
      for (const c of members() ?? []) {
        const b = this.buffer(c);
        this.fill(b);
        const from = seen.get(c.resource_uri) ?? b.total - b.lines.length;
        const fresh = b.lines.slice(Math.max(0, b.lines.length - (b.total - from)));
        seen.set(c.resource_uri, b.total);
        for (const line of fresh) batch.push(withSource ? { ...line, source: c.name } : line);
      }
      // A stable sort: each container's lines stay in the order it wrote them.
      batch.sort((x, y) => x.time - y.time);
      for (const line of batch) sink.line(line);
      const reason = ended();
      if (reason) {
        stop();
        sink.end(reason);
      }
    });
    return { close: stop };
  }

  private note(b: Buffer, entry: Pending): void {
    b.pending.push(entry);
    if (b.pending.length > MAX_PENDING) b.pending.splice(0, b.pending.length - MAX_PENDING);
  }

  /** Writes out what the container did since the last read, up to now. */
  private fill(b: Buffer): void {
    const now = this.clock.now();
    if (b.runningSince !== null && now > b.runningSince) {
      this.note(b, { kind: 'run', from: b.runningSince, to: now });
      b.runningSince = now;
    }
    for (const entry of b.pending) {
      if (entry.kind === 'start') this.push(b, startLines(b.ctx, b.rng, entry.at), entry.at);
      else if (entry.kind === 'stop') this.push(b, stopLines(b.ctx, b.rng, entry.at, entry.exitCode), entry.at);
      else this.run(b, entry.from, entry.to);
    }
    b.pending.length = 0;
  }

  /** The lines written while running from `from` to `to`, at the image's rate; only the last MAX_LINES are made. */
  private run(b: Buffer, from: number, to: number): void {
    const meanGap = 1000 / b.rate;
    let t = Math.max(from, to - MAX_LINES * meanGap);
    for (;;) {
      t += -Math.log(1 - b.rng()) * meanGap;
      if (t > to) break;
      this.push(b, runtimeLines(b.ctx, b.rng, t), t);
    }
  }

  private push(b: Buffer, lines: GeneratedLine[], at: number): void {
    for (const line of lines) {
      b.lines.push({ log: line.log, streamType: line.streamType, time: at });
      b.total++;
    }
    if (b.lines.length > MAX_LINES) b.lines.splice(0, b.lines.length - MAX_LINES);
  }
}
