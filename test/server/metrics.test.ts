// Live resource metrics (dctop's extension of the Stream API) over real sockets, on the sim backend: subscribing,
// changing the set, frames that stop, tenants apart, refusals, aggregates, and the sim's model itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import type { Container, MetricsFrame, Node, Service } from '../../src/domain/index.js';
import type { Backend } from '../../src/server/backend.js';
import { ManualTime } from '../../src/server/sim/clock.js';
import { SimBackend } from '../../src/server/sim/sim-backend.js';
import { collect, eventually, openSocket, serve, startTestServer, testAccounts, type TestServer } from '../helpers/server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ fleet: 'demo' });
  t.backend.populate('bob', 'demo');
});
afterAll(() => t.close());

const path = (ns = '', query = '?interval=1') => `/api/dctop/v1/${ns ? `${ns}/` : ''}metrics/${query}`;
const frames = (ws: WebSocket) => collect(ws).frames as MetricsFrame[];
const subscribe = (ws: WebSocket, uris: string[]) => ws.send(JSON.stringify({ subscribe: uris }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function nextFrame(ws: WebSocket, after = frames(ws).length): Promise<MetricsFrame> {
  return (await eventually(() => frames(ws)[after], 8000, 'a metrics frame'))!;
}

function running(namespace: string): Container[] {
  return t.backend.sim.world.containers(namespace).filter((c) => c.state === 'Running');
}

describe('the metrics socket', () => {
  it('sends a frame at once after a subscribe, then one per interval, with every field of the protocol', async () => {
    const ws = await openSocket(t.wsUrl + path());
    try {
      await sleep(300);
      expect(frames(ws)).toEqual([]); // nothing subscribed, nothing sent
      const [a, b] = running('alice');
      subscribe(ws, [a!.resource_uri, b!.resource_uri]);
      const first = await nextFrame(ws, 0);
      expect(first.type).toBe('metrics');
      expect(first.interval).toBe(1);
      expect(Number.isNaN(Date.parse(first.datetime))).toBe(false);
      expect(Object.keys(first.metrics).sort()).toEqual([a!.resource_uri, b!.resource_uri].sort());
      expect(first.unavailable).toEqual({});
      const m = first.metrics[a!.resource_uri]!;
      expect(Object.keys(m).sort()).toEqual(['block_read_bps', 'block_write_bps', 'containers', 'cpu_limit_percent', 'cpu_percent',
        'memory_bytes', 'memory_limit_bytes', 'net_rx_bps', 'net_tx_bps'].sort());
      expect(m.containers).toBe(1);
      expect(m.cpu_percent).toBeGreaterThan(0);
      expect(m.memory_bytes).toBeGreaterThan(0);
      await nextFrame(ws, 2); // and it goes on
      // The set is replaced: only the new URI from now on.
      subscribe(ws, [b!.resource_uri]);
      await sleep(100);
      const after = frames(ws).length;
      const next = await nextFrame(ws, after);
      expect(Object.keys(next.metrics)).toEqual([b!.resource_uri]);
    } finally {
      ws.close();
    }
  });

  it('stops frames and sampling after an empty subscribe, and after the socket closes', async () => {
    const hub = t.server.metrics;
    const ws = await openSocket(t.wsUrl + path());
    const [c] = running('alice');
    subscribe(ws, [c!.resource_uri]);
    await nextFrame(ws, 1);
    expect(hub.active).toBe(true);
    subscribe(ws, []);
    await sleep(200);
    const calls = hub.sampleCalls;
    const count = frames(ws).length;
    await sleep(2500);
    expect(frames(ws).length).toBe(count);
    expect(hub.sampleCalls).toBe(calls);
    expect(hub.active).toBe(false);
    // Again, then closed: the sampling stops with it.
    subscribe(ws, [c!.resource_uri]);
    await nextFrame(ws, count);
    expect(hub.active).toBe(true);
    ws.close();
    await collect(ws).closed;
    await eventually(() => !hub.active, 3000, 'sampling to stop');
    const closedCalls = hub.sampleCalls;
    await sleep(2500);
    expect(hub.sampleCalls).toBe(closedCalls);
  });

  it('samples shared containers once per tick for two sockets of the same interval', async () => {
    const source = t.backend.metrics;
    const asked: string[][] = [];
    const original = source.sampleContainers.bind(source);
    source.sampleContainers = (ns, uuids) => {
      asked.push([...uuids]);
      return original(ns, uuids);
    };
    const [x, y] = await Promise.all([openSocket(t.wsUrl + path('', '?interval=2')), openSocket(t.wsUrl + path('', '?interval=2'))]);
    try {
      const [c, d] = running('alice');
      subscribe(x, [c!.resource_uri, d!.resource_uri]);
      subscribe(y, [c!.resource_uri]);
      await Promise.all([nextFrame(x, 2), nextFrame(y, 2)]);
      // The first frames were each socket's own; every tick after samples the union once.
      const ticks = asked.slice(2);
      expect(ticks.length).toBeGreaterThan(0);
      for (const uuids of ticks) expect(uuids.sort()).toEqual([c!.uuid, d!.uuid].sort());
      expect(ticks.length).toBeLessThanOrEqual(Math.max(frames(x).length, frames(y).length));
    } finally {
      source.sampleContainers = original;
      x.close();
      y.close();
    }
  });

  it('sums services and nodes over their running containers', async () => {
    const world = t.backend.sim.world;
    const service = world.services('alice').find((s) => s.running_num_containers >= 2) as Service;
    const node = world.nodes('alice').find((n) => running('alice').some((c) => c.node === n.resource_uri)) as Node;
    const ofService = running('alice').filter((c) => c.service === service.resource_uri);
    const ofNode = running('alice').filter((c) => c.node === node.resource_uri);
    const ws = await openSocket(t.wsUrl + path());
    try {
      subscribe(ws, [service.resource_uri, node.resource_uri, ...new Set([...ofService, ...ofNode].map((c) => c.resource_uri))]);
      const frame = await nextFrame(ws, 0);
      const check = (uri: string, members: Container[]) => {
        const total = frame.metrics[uri]!;
        expect(total.containers).toBe(members.length);
        const parts = members.map((c) => frame.metrics[c.resource_uri]!);
        for (const field of ['cpu_percent', 'memory_bytes', 'net_rx_bps', 'net_tx_bps', 'block_read_bps', 'block_write_bps'] as const) {
          const sum = parts.reduce((acc, p) => acc + p[field]!, 0);
          expect(Math.abs(total[field]! - sum), field).toBeLessThanOrEqual(members.length);
        }
      };
      check(service.resource_uri, ofService);
      check(node.resource_uri, ofNode);
      const n = frame.metrics[node.resource_uri]!;
      expect(n.memory_limit_bytes).toBe(node.memory * 2 ** 20);
      expect(n.cpu_limit_percent).toBeCloseTo(n.cpu_percent! / node.cpu, 1);
    } finally {
      ws.close();
    }
  });

  it("keeps tenants apart: bob's objects are not found to alice, exactly as unknown ones; alice's namespace socket sees her own", async () => {
    const bobs = running('bob')[0]!;
    const bobService = t.backend.sim.world.services('bob')[0]!;
    const unknown = bobs.resource_uri.replace(bobs.uuid, '00000000-0000-4000-8000-000000000000');
    const mine = running('alice')[0]!;
    const ws = await openSocket(t.wsUrl + path());
    try {
      // Also alice's own URI with bob's UUID, and garbage.
      const spoof = mine.resource_uri.replace(mine.uuid, bobs.uuid);
      subscribe(ws, [bobs.resource_uri, bobService.resource_uri, unknown, spoof, 'nonsense', mine.resource_uri]);
      const frame = await nextFrame(ws, 0);
      expect(Object.keys(frame.metrics)).toEqual([mine.resource_uri]);
      expect(frame.unavailable).toEqual({
        [bobs.resource_uri]: 'not found', [bobService.resource_uri]: 'not found', [unknown]: 'not found', [spoof]: 'not found', nonsense: 'not found',
      });
    } finally {
      ws.close();
    }
    // bob's socket measures his own; a namespace neither is in is a 404 on the handshake (acme is alice's and bob's).
    const bob = await openSocket(t.wsUrl + path('bob'), 'bob');
    try {
      subscribe(bob, [bobs.resource_uri, mine.resource_uri]);
      const frame = await nextFrame(bob, 0);
      expect(Object.keys(frame.metrics)).toEqual([bobs.resource_uri]);
      expect(frame.unavailable).toEqual({ [mine.resource_uri]: 'not found' });
    } finally {
      bob.close();
    }
    await expect(openSocket(t.wsUrl + path('alice'), 'bob')).rejects.toMatchObject({ status: 404 });
    await expect(openSocket(t.wsUrl + path('bob'), 'carol')).rejects.toMatchObject({ status: 404 });
    await expect(openSocket(t.wsUrl + path(), null)).rejects.toMatchObject({ status: 401 });
    await (await openSocket(t.wsUrl + path('acme'), 'bob')).close();
  });

  it('refuses a bad interval on the handshake with a 400 that says why', async () => {
    for (const bad of ['0', '61', 'abc', '1.5', '-2', '']) {
      await expect(openSocket(t.wsUrl + path('', `?interval=${bad}`))).rejects.toMatchObject({ status: 400 });
    }
    // The default interval is 2 s.
    const ws = await openSocket(t.wsUrl + path('', ''));
    subscribe(ws, [running('alice')[0]!.resource_uri]);
    expect((await nextFrame(ws, 0)).interval).toBe(2);
    ws.close();
  });

  it('closes the socket (1008, with the reason) on a malformed message or too many URIs, and goes on serving others', async () => {
    const cases: [string, RegExp][] = [
      ['not json', /not JSON/],
      ['{"subscribe": "x"}', /subscribe/],
      ['{"subscribe": [1, 2]}', /subscribe/],
      ['null', /subscribe/],
      [JSON.stringify({ subscribe: Array.from({ length: 2001 }, (_, i) => `/api/app/v1/container/${i}/`) }), /at most 2000/],
    ];
    for (const [message, reason] of cases) {
      const ws = await openSocket(t.wsUrl + path());
      ws.send(message);
      const closed = await collect(ws).closed;
      expect(closed.code, message.slice(0, 30)).toBe(1008);
      expect(closed.reason).toMatch(reason);
    }
    // 2,000 is fine.
    const ws = await openSocket(t.wsUrl + path());
    const c = running('alice')[0]!;
    subscribe(ws, [c.resource_uri, ...Array.from({ length: 1999 }, (_, i) => `/api/app/v1/alice/container/${i}/`)]);
    const frame = await nextFrame(ws, 0);
    expect(Object.keys(frame.unavailable)).toHaveLength(1999);
    expect(frame.metrics[c.resource_uri]).toBeDefined();
    ws.close();
  });

  it('says every URI is unavailable, and why, on a backend without metrics', async () => {
    const sim = new SimBackend({ seed: 1 });
    sim.populate('alice', 'demo');
    const bare: Backend = Object.create(sim, { metrics: { value: undefined } });
    const served = await serve(bare, testAccounts());
    try {
      const ws = await openSocket(served.wsUrl + path());
      const c = sim.sim.world.containers('alice').find((x) => x.state === 'Running')!;
      subscribe(ws, [c.resource_uri, '/api/app/v1/alice/container/nope/']);
      const frame = await nextFrame(ws, 0);
      expect(frame.metrics).toEqual({});
      expect(frame.unavailable[c.resource_uri]).toMatch(/backend has no metrics/);
      expect(frame.unavailable['/api/app/v1/alice/container/nope/']).toBe('not found');
      ws.close();
    } finally {
      await served.close();
    }
  });

  it('reports a stopped container as using nothing (containers: 0)', async () => {
    const c = running('alice').at(-1)!;
    const stop = await t.api('POST', `${c.resource_uri}stop/`);
    expect(stop.status).toBeLessThan(300);
    await eventually(() => t.backend.sim.world.container(c.resource_uri)?.state === 'Stopped', 8000, 'the stop');
    const ws = await openSocket(t.wsUrl + path());
    subscribe(ws, [c.resource_uri]);
    const m = (await nextFrame(ws, 0)).metrics[c.resource_uri]!;
    expect(m).toMatchObject({ containers: 0, cpu_percent: 0, memory_bytes: 0 });
    ws.close();
  });
});

describe("the sim's usage model", () => {
  const fleet = (seed: number, size: number | 'demo', time = new ManualTime()) => {
    const b = new SimBackend({ seed, time });
    b.populate('alice', size);
    return { b, time };
  };
  const byName = (b: SimBackend) => {
    const cs = b.sim.world.containers('alice').filter((c) => c.state === 'Running');
    const samples = b.metrics.sampleNow('alice', cs.map((c) => c.uuid));
    return Object.fromEntries(cs.map((c) => [c.name, samples.get(c.uuid)]));
  };

  it('has nothing of the containers of a node that stopped answering, and says so', async () => {
    const { b } = fleet(7, 'demo');
    const running = b.sim.world.containers('alice').filter((c) => c.state === 'Running');
    const lost = running.find((c) => b.sim.world.node(c.node!)?.state === 'Unreachable');
    const fine = running.find((c) => b.sim.world.node(c.node!)?.state === 'Deployed');
    expect(lost, 'the demo fleet has a node that stopped answering').toBeDefined();
    const samples = b.metrics.sampleNow('alice', [lost!.uuid, fine!.uuid]);
    expect(samples.get(lost!.uuid)).toEqual({ unavailable: 'its node is unreachable' });
    expect(samples.get(fine!.uuid)).not.toHaveProperty('unavailable');
    await b.close();
  });

  it('is reproducible with the same seed, and differs with another', async () => {
    const one = fleet(7, 'demo');
    const two = fleet(7, 'demo');
    const other = fleet(8, 'demo');
    for (const x of [one, two, other]) x.time.advance(90_000);
    expect(byName(one.b)).toEqual(byName(two.b));
    expect(byName(one.b)).not.toEqual(byName(other.b));
    await Promise.all([one.b.close(), two.b.close(), other.b.close()]);
  });

  it('never makes a node busier than its cores and memory, and follows images: web waves, databases steady, workers bursting', async () => {
    const { b, time } = fleet(3, 2000);
    const world = b.sim.world;
    const cpuOf = new Map<string, number[]>();
    for (let step = 0; step < 40; step++) {
      await time.advance(15_000);
      const cs = world.containers('alice').filter((c) => c.state === 'Running');
      const samples = b.metrics.sampleNow('alice', cs.map((c) => c.uuid));
      const perNode = new Map<string, { cpu: number; memory: number }>();
      for (const c of cs) {
        const s = samples.get(c.uuid)!;
        if ('unavailable' in s) throw new Error(s.unavailable);
        const n = perNode.get(c.node!) ?? { cpu: 0, memory: 0 };
        n.cpu += s.cpuPercent!;
        n.memory += s.memoryBytes!;
        perNode.set(c.node!, n);
        const list = cpuOf.get(c.name) ?? [];
        list.push(s.cpuPercent!);
        cpuOf.set(c.name, list);
      }
      for (const [uri, used] of perNode) {
        const node = world.node(uri)!;
        expect(used.cpu).toBeLessThanOrEqual(node.cpu * 100);
        expect(used.memory).toBeLessThanOrEqual(node.memory * 2 ** 20);
      }
    }
    const spread = (image: RegExp) => {
      const names = world.containers('alice').filter((c) => image.test(c.image_name)).map((c) => c.name);
      const ratios = names.map((n) => cpuOf.get(n)).filter((l): l is number[] => !!l && l.length === 40)
        .map((l) => Math.max(...l) / Math.max(1e-9, Math.min(...l)));
      return ratios.sort((x, y) => x - y)[Math.floor(ratios.length / 2)]!;
    };
    // Over ten minutes, a web server's CPU moves with its traffic several-fold; a database's stays within a band.
    expect(spread(/nginx|haproxy|apache|httpd/)).toBeGreaterThan(3);
    expect(spread(/mysql|postgres|redis|mongo/)).toBeLessThan(2);
    await b.close();
  });

  it('grows the memory of a leaking container towards its ceiling, and churn crashes such containers first (OOM-killed)', async () => {
    const { b, time } = fleet(11, 1000);
    const world = b.sim.world;
    await time.advance(20 * 60_000);
    const memory = (c: Container) => (b.metrics.sampleNow('alice', [c.uuid]).get(c.uuid) as { memoryBytes: number }).memoryBytes;
    const climbing = world.containers('alice').filter((c) => b.metrics.leak(c) > 0.05 && b.metrics.leak(c) < 0.5);
    expect(climbing.length).toBeGreaterThan(0);
    const before = climbing.map(memory);
    await time.advance(90_000);
    // Together they grew (one already near its ceiling grows little), and none fell back.
    const after = climbing.map(memory);
    expect(after.reduce((x, y) => x + y, 0)).toBeGreaterThan(before.reduce((x, y) => x + y, 0) * 1.1);
    for (const [i, m] of after.entries()) expect(m).toBeGreaterThan(before[i]! * 0.97);
    // Churn: the containers at their ceiling go first, with 137.
    const leakers = new Set(world.containers('alice').filter((c) => b.metrics.leak(c) > 0.9).map((c) => c.resource_uri));
    expect(leakers.size).toBeGreaterThan(0);
    const crashes: { leaked: boolean; code: number | null }[] = [];
    world.subscribe((change) => {
      const x = change.object as unknown as Container;
      if (change.kind === 'container' && x.state === 'Stopped') crashes.push({ leaked: leakers.has(x.resource_uri), code: x.exit_code });
    });
    b.startChurn('alice', 5);
    await time.advance(60_000);
    const ooms = crashes.filter((x) => x.leaked);
    expect(ooms.length).toBeGreaterThan(0);
    expect(ooms.filter((x) => x.code === 137).length).toBeGreaterThanOrEqual(ooms.length * 0.5);
    // Far more often than their share of the fleet: crashes follow memory.
    const fleetShare = leakers.size / world.containers('alice').length;
    expect(ooms.length / crashes.length).toBeGreaterThan(5 * fleetShare);
    await b.close();
  });
});
