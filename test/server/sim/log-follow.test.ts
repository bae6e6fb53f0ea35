// A log stream that follows starts where its tail ended: every line a container writes after the tail (also while
// the tail is still being sent, which takes a while for 1,000 lines on a loaded server) arrives exactly once, in
// order. Time is moved by hand, and moves on while a tail is sent, so the gap that lost lines is there every time.
import { afterEach, describe, expect, it } from 'vitest';
import type { Container, Service } from '../../../src/domain/index.js';
import type { LogLine, LogSink, Subscription } from '../../../src/server/backend.js';
import { ManualTime, type TimeSource } from '../../../src/server/sim/clock.js';
import { serviceContainers } from '../../../src/server/sim/derive.js';
import { SimBackend } from '../../../src/server/sim/sim-backend.js';

const NS = 'alice';
/** Simulated time a tail's line takes to send: 200 lines, four seconds, eight new lines of an nginx container. */
const SEND_MS = 20;

/** ManualTime, plus a skew that the test adds to while a tail is being sent (timers stay on the manual clock). */
class SkewedTime implements TimeSource {
  readonly manual = new ManualTime();
  skew = 0;
  now(): number {
    return this.manual.now() + this.skew;
  }
  once(ms: number, fn: () => void): () => void {
    return this.manual.once(ms, fn);
  }
  repeat(ms: number, fn: () => void): () => void {
    return this.manual.repeat(ms, fn);
  }
}

interface Stream { what: string; lines: LogLine[]; tailed: number; ended: string | null; subscription: Subscription }

let backend: SimBackend | undefined;
afterEach(async () => {
  await backend?.close();
  backend = undefined;
});

const same = (a: LogLine, b: LogLine) => a.time === b.time && a.log === b.log && a.streamType === b.streamType;

/**
 * What is wrong with the lines a stream received from one container: they must be one run of the container's log
 * with nothing left out or repeated, and what the log holds after them must have been written after the stream's
 * last look (less than a follow interval ago).
 */
function gaps(what: string, received: LogLine[], log: LogLine[], now: number): string[] {
  if (received.length === 0) return [`${what}: nothing received`];
  const start = log.findIndex((l) => same(l, received[0]!));
  if (start < 0) return [`${what}: its first line is not in the log`];
  for (let i = 0; i < received.length; i++) {
    if (!log[start + i] || !same(log[start + i]!, received[i]!)) {
      return [`${what}: line ${i} of ${received.length} is not the log's next line (lost or repeated lines)`];
    }
  }
  const unsent = log.slice(start + received.length).filter((l) => l.time <= now - 200);
  return unsent.length ? [`${what}: ${unsent.length} line(s) written before its last look never arrived`] : [];
}

describe('following logs', () => {
  it('sends every line written after the tail exactly once, in order, for containers and services', async () => {
    const time = new SkewedTime();
    backend = new SimBackend({ seed: 3, time });
    backend.populate(NS, 'demo');
    const b = backend;
    const web = b.sim.world.services(NS).find((s) => s.name === 'web') as Service; // nginx: two lines a second each
    await time.manual.advance(60_000);

    const streams: Stream[] = [];
    const open = (what: string, start: (sink: LogSink) => Subscription) => {
      const stream = { what, lines: [] as LogLine[], tailed: 0, ended: null as string | null } as Stream;
      let tailing = true;
      stream.subscription = start({
        line(line) {
          stream.lines.push(line);
          if (tailing) {
            stream.tailed++;
            time.skew += SEND_MS; // sending the tail takes time, and the containers go on writing meanwhile
          }
        },
        end(reason) {
          stream.ended = reason;
        },
      });
      tailing = false;
      streams.push(stream);
    };
    const options = { tail: 200, follow: true };
    for (let i = 0; i < 40; i++) {
      if (i % 2 === 0) {
        const c = b.sim.world.container(web.containers[(i / 2) % web.containers.length]) as Container;
        open(`container ${c.name} #${i}`, (sink) => b.containerLogs(NS, c.uuid, options, sink));
      } else {
        open(`service web #${i}`, (sink) => b.serviceLogs(NS, web.uuid, options, sink));
      }
      await time.manual.advance(100 + (i % 5) * 70); // earlier streams follow meanwhile
    }
    await time.manual.advance(5_000);
    for (const s of streams) s.subscription.close();

    const now = time.now();
    const problems: string[] = [];
    for (const s of streams) {
      expect(s.tailed, s.what).toBe(200);
      expect(s.ended, s.what).toBeNull();
      expect(s.lines.length, s.what).toBeGreaterThan(s.tailed + 5); // it did follow
      const members = serviceContainers(b.sim, web);
      if (s.what.startsWith('service')) {
        const times = s.lines.map((l) => l.time);
        expect(times.slice(s.tailed), s.what).toEqual([...times.slice(s.tailed)].sort((x, y) => x - y));
        for (const c of members) {
          problems.push(...gaps(`${s.what}, ${c.name}`, s.lines.filter((l) => l.source === c.name), b.sim.logs.tail(c, 0), now));
        }
      } else {
        const c = members.find((m) => s.what.startsWith(`container ${m.name} `))!;
        problems.push(...gaps(s.what, s.lines, b.sim.logs.tail(c, 0), now));
      }
    }
    expect(problems).toEqual([]);
  });

  it('starts a container that joins the service after the tail from its first line', async () => {
    const time = new SkewedTime();
    backend = new SimBackend({ seed: 4, time });
    backend.populate(NS, 'demo');
    const b = backend;
    const web = b.sim.world.services(NS).find((s) => s.name === 'web') as Service;
    await time.manual.advance(10_000);
    const lines: LogLine[] = [];
    const subscription = b.serviceLogs(NS, web.uuid, { tail: 10, follow: true }, { line: (l) => lines.push(l), end() {} });
    const { scaleService } = await import('../../../src/server/sim/services.js');
    void scaleService(b.sim, NS, web, web.target_num_containers + 1, () => {});
    await time.manual.advance(10_000);
    subscription.close();
    const fresh = serviceContainers(b.sim, web).find((c) => c.name === 'web-5')!;
    expect(fresh).toBeDefined();
    const mine = lines.filter((l) => l.source === 'web-5');
    expect(mine.length).toBeGreaterThan(3);
    expect(gaps('web-5', mine, b.sim.logs.tail(fresh, 0), time.now())).toEqual([]);
    expect(same(mine[0]!, b.sim.logs.tail(fresh, 0)[0]!)).toBe(true); // from its very first line
  });
});
