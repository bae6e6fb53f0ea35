// Container logs are written lazily: a container's starts, runs and stops are noted, and the lines made only when
// somebody reads them, in the order and at the times they would have been written.
import { describe, expect, it } from 'vitest';
import type { Container } from '../../../src/domain/index.js';
import { SimClock } from '../../../src/server/sim/clock.js';
import { LogStore } from '../../../src/server/sim/logs.js';

const MINUTE = 60_000;
const container = (name: string, image = 'nginx:1.13') =>
  ({ resource_uri: `/api/app/v1/alice/container/${name}/`, uuid: `${name}-0000-0000-0000-000000000000`, name, hostname: name,
    private_ip: '10.7.0.2', image_name: image }) as unknown as Container;
const madeLines = (logs: LogStore) => [...(logs as unknown as { buffers: Map<string, { lines: unknown[] }> }).buffers.values()]
  .reduce((sum, b) => sum + b.lines.length, 0);

describe('container logs', () => {
  it('writes nothing until read, then the start, what it wrote while running, and the stop, in time order', () => {
    const clock = new SimClock();
    const logs = new LogStore(clock);
    const db = container('db-1', 'mysql:5.7'); // a line every 10 s or so
    const start = Date.now();
    clock.past(30 * MINUTE, () => logs.started(db));
    clock.past(20 * MINUTE, () => logs.stopped(db, 1));
    clock.past(10 * MINUTE, () => logs.started(db));
    expect(madeLines(logs)).toBe(0);

    const lines = logs.tail(db, 0);
    const times = lines.map((l) => l.time);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const near = (t: number, at: number) => Math.abs(t - at) < 100;
    const [started, crashed, restarted] = [start - 30 * MINUTE, start - 20 * MINUTE, start - 10 * MINUTE];
    expect(lines.filter((l) => near(l.time, started)).length).toBeGreaterThan(1); // start-up lines
    expect(lines.filter((l) => near(l.time, crashed)).length).toBeGreaterThan(0); // the crash's error
    expect(lines.filter((l) => near(l.time, restarted)).length).toBeGreaterThan(1);
    // Lines while it ran, none while it was down.
    expect(times.filter((t) => t > started + 1000 && t < crashed - 1000).length).toBeGreaterThan(20);
    expect(times.filter((t) => t > crashed + 1000 && t < restarted - 1000)).toEqual([]);
    expect(times.filter((t) => t > restarted + 1000).length).toBeGreaterThan(20);
    expect(times.every((t) => t <= Date.now())).toBe(true);
    clock.close();
  });

  it('keeps the last 1,000 lines of a busy container', () => {
    const clock = new SimClock();
    const logs = new LogStore(clock);
    const web = container('web-1'); // two lines a second
    clock.past(60 * MINUTE, () => logs.started(web));
    const lines = logs.tail(web, 0);
    expect(lines).toHaveLength(1000);
    expect(logs.tail(web, 10)).toEqual(lines.slice(-10));
    expect(Date.now() - lines[0]!.time).toBeLessThan(15 * MINUTE);
    clock.close();
  });

  it('costs almost nothing for containers that restart often and are never read', () => {
    const clock = new SimClock();
    const logs = new LogStore(clock);
    const many = Array.from({ length: 1000 }, (_, i) => container(`api-${i}`, 'node:8-alpine'));
    for (let round = 0; round < 50; round++) {
      clock.past((50 - round) * MINUTE, () => {
        for (const c of many) {
          logs.started(c);
          logs.stopped(c, 1);
        }
      });
    }
    expect(madeLines(logs)).toBe(0);
    // Read one: its last restarts, bounded by the lines kept.
    const lines = logs.tail(many[0]!, 0);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThanOrEqual(1000);
    expect(madeLines(logs)).toBe(lines.length);
    clock.close();
  });
});
