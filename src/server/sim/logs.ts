// Container logs. Lifecycle lines are written when they happen; the lines a running container writes are made
// lazily, when someone reads or follows them, for the time it ran since the last read. So 10,000 idle containers
// cost nothing, and every tail still shows what a container "wrote".
import type { Container } from '../../domain/index.js';
import type { LogLine, LogSink, Subscription } from '../backend.js';
import type { SimClock } from './clock.js';
import { lineRate, runtimeLine, startLines, stopLines, type GeneratedLine, type LogContext } from './loglines.js';
import { hashSeed, seededRng, type Rng } from './random.js';

const MAX_LINES = 1_000;
const FOLLOW_INTERVAL_MS = 200;

interface Buffer {
  lines: LogLine[];
  /** Lines ever appended: the sequence number of the next line. */
  total: number;
  /** Runtime lines exist up to this time. */
  cursor: number;
  running: boolean;
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
        lines: [], total: 0, cursor: this.clock.now(), running: false, rate: lineRate(c.image_name),
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
    this.push(b, startLines(b.ctx, b.rng, now), now);
    b.cursor = now;
    b.running = true;
  }

  /** The container left Running (stopped, crashed, terminated). */
  stopped(c: Container, exitCode: number): void {
    const b = this.buffer(c);
    this.fill(b);
    b.running = false;
    const now = this.clock.now();
    this.push(b, stopLines(b.ctx, b.rng, now, exitCode), now);
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
   * Follows the containers `members()` names (re-read each time, so a redeployed service's new containers join),
   * sending what they write after `since` (sequence numbers per container, as returned by `marks`).
   */
  follow(
    members: () => Container[] | undefined, sink: LogSink, withSource: boolean, ended: () => string | null,
  ): Subscription {
    const seen = new Map<string, number>();
    for (const c of members() ?? []) seen.set(c.resource_uri, this.buffer(c).total);
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

  /** The lines a running container wrote since the cursor, at its image's rate, keeping at most MAX_LINES. */
  private fill(b: Buffer): void {
    const now = this.clock.now();
    if (!b.running || now <= b.cursor) return;
    const meanGap = 1000 / b.rate;
    let t = Math.max(b.cursor, now - MAX_LINES * meanGap);
    const made: { line: GeneratedLine; at: number }[] = [];
    for (;;) {
      t += -Math.log(1 - b.rng()) * meanGap;
      if (t > now) break;
      made.push({ line: runtimeLine(b.ctx, b.rng, t), at: t });
    }
    for (const { line, at } of made) this.push(b, [line], at);
    b.cursor = now;
  }

  private push(b: Buffer, lines: GeneratedLine[], at: number): void {
    for (const line of lines) {
      b.lines.push({ log: line.log, streamType: line.streamType, time: at });
      b.total++;
    }
    if (b.lines.length > MAX_LINES) b.lines.splice(0, b.lines.length - MAX_LINES);
  }
}
