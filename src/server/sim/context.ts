// What every part of the simulation shares: the objects, the clock, the randomness, the catalogue, the logs.
import type { Container } from '../../domain/index.js';
import type { Catalogue } from './catalogue.js';
import type { SimClock } from './clock.js';
import type { LogStore } from './logs.js';
import type { Rng } from './random.js';
import type { World } from './world.js';

/** How long transitions take at --speed 1, in milliseconds of simulated time. */
export interface Durations {
  containerStart: number;
  containerStop: number;
  containerTerminate: number;
  nodeDeploy: number;
  nodeTerminate: number;
  nodeUpgrade: number;
  healthCheck: number;
  /** How long terminated objects stay listed before they leave. */
  retention: number;
  /** How long an automatic restart waits after a crash (doubling for each restart in a row, up to a minute). */
  restartDelay: number;
}

export const DURATIONS: Durations = {
  containerStart: 2_000,
  containerStop: 1_500,
  containerTerminate: 1_000,
  nodeDeploy: 8_000,
  nodeTerminate: 4_000,
  nodeUpgrade: 6_000,
  healthCheck: 1_500,
  retention: 5 * 60_000,
  restartDelay: 1_000,
};

/** What the simulation keeps about an object beyond its wire fields. */
export interface Internal {
  /** Bumped by every forced transition, so that a continuation of an older one knows to stop. */
  epoch: number;
  /** Containers: the N of "<service>-N". Nodes: the next dynamic port. Services: the next container number. */
  counter: number;
  /** Containers: stopped by the user (no automatic restart). Nodes: whether the daemon answers. */
  flag: boolean;
  /** Containers: automatic restarts in a row (each waits twice as long as the one before, as Docker's do). */
  restarts?: number;
}

export interface Sim {
  world: World;
  clock: SimClock;
  rng: Rng;
  catalogue: Catalogue;
  logs: LogStore;
  durations: Durations;
  /** The server's public URL, for the *_API_URL variables containers see. */
  apiBase: string;
  internals: Map<string, Internal>;
  /** node URI → URIs of the containers on it that are not terminated */
  containersOnNode: Map<string, Set<string>>;
  /** How far a container's memory has climbed towards its ceiling by a leak, 0 to 1 (metrics.ts); churn crashes those first. */
  leak?: (c: Container) => number;
}

export function internal(sim: Sim, uri: string): Internal {
  let value = sim.internals.get(uri);
  if (!value) sim.internals.set(uri, (value = { epoch: 0, counter: 0, flag: false }));
  return value;
}

/** Starts a new epoch for an object and returns a check that is true while no later transition took over. */
export function claim(sim: Sim, uri: string): () => boolean {
  const meta = internal(sim, uri);
  const epoch = ++meta.epoch;
  return () => meta.epoch === epoch;
}

/**
 * A duration with ±25 % jitter, so that a fleet does not move in lockstep. `pace`: how many times faster than
 * usual the transition goes (the churn's own transitions, when the rate asked for is more than a fleet of its size
 * makes at the usual pace; operations asked for through the API always go at 1).
 */
export function jitter(sim: Sim, ms: number, pace = 1): number {
  return (ms * (0.75 + sim.rng() * 0.5)) / pace;
}
