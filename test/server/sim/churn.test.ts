// Under churn the state tables and counters hold: checked in every service event as it is published, on atomic
// snapshots of the backend while it runs, and over the REST API once it settled.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service, WireObject } from '../../../src/domain/index.js';
import { snapshot, type FleetSnapshot } from '../../helpers/invariants.js';
import { collect, openSocket, startTestServer, type TestServer } from '../../helpers/server.js';
import { fleetViolations as violations, serviceProblems } from './service-invariants.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ fleet: 300, seed: 7, speed: 20 });
});
afterAll(() => t.close());

/** The backend's objects at one instant (no request interleaves with a synchronous read). */
function atomicSnapshot(): FleetSnapshot {
  const list = (kind: Parameters<typeof t.backend.list>[0]) =>
    t.backend.list(kind, 'alice').map((o: WireObject) => structuredClone(o));
  return {
    clusters: list('nodecluster'), nodes: list('node'), stacks: list('stack'), services: list('service'),
    containers: list('container'),
  };
}

describe('churn', () => {
  it('builds a fleet of about the requested size, consistent from the start', async () => {
    const s = await snapshot(t);
    expect(s.containers.length).toBe(300);
    expect(s.nodes.length).toBeGreaterThanOrEqual(12);
    expect(s.clusters.length).toBeGreaterThanOrEqual(1);
    expect(violations(s)).toEqual([]);
  });

  it('keeps every counter and derived state true while events flow, and announces the changes', async () => {
    const ws = await openSocket(`${t.wsUrl}/api/audit/v1/events`);
    const { frames } = collect(ws);
    const problems: string[] = [];
    const { world } = t.backend.sim;
    const events = t.backend.subscribe((change) => {
      if (change.kind !== 'service' || change.object['state'] === 'Terminated') return;
      const svc = change.object as unknown as Service;
      const containers = svc.containers.map((uri) => world.container(uri)).filter((c) => c && c.state !== 'Terminated');
      problems.push(...serviceProblems(svc, containers).map((p) => `event: ${p}`));
    });
    t.backend.startChurn('alice', 300);
    for (let i = 0; i < 20; i++) {
      await new Promise((r) => setTimeout(r, 100));
      problems.push(...violations(atomicSnapshot()));
    }
    t.backend.startChurn('alice', 0);
    events.close();
    ws.close();
    expect(problems).toEqual([]);
    // About 300 events per second for two seconds (estimates per step are rough; the order of magnitude must hold).
    expect(frames.length).toBeGreaterThan(200);
    const states = new Set(frames.map((f) => `${f.type}:${f.state}`));
    expect(states.has('container:Stopped')).toBe(true);
    expect(states.has('container:Running')).toBe(true);
    await new Promise((r) => setTimeout(r, 1500)); // let operations in flight finish
    expect(violations(await snapshot(t))).toEqual([]);
  });

  it('is reproducible with the same seed (all but the UUIDs, which are keyed with a secret of each fleet)', async () => {
    const a = await startTestServer({ fleet: 120, seed: 99 });
    const b = await startTestServer({ fleet: 120, seed: 99 });
    const names = async (x: TestServer) => (await x.api('GET', '/api/app/v1/container/?limit=1000')).body.objects
      .map((c: any) => `${c.name}:${c.state}:${c.exit_code}`);
    expect(await names(a)).toEqual(await names(b));
    await Promise.all([a.close(), b.close()]);
  });
});
