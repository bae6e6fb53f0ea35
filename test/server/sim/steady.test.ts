// The sandbox's churn is a steady state: an hour of it (simulated, on a clock the test moves) leaves the demo fleet
// looking like a healthy fleet with some trouble. Crashed containers come back as their restart policy says
// (Stopped → Starting → Running), the others when the simulated operators get to them; the rate asked for holds.
import { afterEach, describe, expect, it } from 'vitest';
import type { Container } from '../../../src/domain/index.js';
import { ManualTime } from '../../../src/server/sim/clock.js';
import type { FleetSpec } from '../../../src/server/sim/fleet.js';
import { SimBackend } from '../../../src/server/sim/sim-backend.js';
import { violations, type FleetSnapshot } from '../../helpers/invariants.js';

const SECOND = 1_000;
const NS = 'demo';
let backend: SimBackend | undefined;
afterEach(async () => {
  await backend?.close();
  backend = undefined;
});

function snapshotOf(b: SimBackend): FleetSnapshot {
  const list = (kind: Parameters<SimBackend['list']>[0]) => b.list(kind, NS).map((o) => structuredClone(o) as any);
  return { clusters: list('nodecluster'), nodes: list('node'), stacks: list('stack'), services: list('service'), containers: list('container') };
}

/** The container state table of the reference, as transitions (a crash is Running → Stopped). */
const ALLOWED = new Set([
  'Starting→Running', 'Running→Stopping', 'Running→Stopped', 'Stopping→Stopped', 'Stopped→Starting',
  'Starting→Stopping', 'Running→Terminating', 'Stopped→Terminating', 'Starting→Terminating', 'Stopping→Terminating',
  'Terminating→Terminated',
]);

interface Run {
  /** Running containers / containers not terminated, every 10 simulated seconds. */
  fractions: number[];
  /** Containers not Running, every 10 seconds. */
  troubled: number[];
  eventsPerSecond: number;
  transitions: Map<string, number>;
  /** Stopped → Starting of containers whose policy restarts them, and of those it does not (operators). */
  autorestarts: number;
  repairs: number;
  problems: string[];
}

async function churnFor(fleet: FleetSpec, rate: number, minutes: number, seed: number): Promise<Run> {
  const time = new ManualTime();
  backend = new SimBackend({ seed, time });
  backend.populate(NS, fleet);
  const run: Run = { fractions: [], troubled: [], eventsPerSecond: 0, transitions: new Map(), autorestarts: 0, repairs: 0, problems: [] };
  const last = new Map<string, string>();
  let events = 0;
  backend.subscribe((change) => {
    events++;
    if (change.kind !== 'container') return;
    const c = change.object as unknown as Container;
    const before = last.get(c.resource_uri);
    if (before !== undefined && before !== c.state) {
      const key = `${before}→${c.state}`;
      run.transitions.set(key, (run.transitions.get(key) ?? 0) + 1);
      if (key === 'Stopped→Starting') {
        if (c.autorestart === 'OFF' || (c.autorestart === 'ON_FAILURE' && c.exit_code === 0)) run.repairs++;
        else run.autorestarts++;
      }
    }
    last.set(c.resource_uri, c.state);
  });
  for (const c of backend.sim.world.containers(NS)) last.set(c.resource_uri, c.state);
  backend.startChurn(NS, rate);
  for (let s = 10; s <= minutes * 60; s += 10) {
    await time.advance(10 * SECOND);
    const live = backend.sim.world.containers(NS).filter((c) => c.state !== 'Terminated');
    const running = live.filter((c) => c.state === 'Running').length;
    run.fractions.push(running / live.length);
    run.troubled.push(live.length - running);
    if (s % (10 * 60) === 0) run.problems.push(...violations(snapshotOf(backend)).map((p) => `minute ${s / 60}: ${p}`));
  }
  run.eventsPerSecond = events / (minutes * 60);
  return run;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('churn over an hour of simulated time', () => {
  it('keeps the demo fleet mostly running, with some trouble most of the time, at the rate asked for', async () => {
    const run = await churnFor('demo', 2, 60, 1234);
    // Healthy throughout: most containers running at every sample, never a decay.
    expect(Math.min(...run.fractions)).toBeGreaterThan(0.7);
    expect(mean(run.fractions.slice(-60))).toBeGreaterThan(0.8); // the last ten minutes as good as the first
    // With some trouble: something is down or coming back in most samples.
    expect(run.troubled.filter((n) => n > 0).length).toBeGreaterThan(run.troubled.length * 0.6);
    // Restarts happened, by policy and by operators, and every change followed the state table.
    expect(run.autorestarts).toBeGreaterThan(20);
    expect(run.repairs).toBeGreaterThan(20);
    expect([...run.transitions.keys()].filter((k) => !ALLOWED.has(k))).toEqual([]);
    expect(run.transitions.get('Running→Stopped')).toBeGreaterThan(50);
    // The churn rate is the one asked for (every announced change counts, as the churn counts them).
    expect(run.eventsPerSecond).toBeGreaterThan(2 * 0.85);
    expect(run.eventsPerSecond).toBeLessThan(2 * 1.15);
    expect(run.problems).toEqual([]);
  });

  it('holds for a larger fleet at a higher rate', async () => {
    const run = await churnFor(600, 30, 30, 77);
    expect(Math.min(...run.fractions)).toBeGreaterThan(0.7);
    expect(run.eventsPerSecond).toBeGreaterThan(30 * 0.85);
    expect(run.eventsPerSecond).toBeLessThan(30 * 1.15);
    expect(run.autorestarts + run.repairs).toBeGreaterThan(100);
    expect(run.problems).toEqual([]);
  });
});
