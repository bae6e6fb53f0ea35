// Background activity at about R events per second, the way a fleet in production has it: containers crash and
// come back, services get redeployed and scaled, nodes stop answering for a while. It is a steady state, not a
// decay: a crashed container restarts as its policy says (ALWAYS, or ON_FAILURE after a non-zero exit: Stopped →
// Starting → Running, sooner or later by Docker's doubling delay), and the others are brought back by the
// simulated operators, who notice a down container within minutes and start or redeploy it. Every step goes
// through the same state machines as the API's operations, so the state tables, counters and events hold.
//
// Whatever the rate, the fleet stays healthy: the churn takes a container down (a crash, a redeploy, a scale) only
// while less than a fifth of the fleet's containers are down, leaves at most a few of them for the operators, and
// takes a node away only while three quarters of them answer. A rate that is more than a fleet of its size makes
// that way (more than about EVENTS_PER_CONTAINER events a second per container) is made by the same activity at a
// faster pace: the churn's transitions, restarts, repairs and outages take 1/pace of their usual time, so that the
// demo's 36 containers make 200 events a second the way 800 containers would make them at the usual pace.
// Operations asked for through the API keep their usual durations.
import type { Container, Service } from '../../domain/index.js';
import type { Change } from '../backend.js';
import { boot, exited, redeployInPlace, restartsOnExit, RESTART_RESET_MS } from './containers.js';
import { internal, type Sim } from './context.js';
import { healthCheck, loseNode, recoverNode } from './infra.js';
import { pick, randInt } from './random.js';
import { redeployService, scaleService, NO_CANCEL } from './services.js';

const TICK_MS = 100;
/** Services not in the middle of an operation: the only ones churn touches. */
const SETTLED = new Set(['Running', 'Partly running']);
const quiet = () => {};
const SECOND = 1_000;

/** How soon an operator notices a container that is down and stays down, in simulated time (at pace 1). */
const NOTICE_MS: readonly [number, number] = [15 * SECOND, 90 * SECOND];
/** How long a node stays unreachable (at pace 1). */
const OUTAGE_MS: readonly [number, number] = [5 * SECOND, 15 * SECOND];
/** The share of crashes that are a crash loop: the container crashes again after each restart, a few times. */
const CRASH_LOOP = 0.15;
const EXIT_CODES = [0, 1, 1, 2, 137, 139] as const;
/** SIGKILL: the kernel's OOM killer. */
const OOM_KILLED = 137;

/**
 * Events a second one container's share of the churn makes at the usual pace while the fleet stays healthy (the
 * budgets below allow about twice as many): past it, the pace rises.
 */
const EVENTS_PER_CONTAINER = 0.25;
/** The fastest pace: a fleet too small even for that misses the rate rather than blinking through states. */
const MAX_PACE = 100;
/** At most this share of the live containers is down (not Running) before churn takes another one down. */
const DOWN_SHARE = 0.2;
/** At most this share is down waiting for an operator (stopped, and no restart policy brings it back). */
const AWAITING_SHARE = 0.08;
/** At most this share of the nodes is unreachable before churn takes another one away. */
const UNREACHABLE_SHARE = 0.25;
/** At most this share of the services is in an operation the churn started (a scale, a redeploy). */
const BUSY_SHARE = 0.25;

function randomWhere<T>(sim: Sim, items: readonly T[], ok: (item: T) => boolean, tries = 20): T | undefined {
  for (let i = 0; i < tries && items.length > 0; i++) {
    const item = items[Math.floor(sim.rng() * items.length)]!;
    if (ok(item)) return item;
  }
  return undefined;
}

const share = (n: number, fraction: number) => Math.max(1, Math.floor(n * fraction));

class Churn {
  /** Timers of what a step set off (repairs, crash loops, outages): cancelled when the churn stops. */
  private readonly pending = new Set<() => void>();
  /** Each scaled service's target when churn first scaled it: scaling drifts back towards it. */
  private readonly home = new Map<string, number>();
  /** The namespace's live containers and their states, followed from the world's changes. */
  private readonly states = new Map<string, string>();
  /** How many of them are not Running. */
  private down = 0;
  /** Containers the churn crashed that wait for an operator. */
  private readonly awaiting = new Set<string>();
  /** Services in an operation the churn started. */
  private busy = 0;
  /** Changes the world announced in the namespace. */
  events = 0;
  /** How many times faster than usual the steps started now go (see the top of the file). */
  pace = 1;
  private readonly unsubscribe: () => void;

  constructor(private readonly sim: Sim, private readonly namespace: string) {
    for (const c of sim.world.containers(namespace)) this.track(c, false);
    this.unsubscribe = sim.world.subscribe((change) => this.observe(change));
  }

