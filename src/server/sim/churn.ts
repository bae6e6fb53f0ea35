// Background activity at about R events per second, the way a fleet in production has it: containers crash and
// come back, services get redeployed and scaled, nodes stop answering for a while. It is a steady state, not a
// decay: a crashed container restarts as its policy says (ALWAYS, or ON_FAILURE after a non-zero exit: Stopped →
// Starting → Running, sooner or later by Docker's doubling delay), and the others are brought back by the
// simulated operators, who notice a down container within minutes and start or redeploy it. Every step goes
// through the same state machines as the API's operations, so the state tables, counters and events hold.
import type { Container, Service } from '../../domain/index.js';
import { boot, exited, redeployInPlace, restartsOnExit } from './containers.js';
import { internal, type Sim } from './context.js';
import { healthCheck, loseNode, recoverNode } from './infra.js';
import { pick, randInt } from './random.js';
import { redeployService, scaleService } from './services.js';

const TICK_MS = 100;
/** Services not in the middle of an operation: the only ones churn touches. */
const SETTLED = new Set(['Running', 'Partly running']);
const quiet = () => {};
const SECOND = 1_000;

/** How soon an operator notices a container that is down and stays down, in simulated time. */
const NOTICE_MS: readonly [number, number] = [15 * SECOND, 90 * SECOND];
/** How long a node stays unreachable. */
const OUTAGE_MS: readonly [number, number] = [5 * SECOND, 15 * SECOND];
/** The share of crashes that are a crash loop: the container crashes again after each restart, a few times. */
const CRASH_LOOP = 0.15;
const EXIT_CODES = [0, 1, 1, 2, 137, 139] as const;

function randomWhere<T>(sim: Sim, items: readonly T[], ok: (item: T) => boolean, tries = 20): T | undefined {
  for (let i = 0; i < tries && items.length > 0; i++) {
    const item = items[Math.floor(sim.rng() * items.length)]!;
    if (ok(item)) return item;
  }
  return undefined;
}

class Churn {
  /** Timers of what a step set off (repairs, crash loops, outages): cancelled when the churn stops. */
  private readonly pending = new Set<() => void>();
  /** Each scaled service's target when churn first scaled it: scaling drifts back towards it. */
  private readonly home = new Map<string, number>();

  constructor(private readonly sim: Sim, private readonly namespace: string) {}

  stop(): void {
    for (const cancel of this.pending) cancel();
    this.pending.clear();
  }

  private later(ms: number, fn: () => void): void {
    const cancel = this.sim.clock.after(ms, () => {
      this.pending.delete(cancel);
      fn();
    });
    this.pending.add(cancel);
  }

  private settled(c: Container): boolean {
    return SETTLED.has(this.sim.world.service(c.service)?.state ?? '');
  }

  /** One step of activity; returns roughly how many events it will cause (0 when it found nothing to do). */
  step(): number {
    const { sim } = this;
    const roll = sim.rng();
    if (roll < 0.3) return this.crash();
    if (roll < 0.45) return this.sweep();
    if (roll < 0.65) return this.redeploy();
    if (roll < 0.95) return this.scale();
    return this.outage();
  }

  /** A running container's process dies. */
  private crash(): number {
    const { sim } = this;
    const c = randomWhere(sim, sim.world.containers(this.namespace), (x) => x.state === 'Running' && this.settled(x));
    if (!c) return 0;
    const code = pick(sim.rng, EXIT_CODES);
    exited(sim, c, code);
    if (!restartsOnExit(c, code)) {
      this.noticeLater(c);
      return 3;
    }
    if (code !== 0 && sim.rng() < CRASH_LOOP) this.crashLoop(c, randInt(sim.rng, 1, 3));
    return 5;
  }

  /** A container that restarts, crashes again soon after it is back: `more` times. */
  private crashLoop(c: Container, more: number): void {
    const { sim } = this;
    const check = (tries: number) => this.later(randInt(sim.rng, 2, 5) * SECOND, () => {
      if (c.state === 'Running' && this.settled(c)) {
        exited(sim, c, pick(sim.rng, [1, 2, 139]));
        if (more-- > 1) this.crashLoop(c, more);
      } else if (c.state !== 'Terminated' && tries < 60) {
        check(tries + 1); // still restarting (the delay doubles): look again
      }
    });
    check(0);
  }

