// Background activity at about R events per second: containers crash (and restart as their policy says) or come
// back, services redeploy and scale, nodes stop answering for a while. Every step goes through the same state
// machines as the API's operations, so the state tables and counters hold under churn.
import type { Container, Service } from '../../domain/index.js';
import { boot, exited } from './containers.js';
import { internal, type Sim } from './context.js';
import { healthCheck, loseNode, recoverNode } from './infra.js';
import { pick, randInt } from './random.js';
import { redeployService, scaleService } from './services.js';

const TICK_MS = 100;
const SETTLED = new Set(['Running', 'Partly running']);
const quiet = () => {};

function randomWhere<T>(sim: Sim, items: readonly T[], ok: (item: T) => boolean, tries = 20): T | undefined {
  for (let i = 0; i < tries && items.length > 0; i++) {
    const item = items[Math.floor(sim.rng() * items.length)]!;
    if (ok(item)) return item;
  }
  return undefined;
}

/** One step of activity; returns roughly how many events it will cause (0 when it found nothing to do). */
function step(sim: Sim, namespace: string): number {
  const { world } = sim;
  const settled = (c: Container) => SETTLED.has(world.service(c.service)?.state ?? '');
  const roll = sim.rng();
  if (roll < 0.45) {
    const c = randomWhere(sim, world.containers(namespace), (c) => c.state === 'Running' && settled(c));
    if (!c) return 0;
    exited(sim, c, pick(sim.rng, [0, 1, 1, 2, 137, 139]));
    return c.autorestart === 'OFF' ? 2 : 4;
  }
  if (roll < 0.7) {
    const c = randomWhere(sim, world.containers(namespace), (c) => c.state === 'Stopped' && settled(c));
    if (!c) return 0;
    internal(sim, c.resource_uri).flag = false;
    void boot(sim, c);
    return 3;
  }
  const services = world.services(namespace);
  if (roll < 0.8) {
    const s = randomWhere(sim, services, (s) => s.state === 'Running' && s.current_num_containers <= 4);
    if (!s) return 0;
    void redeployService(sim, namespace, s, quiet);
    return 4 * s.current_num_containers + 3;
  }
  if (roll < 0.95) {
    const s = randomWhere(sim, services, (s: Service) => SETTLED.has(s.state) && s.deployment_strategy !== 'EVERY_NODE');
    if (!s) return 0;
    const target = Math.max(1, Math.min(20, s.target_num_containers + (s.target_num_containers <= 1 || sim.rng() < 0.5 ? 1 : -1)));
    void scaleService(sim, namespace, s, target, quiet);
    return 4;
  }
  const node = randomWhere(sim, world.nodes(namespace), (n) => n.state === 'Deployed');
  if (!node) return 0;
  loseNode(sim, node);
  sim.clock.after(randInt(sim.rng, 5_000, 15_000), () => {
    recoverNode(sim, node);
    if (node.state === 'Unreachable') void healthCheck(sim, node, quiet);
  });
  return 2;
}

/**
 * Starts churn in a namespace; returns the function that stops it. Each tick compares the changes the world really
 * announced with the rate asked for and starts enough steps (by their estimated cost) to make up the difference;
 * steps' effects arrive over the following seconds, so the debt is bounded to one second's worth.
 */
export function startChurn(sim: Sim, namespace: string, eventsPerSecond: number): () => void {
  if (eventsPerSecond <= 0) return () => {};
  let debt = 0;
  let seen = sim.world.changes;
  const perTick = (eventsPerSecond * TICK_MS) / 1000;
  return sim.clock.every(TICK_MS, () => {
    const observed = sim.world.changes - seen;
    seen = sim.world.changes;
    debt = Math.max(-eventsPerSecond, Math.min(eventsPerSecond, debt + perTick - observed));
    let planned = 0;
    for (let attempts = 0; planned < Math.min(debt, 2 * perTick) && attempts < 4 * perTick + 20; attempts++) {
      planned += step(sim, namespace);
    }
  });
}