  get live(): number {
    return this.states.size;
  }

  stop(): void {
    this.unsubscribe();
    for (const cancel of this.pending) cancel();
    this.pending.clear();
  }

  private observe(change: Change): void {
    if (change.namespace !== this.namespace) return;
    this.events++;
    if (change.kind === 'container') this.track(change.object as unknown as Container, change.action === 'delete');
  }

  private track(c: Container, deleted: boolean): void {
    const before = this.states.get(c.resource_uri);
    if (before !== undefined) {
      if (before !== 'Running') this.down--;
      this.states.delete(c.resource_uri);
    }
    if (!deleted && c.state !== 'Terminated') {
      this.states.set(c.resource_uri, c.state);
      if (c.state !== 'Running') this.down++;
    }
    if (c.state !== 'Stopped') this.awaiting.delete(c.resource_uri);
  }

  /** Whether `more` containers may go down now. */
  private roomFor(more: number): boolean {
    return this.down + more <= share(this.live, DOWN_SHARE);
  }

  private later(ms: number, fn: () => void): void {
    const cancel = this.sim.clock.after(ms / this.pace, () => {
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

  /**
   * A running container's process dies (one that has run a while: its restart is not one in a row). Crashes follow
   * memory: a container whose memory leaked up to its ceiling (the sim's metrics) is found first, and OOM-killed.
   */
  private crash(): number {
    const { sim, pace } = this;
    if (!this.roomFor(1)) return 0;
    const now = sim.clock.now();
    const waits = this.awaiting.size < share(this.live, AWAITING_SHARE);
    const crashable = (x: Container, code: number) => x.state === 'Running' && this.settled(x) &&
      sim.world.node(x.node)?.state === 'Deployed' && now - Date.parse(x.started_datetime ?? '') >= RESTART_RESET_MS / pace &&
      (waits || restartsOnExit(x, code));
    const containers = sim.world.containers(this.namespace);
    // (At the usual pace only: a fleet fast-forwarded restarts its containers long before minutes-long leaks show.)
    const leak = pace < 2 ? sim.leak : undefined;
    const oom = leak ? randomWhere(sim, containers, (x) => leak(x) > 0.9 && crashable(x, OOM_KILLED)) : undefined;
    const code = oom ? OOM_KILLED : pick(sim.rng, EXIT_CODES);
    const c = oom ?? randomWhere(sim, containers, (x) => crashable(x, code));
    if (!c) return 0;
    exited(sim, c, code, true, pace);
    if (!restartsOnExit(c, code)) {
      if (c.state === 'Stopped') {
        this.awaiting.add(c.resource_uri);
        this.noticeLater(c);
      }
      return 3;
    }
    if (code !== 0 && sim.rng() < CRASH_LOOP) this.crashLoop(c, randInt(sim.rng, 1, 3));
    return 5;
  }

  /** A container that restarts, crashes again soon after it is back: `more` times. */
  private crashLoop(c: Container, more: number): void {
    const { sim } = this;
    const pace = this.pace;
    const check = (tries: number) => this.later(randInt(sim.rng, 2, 5) * SECOND, () => {
      if (c.state === 'Running' && this.settled(c)) {
        exited(sim, c, pick(sim.rng, [1, 2, 139]), true, pace);
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
      if (c.state !== 'Stopped' || internal(sim, c.resource_uri).flag) {
        this.awaiting.delete(c.resource_uri); // back, gone, or stopped on purpose
        return;
      }
      if (!this.repairable(c)) {
        this.noticeLater(c); // its service is busy with an operation, or its node does not answer: later
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
    this.awaiting.delete(c.resource_uri);
    if (this.sim.rng() < 0.7) void boot(this.sim, c, this.pace);
    else void redeployInPlace(this.sim, c, this.pace);
  }

  /** An operator's round: a container that is down (not on purpose) is started again. */
  private sweep(): number {
    const { sim } = this;
    if (this.down === 0) return 0;
    const c = randomWhere(sim, sim.world.containers(this.namespace),
      (x) => x.state === 'Stopped' && !internal(sim, x.resource_uri).flag && this.repairable(x));
    if (!c) return 0;
    this.repair(c);
    return 3;
  }

  /** Runs an operation the churn started on a service, counting it while it runs. */
  private operate(operation: Promise<unknown>): void {
    this.busy++;
    void operation.finally(() => this.busy--);
  }

  private mayOperate(): boolean {
    return this.busy < share(this.sim.world.services(this.namespace).length, BUSY_SHARE);
  }

  /** A small service is redeployed (a new release, a configuration change rolled out). */
  private redeploy(): number {
    const { sim } = this;
    if (!this.mayOperate()) return 0;
    const s = randomWhere(sim, sim.world.services(this.namespace),
      (x) => x.state === 'Running' && x.current_num_containers <= 4 && this.roomFor(x.current_num_containers));
    if (!s) return 0;
    this.operate(redeployService(sim, this.namespace, s, quiet, NO_CANCEL, true, this.pace));
    return 4 * s.current_num_containers + 3;
  }

  /** A service is scaled by one, drifting back towards the size it had (never further than half of it away). */
  private scale(): number {
    const { sim } = this;
    if (!this.mayOperate() || !this.roomFor(1)) return 0;
    const s = randomWhere(sim, sim.world.services(this.namespace),
      (x: Service) => SETTLED.has(x.state) && x.deployment_strategy !== 'EVERY_NODE');
    if (!s) return 0;
    const home = this.home.get(s.resource_uri) ?? s.target_num_containers;
    this.home.set(s.resource_uri, home);
    const span = Math.max(1, Math.ceil(home / 2));
    const current = s.target_num_containers;
    const up = current < home ? sim.rng() < 0.8 : current > home ? sim.rng() < 0.2 : sim.rng() < 0.5;
    const target = Math.max(1, home - span, Math.min(home + span, current + (up ? 1 : -1)));
    if (target === current) return 0;
    this.operate(scaleService(sim, this.namespace, s, target, quiet, NO_CANCEL, this.pace));
    return 4;
  }

  /** A node stops answering for a while; a health check finds it back. */
  private outage(): number {
    const { sim } = this;
    const nodes = sim.world.nodes(this.namespace);
    const unreachable = nodes.filter((n) => n.state === 'Unreachable').length;
    if (unreachable + 1 > share(nodes.length, UNREACHABLE_SHARE)) return 0;
    const node = randomWhere(sim, nodes, (n) => n.state === 'Deployed');
    if (!node) return 0;
    const pace = this.pace;
    loseNode(sim, node);
    this.later(randInt(sim.rng, OUTAGE_MS[0], OUTAGE_MS[1]), () => {
      recoverNode(sim, node);
      if (node.state === 'Unreachable') void healthCheck(sim, node, quiet, pace);
    });
    return 4;
  }
}

/** How far ahead of the rate the churn may have got (in seconds' worth) before that is forgiven. */
const CREDIT_SECONDS = 30;

/**
 * Starts churn in a namespace; returns the function that stops it. Each tick compares the changes the namespace
 * really announced with the rate asked for and starts enough steps (by their estimated cost) to make up the
 * difference, at the pace the rate asks of a fleet of its size. Steps' effects arrive over the following seconds or
 * minutes (restarts, repairs), so what the world did beyond the rate is remembered for a while and made up by fewer
 * steps; a shortfall is made up for one second at most.
 */
export function startChurn(sim: Sim, namespace: string, eventsPerSecond: number): () => void {
  if (eventsPerSecond <= 0) return () => {};
  const churn = new Churn(sim, namespace);
  const slices = new Set<() => void>();
  let debt = 0;
  let seen = 0;
  const perTick = (eventsPerSecond * TICK_MS) / 1000;
  const run = (target: number) => {
    let planned = 0;
    for (let attempts = 0; planned < target && attempts < 4 * target + 20; attempts++) planned += churn.step();
  };
  const stopTicks = sim.clock.every(TICK_MS, () => {
    const observed = churn.events - seen;
    seen = churn.events;
    debt = Math.max(-CREDIT_SECONDS * eventsPerSecond, Math.min(eventsPerSecond, debt + perTick - observed));
    // Real seconds: a faster --speed already makes more of everything per second.
    const usual = EVENTS_PER_CONTAINER * Math.max(1, churn.live) * sim.clock.speed;
    churn.pace = Math.min(MAX_PACE, Math.max(1, eventsPerSecond / usual));
    // At a fast pace a step's trouble is over within the tick: the tick's steps are spread over it, so that the
    // budgets of what may be down at once see them come and go.
    const n = Math.min(10, Math.ceil(churn.pace / 10));
    const target = Math.min(debt, 2 * perTick) / n;
    run(target);
    for (let i = 1; i < n; i++) {
      const cancel = sim.clock.after((i * TICK_MS * sim.clock.speed) / n, () => {
        slices.delete(cancel);
        run(target);
      });
      slices.add(cancel);
    }
  });
  return () => {
    stopTicks();
    for (const cancel of slices) cancel();
    churn.stop();
  };
}
