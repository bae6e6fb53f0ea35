// The store against the real server: it mirrors the fleet, follows changes live, coalesces re-fetches, caps its
// snapshot rate, and resyncs after the API went away and came back with changes.
import { afterEach, describe, expect, it } from 'vitest';
import type { DockerCloudClient } from '../../src/api/client.js';
import type { Container, Service } from '../../src/domain/index.js';
import { FleetStore, type StoreOptions } from '../../src/store/fleet-store.js';
import { STORE_KINDS, type Snapshot } from '../../src/store/snapshot.js';
import { clientFor } from '../helpers/client.js';
import { eventually, findOne, settled, startTestServer, type TestServer } from '../helpers/server.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function setup(fleet: Parameters<typeof startTestServer>[0] = {}, options: StoreOptions = {}, user = 'alice') {
  const t = await startTestServer({ fleet: 'demo', ...fleet });
  cleanup.push(() => t.close());
  const client: DockerCloudClient = await clientFor(t, user);
  cleanup.push(() => client.close());
  const store = new FleetStore(client, { maxFps: 50, batchDelayMs: 10, ...options });
  cleanup.push(() => store.close());
  return { t, client, store };
}

/** The server's truth, straight from the backend, in the store's shape. */
function truth(t: TestServer): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const kind of STORE_KINDS) {
    if (kind === 'action') continue;
    out[kind] = Object.fromEntries(t.backend.list(kind, 'alice').map((o) => [o.resource_uri, structuredClone(o)]));
  }
  return out;
}

function mirror(snapshot: Snapshot): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const kind of STORE_KINDS) {
    if (kind === 'action') continue;
    out[kind] = Object.fromEntries([...snapshot.objects[kind]].map(([uri, o]) => [uri, structuredClone(o)]));
  }
  return out;
}

/** JSON with object keys sorted, so that two equal states compare equal whatever order they were built in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** Every object where the store and the server disagree, described. */
function differences(t: TestServer, store: FleetStore): string[] {
  const [have, want] = [mirror(store.getSnapshot()), truth(t)];
  const diffs: string[] = [];
  for (const kind of Object.keys(want)) {
    for (const uri of new Set([...Object.keys(have[kind] ?? {}), ...Object.keys(want[kind]!)])) {
      const a = canonical(have[kind]?.[uri]);
      const b = canonical(want[kind]![uri]);
      if (a !== b) diffs.push(`${kind} ${uri}: store ${a?.slice(0, 300)} ≠ server ${b?.slice(0, 300)}`);
    }
  }
  // What the store keeps alongside, as it goes, agrees with its objects.
  const snapshot = store.getSnapshot();
  const states: Record<string, number> = {};
  for (const c of snapshot.objects.container.values()) states[c.state] = (states[c.state] ?? 0) + 1;
  if (canonical(states) !== canonical(snapshot.containerStates)) {
    diffs.push(`containerStates ${canonical(snapshot.containerStates)} ≠ counted ${canonical(states)}`);
  }
  const terminated = STORE_KINDS.flatMap((kind) => [...snapshot.objects[kind].values()])
    .filter((o) => (o as { state?: string }).state === 'Terminated').map((o) => o.resource_uri).sort();
  if (canonical(terminated) !== canonical([...snapshot.terminatedAt.keys()].sort())) diffs.push('terminatedAt ≠ the terminated objects');
  return diffs;
}

/** Waits until the store equals the server (what it converges to once the events settled). Order does not matter:
 * the store keeps objects in the order their events arrived, the server in the order it made them. */
async function converged(t: TestServer, store: FleetStore): Promise<void> {
  try {
    await eventually(() => differences(t, store).length === 0, 20000, 'store = server');
  } catch (error) {
    // Say what differs: a failure here must be diagnosable from the log alone.
    const diffs = differences(t, store);
    throw new Error(`${(error as Error).message}; ${diffs.length} differences, e.g.:\n${diffs.slice(0, 3).join('\n')}`);
  }
}