  /** An operator gets to a container that is down and that nothing restarts: starts it, or redeploys it. */
  private noticeLater(c: Container): void {
    const { sim } = this;
    this.later(randInt(sim.rng, NOTICE_MS[0], NOTICE_MS[1]), () => {
      if (c.state !== 'Stopped' || internal(sim, c.resource_uri).flag) return; // back, gone, or stopped on purpose
      if (!this.repairable(c)) {
        this.noticeLater(c); // its service is busy with an operation: later
        return;
      }
      this.repair(c);
    });
  }

  /** Whether an operator can start it now: its service is not in an operation, and its node answers. */
  private repairable(c: Container): boolean {
    const state = this.sim.world.service(c.service)?.state;
    return (state === 'Running' || state === 'Partly running' || state === 'Stopped') &&
      this.sim.world.node(c.node)?.state === 'Deployed';
  }

  private repair(c: Container): void {
    if (this.sim.rng() < 0.7) void boot(this.sim, c);
    else void redeployInPlace(this.sim, c);
  }

  /** An operator's round: a container that is down (not on purpose) is started again. */
  private sweep(): number {
    const { sim } = this;
    const c = randomWhere(sim, sim.world.containers(this.namespace),
      (x) => x.state === 'Stopped' && !internal(sim, x.resource_uri).flag && this.repairable(x));
    if (!c) return 0;
    this.repair(c);
    return 3;
  }

  /** A small service is redeployed (a new release, a configuration change rolled out). */
  private redeploy(): number {
    const { sim } = this;
    const s = randomWhere(sim, sim.world.services(this.namespace), (x) => x.state === 'Running' && x.current_num_containers <= 4);
    if (!s) return 0;
    void redeployService(sim, this.namespace, s, quiet);
    return 4 * s.current_num_containers + 3;
  }

  /** A service is scaled by one, drifting back towards the size it had. */
  private scale(): number {
    const { sim } = this;
    const s = randomWhere(sim, sim.world.services(this.namespace),
      (x: Service) => SETTLED.has(x.state) && x.deployment_strategy !== 'EVERY_NODE');
    if (!s) return 0;
    const home = this.home.get(s.resource_uri) ?? s.target_num_containers;
    this.home.set(s.resource_uri, home);
    const current = s.target_num_containers;
    const up = current < home ? sim.rng() < 0.8 : current > home ? sim.rng() < 0.2 : sim.rng() < 0.5;
    const target = Math.max(1, Math.min(20, current + (up ? 1 : -1)));
    if (target === current) return 0;
    void scaleService(sim, this.namespace, s, target, quiet);
    return 4;
  }

  /** A node stops answering for a while; a health check finds it back. */
  private outage(): number {
    const { sim } = this;
    const node = randomWhere(sim, sim.world.nodes(this.namespace), (n) => n.state === 'Deployed');
    if (!node) return 0;
    loseNode(sim, node);
    this.later(randInt(sim.rng, OUTAGE_MS[0], OUTAGE_MS[1]), () => {
      recoverNode(sim, node);
      if (node.state === 'Unreachable') void healthCheck(sim, node, quiet);
    });
    return 3;
  }
}

/** How far ahead of the rate the churn may have got (in seconds' worth) before that is forgiven. */
const CREDIT_SECONDS = 30;

/**
 * Starts churn in a namespace; returns the function that stops it. Each tick compares the changes the world really
 * announced with the rate asked for and starts enough steps (by their estimated cost) to make up the difference.
 * Steps' effects arrive over the following seconds or minutes (restarts, repairs), so what the world did beyond
 * the rate is remembered for a while and made up by fewer steps; a shortfall is made up for one second at most.
 */
export function startChurn(sim: Sim, namespace: string, eventsPerSecond: number): () => void {
  if (eventsPerSecond <= 0) return () => {};
  const churn = new Churn(sim, namespace);
  let debt = 0;
  let seen = sim.world.changes;
  const perTick = (eventsPerSecond * TICK_MS) / 1000;
  const stopTicks = sim.clock.every(TICK_MS, () => {
    const observed = sim.world.changes - seen;
    seen = sim.world.changes;
    debt = Math.max(-CREDIT_SECONDS * eventsPerSecond, Math.min(eventsPerSecond, debt + perTick - observed));
    let planned = 0;
    for (let attempts = 0; planned < Math.min(debt, 2 * perTick) && attempts < 4 * perTick + 20; attempts++) {
      planned += churn.step();
    }
  });
  return () => {
    stopTicks();
    churn.stop();
  };
}
