// Starting fleets have a history (deployed weeks ago, crashed minutes ago) and live nodes keep reporting in.
import { afterEach, describe, expect, it } from 'vitest';
import type { Container, Node, NodeCluster, Service } from '../../../src/domain/index.js';
import { heartbeat, MAX_NODES_PER_NAMESPACE } from '../../../src/server/sim/infra.js';
import { SimBackend } from '../../../src/server/sim/sim-backend.js';

const DAY = 86_400_000;
const backends: SimBackend[] = [];
afterEach(async () => {
  for (const b of backends.splice(0)) await b.close();
});

function fleet(spec: 'demo' | number): SimBackend {
  const backend = new SimBackend({ seed: 3 });
  backends.push(backend);
  backend.populate('alice', spec);
  return backend;
}

const when = (date: string | null) => Date.parse(date ?? '');

describe('starting fleets', () => {
  for (const spec of ['demo', 2500] as const) {
    it(`${spec}: was deployed in the past, in order, and its live nodes were seen within the minute`, () => {
      const backend = fleet(spec);
      const now = Date.now();
      const clusters = backend.list('nodecluster', 'alice') as unknown as NodeCluster[];
      const nodes = backend.list('node', 'alice') as unknown as Node[];
      const services = backend.list('service', 'alice') as unknown as Service[];
      const containers = backend.list('container', 'alice') as unknown as Container[];
      for (const c of clusters) expect(now - when(c.deployed_datetime)).toBeGreaterThan(30 * DAY);
      const serviceAges = services.map((s) => now - when(s.deployed_datetime));
      expect(Math.max(...serviceAges)).toBeGreaterThan(DAY);
      expect(new Set(serviceAges.map((a) => Math.round(a / 60_000))).size).toBeGreaterThan(1);
      for (const c of containers) {
        const cluster = backend.sim.world.cluster(backend.sim.world.node(c.node)?.node_cluster);
        expect(when(c.deployed_datetime)).toBeGreaterThanOrEqual(when(cluster?.deployed_datetime ?? null));
        if (c.state === 'Stopped') expect(when(c.stopped_datetime)).toBeGreaterThanOrEqual(when(c.started_datetime));
        if (c.state === 'Running') expect(when(c.started_datetime)).toBeLessThan(now);
      }
      const unreachable = nodes.filter((n) => n.state === 'Unreachable');
      expect(unreachable).toHaveLength(1); // the demo's lost node; one in a hundred of a sized fleet's
      for (const n of nodes) {
        const seen = now - when(n.last_seen);
        if (n.state === 'Deployed') expect(seen).toBeLessThan(60_000);
        else expect(seen).toBeGreaterThan(60_000); // it stopped answering a while ago
      }
    });
  }

  it('heartbeats: reachable nodes seen over a minute ago report again (GET shows it, no event says it); unreachable ones do not', async () => {
    const backend = fleet('demo');
    const { sim } = backend;
    const turn = () => new Promise((r) => setImmediate(r)); // changes are announced once per object per turn
    sim.clock.past(5 * 60_000, () => heartbeat(sim, 'alice', 0)); // everyone last reported five minutes ago
    await turn();
    const changed: string[] = [];
    const subscription = backend.subscribe((change) => changed.push(change.object.resource_uri));
    heartbeat(sim, 'alice');
    await turn();
    subscription.close();
    const nodes = backend.list('node', 'alice') as unknown as Node[];
    for (const n of nodes) expect(Date.now() - when(n.last_seen) < 60_000).toBe(n.state === 'Deployed');
    const deployed = nodes.filter((n) => n.state === 'Deployed').map((n) => n.resource_uri);
    expect(deployed.length).toBeGreaterThan(0);
    expect(changed.filter((uri) => uri.includes('/node/'))).toEqual([]);
  });
});

describe('large fleets', () => {
  it('a fleet of 10,000 containers fits the namespace quota of nodes, with all its containers', () => {
    const backend = new SimBackend({ seed: 3, speed: 1 });
    backend.populate('alice', 10_000);
    const nodes = backend.list('node', 'alice').length;
    expect(nodes).toBeLessThanOrEqual(MAX_NODES_PER_NAMESPACE);
    expect(nodes).toBeGreaterThan(150);
    expect(backend.list('container', 'alice').length).toBeGreaterThanOrEqual(9_900);
  });
});