describe('the store', () => {
  it('starts with a complete snapshot equal to the server, with relationship indexes', async () => {
    const { t, store } = await setup({ fleet: 'demo' });
    const snapshot = await store.start();
    expect(snapshot.complete).toBe(true);
    expect(snapshot.stale).toBe(false);
    expect(snapshot.health.state).toBe('live');
    expect(mirror(snapshot)).toEqual(truth(t));
    const web = [...snapshot.objects.service.values()].find((s) => s.name === 'web')!;
    expect([...(snapshot.indexes.containersOfService.get(web.resource_uri) ?? [])].sort()).toEqual([...web.containers].sort());
    const cluster = [...snapshot.objects.nodecluster.values()][0]!;
    expect(snapshot.indexes.nodesOfCluster.get(cluster.resource_uri)).toHaveLength(cluster.nodes.length);
    const node = [...snapshot.objects.node.values()].find((n) => n.current_num_containers > 0)!;
    expect(snapshot.indexes.containersOfNode.get(node.resource_uri)).toHaveLength(node.current_num_containers);
    const shop = [...snapshot.objects.stack.values()].find((s) => s.name === 'shop')!;
    expect(snapshot.indexes.servicesOfStack.get(shop.resource_uri)).toHaveLength(shop.services.length);
    expect(Object.isFrozen(snapshot) && Object.isFrozen(web)).toBe(true);
  });

  it('follows live changes: the new state at once, then the fetched object and its counters', async () => {
    const { t, client, store } = await setup();
    await store.start();
    const svc = (await client.create('service', { image: 'nginx', name: 'live', target_num_containers: 2 })).object;
    await eventually(() => store.getSnapshot().objects.service.has(svc.resource_uri), 5000, 'created service');
    const seen = new Set<string>();
    store.subscribe((s) => {
      const state = s.objects.service.get(svc.resource_uri)?.state;
      if (state) seen.add(state);
    });
    await client.operate(svc.resource_uri, 'start');
    await eventually(() => store.getSnapshot().objects.service.get(svc.resource_uri)?.running_num_containers === 2, 5000, 'running');
    expect(seen.has('Starting')).toBe(true);
    const snapshot = store.getSnapshot();
    const mine = snapshot.indexes.containersOfService.get(svc.resource_uri) ?? [];
    expect(mine).toHaveLength(2);
    expect(mine.every((uri) => snapshot.objects.container.get(uri)?.state === 'Running')).toBe(true);
    expect([...snapshot.objects.action.values()].some((a) => a.object === svc.resource_uri && a.action === 'Service Start')).toBe(true);
    await converged(t, store);
  });

  // The fetch path (APIs whose events carry only the state).
  it('coalesces: 1,000 events on one object cause a handful of fetches', async () => {
    const { t, store } = await setup({ plainEvents: true });
    await store.start();
    const container = t.backend.list('container', 'alice')[0]!;
    const before = store.stats.fetches;
    const eventsBefore = store.stats.events;
    for (let i = 0; i < 1000; i++) t.backend.sim.world.emit(container.resource_uri);
    await eventually(() => store.stats.events - eventsBefore >= 1000, 5000, '1,000 events');
    await new Promise((r) => setTimeout(r, 100));
    const fetches = store.stats.fetches - before;
    expect(fetches).toBeGreaterThan(0);
    expect(fetches).toBeLessThanOrEqual(10); // the container and its service and node, a few times at most
  });

  it('fetches the containers of one service that changed together with one listing', async () => {
    const { t, client, store } = await setup({ plainEvents: true });
    await store.start();
    const api = t.backend.list('service', 'alice').find((s) => s['name'] === 'api') as unknown as Service;
    const before = store.stats.fetches;
    const listings: string[] = [];
    const realListAll = client.listAll.bind(client);
    client.listAll = ((kind: Parameters<typeof realListAll>[0], filters?: Parameters<typeof realListAll>[1]) => {
      listings.push(`${kind} ${JSON.stringify(filters ?? {})}`);
      return realListAll(kind, filters);
    }) as typeof client.listAll;
    for (const uri of api.containers) t.backend.sim.world.emit(uri);
    await eventually(() => store.stats.fetches - before >= 2 && listings.length > 0, 5000, 'fetched');
    await new Promise((r) => setTimeout(r, 100));
    expect(api.containers.length).toBeGreaterThanOrEqual(3);
    expect(listings).toEqual([`container ${JSON.stringify({ service: api.resource_uri })}`]);
    expect(store.stats.fetches - before).toBe(2); // the listing, and the service (its counters)
    await converged(t, store);
  });

  it('caps snapshots at maxFps under churn, never one per event', async () => {
    const { t, store } = await setup({ fleet: 400, seed: 5 }, { maxFps: 10 });
    await store.start();
    const times: number[] = [];
    store.subscribe(() => times.push(Date.now()));
    const events0 = store.stats.events;
    t.backend.startChurn('alice', 500);
    await new Promise((r) => setTimeout(r, 1500));
    t.backend.startChurn('alice', 0);
    const events = store.stats.events - events0;
    expect(events).toBeGreaterThan(300);
    expect(times.length).toBeLessThanOrEqual(16); // 10 a second over 1.5 s, plus the edges
    // 100 ms apart, give or take the timer jitter of a loaded machine.
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(90);
    await converged(t, store);
  });

  it('resyncs after the API went away and came back changed, and says it was stale meanwhile', async () => {
    const { t, client, store } = await setup();
    await store.start();
    const port = t.server.port;
    await t.server.stopListening();
    await eventually(() => store.getSnapshot().stale && store.getSnapshot().health.state === 'reconnecting', 5000, 'stale');
    const staleSince = store.getSnapshot().staleSince!;
    expect(staleSince).toBeLessThanOrEqual(Date.now());
    // Changes while the client cannot see them.
    const sim = t.backend.sim;
    const web = t.backend.list('service', 'alice').find((s) => s['name'] === 'web') as unknown as Service;
    const { stopService, createService } = await import('../../src/server/sim/services.js');
    const { parseServiceCreate } = await import('../../src/server/inputs.js');
    void stopService(sim, web, () => {});
    const fresh = createService(sim, 'alice', parseServiceCreate({ image: 'redis', name: 'while-away' }), null);
    await eventually(() => web.state === 'Stopped', 5000, 'web stopped on the server');
    await t.server.listen(port, '127.0.0.1');
    await eventually(() => !store.getSnapshot().stale, 10000, 'fresh again');
    expect(store.stats.relists).toBe(2);
    const snapshot = store.getSnapshot();
    expect(snapshot.objects.service.get(web.resource_uri)?.state).toBe('Stopped');
    expect(snapshot.objects.service.has(fresh.resource_uri)).toBe(true);
    await converged(t, store);
    void client;
  });

  it('mirrors the fleet exactly through churn, a disconnect and a restart', async () => {
    const { t, store } = await setup({ fleet: 300, seed: 11, speed: 20 });
    await store.start();
    const port = t.server.port;
    t.backend.startChurn('alice', 300);
    await new Promise((r) => setTimeout(r, 700));
    await t.server.stopListening(); // churn goes on while the client cannot see it
    await new Promise((r) => setTimeout(r, 700));
    await t.server.listen(port, '127.0.0.1');
    await new Promise((r) => setTimeout(r, 700));
    t.backend.startChurn('alice', 0);
    await converged(t, store);
    expect(store.stats.relists).toBe(2);
  });

  /** 1.5 s of churn at 400 events/s on a started store, until it agrees with the server: events and fetches it took. */
  async function churned(plainEvents: boolean): Promise<{ events: number; fetches: number }> {
    const { t, store } = await setup({ fleet: 400, seed: 5, plainEvents });
    await store.start();
    const [events0, fetches0] = [store.stats.events, store.stats.fetches];
    t.backend.startChurn('alice', 400);
    await new Promise((r) => setTimeout(r, 1500));
    t.backend.startChurn('alice', 0);
    await converged(t, store);
    return { events: store.stats.events - events0, fetches: store.stats.fetches - fetches0 };
  }

  it('with events that carry their object (dctop serve), churn costs almost no GETs, and the mirror stays exact', async () => {
    const { events, fetches } = await churned(false);
    expect(events).toBeGreaterThan(300);
    expect(fetches / events).toBeLessThan(0.05); // was about one GET per event
  });

  it('against an API whose events carry only the state, it confirms by fetching, and is exact too', async () => {
    const { events, fetches } = await churned(true);
    expect(fetches).toBeGreaterThan(events / 10);
  });

  it('does not bring back an object whose delete event came while its fetch was under way', async () => {
    const { t, client, store } = await setup({ plainEvents: true }, { batchDelayMs: 0 });
    await store.start();
    const svc = (await client.create('service', { image: 'nginx', name: 'deleted-in-flight' })).object;
    await eventually(() => store.getSnapshot().objects.service.has(svc.resource_uri), 5000);
    // Hold the answer of the next fetch of it until the server has deleted it and said so.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let fetched = false;
    const realFetch = client.fetch.bind(client);
    client.fetch = (async (uri: string) => {
      const answer = await realFetch(uri);
      if (uri === svc.resource_uri) {
        fetched = true;
        await held;
      }
      return answer;
    }) as typeof client.fetch;
    t.backend.sim.world.emit(svc.resource_uri); // an update: the store fetches it
    await eventually(() => fetched, 5000, 'the fetch under way');
    t.backend.sim.world.remove(svc.resource_uri); // the delete event
    await eventually(() => !store.getSnapshot().objects.service.has(svc.resource_uri), 5000, 'removed');
    release();
    await new Promise((r) => setTimeout(r, 200));
    expect(store.getSnapshot().objects.service.has(svc.resource_uri)).toBe(false);
  });

  it('marks terminated objects, then lets them go', async () => {
    const { client, store } = await setup({}, { terminatedRetentionMs: 400 });
    await store.start();
    const svc = (await client.create('service', { image: 'nginx', name: 'short-lived' })).object;
    await client.operate(svc.resource_uri, 'start');
    await eventually(() => store.getSnapshot().objects.service.get(svc.resource_uri)?.state === 'Running', 5000);
    const container = store.getSnapshot().indexes.containersOfService.get(svc.resource_uri)![0]!;
    await client.terminate(container);
    await eventually(() => store.getSnapshot().terminatedAt.has(container), 5000, 'marked terminated');
    expect((store.getSnapshot().objects.container.get(container) as Container).state).toBe('Terminated');
    await eventually(() => !store.getSnapshot().objects.container.has(container), 5000, 'gone');
  });

  it('keeps actions in the order they happened, whether listed (the API: newest first) or arriving live', async () => {
    const { t, client, store } = await setup();
    for (const name of ['web-1', 'web-2', 'web-3']) {
      const c = await findOne(t, `/api/app/v1/container/?name=${name}`);
      await settled(t, (await t.api('POST', `${c.resource_uri}stop/`)).headers.get('x-dockercloud-action-uri')!);
    }
    await store.start();
    const listed = (await t.api('GET', '/api/audit/v1/action/')).body.objects.map((a: { uuid: string }) => a.uuid);
    expect([...store.getSnapshot().objects.action.values()].map((a) => a.uuid)).toEqual([...listed].reverse());
    const c = await findOne(t, '/api/app/v1/container/?name=web-1');
    const live = (await client.operate(c.resource_uri, 'start')).actionUri!;
    await eventually(() => store.getSnapshot().objects.action.has(live), 5000, 'the new action');
    expect([...store.getSnapshot().objects.action.keys()].at(-1)).toBe(live);
  });

  it('sends no snapshots while nothing happens', async () => {
    const { store } = await setup();
    await store.start();
    await new Promise((r) => setTimeout(r, 300));
    const before = store.stats.snapshots;
    await new Promise((r) => setTimeout(r, 2200)); // two turns of the events-per-second window
    expect(store.stats.snapshots).toBe(before);
  });

  it('reports an authentication failure (start() rejects with it), and keeps trying, slowly', async () => {
    const { store } = await setup({}, {}, 'mallory');
    await expect(store.start()).rejects.toThrow(/refused the credentials of user mallory/);
    expect(store.getSnapshot().health).toMatchObject({ state: 'auth_failed', attempt: 1, delayMs: 60_000 });
  });
});
