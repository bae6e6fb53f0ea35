// A service's state follows its containers as the reference's table says, its target included: Running when all
// its containers run and they are as many as its target, Partly running when some run (also when all of them run
// but one is missing: its node went, or it could not be placed), Stopped when none does. Its counters are its
// containers' at every event, and the state an event announces is the one a fetch right after it returns.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Container, Node, Service } from '../../../src/domain/index.js';
import { ManualTime } from '../../../src/server/sim/clock.js';
import { boot, exited } from '../../../src/server/sim/containers.js';
import { healthCheck, loseNode, recoverNode, terminateSingleNode } from '../../../src/server/sim/infra.js';
import {
  redeployService, scaleService, startService, stopService, updateService,
} from '../../../src/server/sim/services.js';
import { SimBackend } from '../../../src/server/sim/sim-backend.js';
import { serviceProblems } from './service-invariants.js';

const NS = 'demo';
const quiet = () => {};
let time: ManualTime;
let backend: SimBackend;
/** Problems of services at the instant of one of their events. */
let eventProblems: string[];
/** The state each service's last event announced. */
let announced: Map<string, string>;

beforeEach(() => {
  time = new ManualTime();
  backend = new SimBackend({ seed: 21, time });
  backend.populate(NS, 'demo');
  eventProblems = [];
  announced = new Map();
  const { world } = backend.sim;
  for (const svc of world.services(NS)) announced.set(svc.resource_uri, svc.state);
  backend.subscribe((change) => {
    if (change.kind !== 'service') return;
    const svc = change.object as unknown as Service;
    announced.set(svc.resource_uri, svc.state);
    if (svc.state === 'Terminated') return;
    const containers = svc.containers.map((uri) => world.container(uri)).filter((c) => c && c.state !== 'Terminated');
    eventProblems.push(...serviceProblems(svc, containers).map((p) => `event ${svc.state}: ${p}`));
  });
});
afterEach(() => backend.close());

const service = (name: string) => backend.sim.world.services(NS).find((s) => s.name === name)!;
const containersOf = (s: Service) => s.containers.map((uri) => backend.sim.world.container(uri)!);
/** Lets every transition under way end. */
const settle = () => time.advance(30_000);
/** Runs an operation on simulated time to its end. */
async function run<T>(operation: Promise<T>): Promise<T> {
  await settle();
  return operation;
}

/** The service as a fetch after its last event returns it, checked against that event and its containers. */
function fetched(name: string) {
  const svc = backend.getByUri(service(name).resource_uri) as unknown as Service;
  expect(announced.get(svc.resource_uri), `${name}: the last event against the object`).toBe(svc.state);
  expect(serviceProblems(svc, containersOf(svc))).toEqual([]);
  return {
    state: svc.state, target: svc.target_num_containers, current: svc.current_num_containers,
    running: svc.running_num_containers, stopped: svc.stopped_num_containers,
  };
}

describe('service state and counters', () => {
  it('are Partly running while a container is missing from the target (its node terminated), Running once back', async () => {
    await settle();
    const web = service('web');
    expect(fetched('web')).toEqual({ state: 'Running', target: 4, current: 4, running: 4, stopped: 0 });
    const node = backend.sim.world.node(containersOf(web)[0]!.node) as Node;
    await run(terminateSingleNode(backend.sim, node, quiet));
    // 3 of 4: all of its containers run, but not all of its target ("Running 3/4" is what the reviewer saw as wrong).
    expect(fetched('web')).toEqual({ state: 'Partly running', target: 4, current: 3, running: 3, stopped: 0 });
    expect(backend.sim.world.stack(web.stack)!.state).toBe('Partly running');
    await run(scaleService(backend.sim, NS, web, 4, quiet));
    expect(fetched('web')).toEqual({ state: 'Running', target: 4, current: 4, running: 4, stopped: 0 });
    expect(eventProblems).toEqual([]);
  });

  it('are Partly running after a scale that could not place its containers, Running once they are', async () => {
    await settle();
    const wordpress = service('wordpress'); // on the two staging nodes
    const staging = backend.sim.world.nodes(NS).filter((n) => n.tags.some((t) => t.name === 'staging'));
    expect(staging).toHaveLength(2);
    for (const n of staging) loseNode(backend.sim, n);
    expect(await run(scaleService(backend.sim, NS, wordpress, 3, quiet))).toMatch(/No deployed node/);
    expect(fetched('wordpress')).toEqual({ state: 'Partly running', target: 3, current: 2, running: 2, stopped: 0 });
    for (const n of staging) {
      recoverNode(backend.sim, n);
      void healthCheck(backend.sim, n, quiet);
    }
    await settle();
    expect(await run(scaleService(backend.sim, NS, wordpress, 3, quiet))).toBeNull();
    expect(fetched('wordpress')).toEqual({ state: 'Running', target: 3, current: 3, running: 3, stopped: 0 });
    expect(eventProblems).toEqual([]);
  });

  it('announce a new target with the state that goes with it', async () => {
    await settle();
    const cache = service('cache');
    updateService(backend.sim, NS, cache, { target_num_containers: 4 });
    expect(fetched('cache')).toEqual({ state: 'Partly running', target: 4, current: 2, running: 2, stopped: 0 });
    await run(scaleService(backend.sim, NS, cache, 4, quiet));
    expect(fetched('cache')).toEqual({ state: 'Running', target: 4, current: 4, running: 4, stopped: 0 });
    // More containers than the target, all running: every container of the target runs.
    updateService(backend.sim, NS, cache, { target_num_containers: 1 });
    expect(fetched('cache')).toMatchObject({ state: 'Running', target: 1, current: 4, running: 4 });
    await run(scaleService(backend.sim, NS, cache, 1, quiet));
    expect(fetched('cache')).toEqual({ state: 'Running', target: 1, current: 1, running: 1, stopped: 0 });
    expect(eventProblems).toEqual([]);
  });

  it('agree with the containers in every event through crashes, restarts, stops, starts and redeploys', async () => {
    await settle();
    const api = service('api');
    const [first, second] = containersOf(api) as [Container, Container];
    exited(backend.sim, first, 1); // ON_FAILURE: restarts
    expect(fetched('api')).toMatchObject({ state: 'Partly running', current: 6, running: 5, stopped: 1 });
    await settle();
    expect(fetched('api')).toMatchObject({ state: 'Running', running: 6 });
    const worker = service('worker'); // OFF; the demo has one of its four down
    expect(fetched('worker')).toMatchObject({ state: 'Partly running', running: 3, stopped: 1 });
    await run(stopService(backend.sim, worker, quiet));
    expect(fetched('worker')).toEqual({ state: 'Stopped', target: 4, current: 4, running: 0, stopped: 4 });
    await run(startService(backend.sim, NS, worker, quiet));
    expect(fetched('worker')).toEqual({ state: 'Running', target: 4, current: 4, running: 4, stopped: 0 });
    exited(backend.sim, second, 0); // ON_FAILURE after a clean exit: stays down
    await run(redeployService(backend.sim, NS, api, quiet));
    expect(fetched('api')).toEqual({ state: 'Running', target: 6, current: 6, running: 6, stopped: 0 });
    const lone = containersOf(service('grafana'))[0]!;
    exited(backend.sim, lone, 137);
    expect(fetched('grafana')).toMatchObject({ state: 'Stopped', running: 0, stopped: 1 });
    void boot(backend.sim, lone);
    await settle();
    expect(fetched('grafana')).toMatchObject({ state: 'Running', running: 1 });
    expect(eventProblems).toEqual([]);
  });
});
