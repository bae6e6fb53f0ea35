// Simulated resource usage that follows each container's image and life, computed when asked (nothing runs while
// nobody subscribes): web servers in waves of traffic (a slow sine of a few minutes, shared by a service's
// replicas, plus noise), databases steady with memory that grows after a start towards a plateau, workers idle
// between bursts. Some starts leak: memory climbs to the container's ceiling and stays there until the container
// crashes (the churn picks such containers first, OOM-killed: see churn.ts), so crashes follow memory growth.
//
// Everything is a pure function of the seed, the container's namespace and name (reproducible with --seed; UUIDs
// are keyed with a secret of each fleet, names are not), its start time and a time bucket: no Math.random, no
// state but a cache of per-container constants. A node's containers never add up to more than its cores and
// memory: each container's ceiling is its share of the node (and its own memory limit), and usage saturates
// smoothly below it.
import { objectUri, type Container, type Node } from '../../domain/index.js';
import type { ContainerSample, MetricsSource, SampleUnavailable } from '../backend.js';
import type { Sim } from './context.js';
import { imageFamily, type ImageFamily } from './loglines.js';
import { hashSeed } from './random.js';

const MIB = 2 ** 20;
/** The share of a node its containers may use between them, at most. */
const NODE_HEADROOM = 0.9;
/** Time buckets of the noise. */
const BUCKET_MS = 1000;
/**
 * Leaks come in windows of a container's uptime: in a tenth of them its memory climbs, from a few minutes into the
 * window, to its ceiling, and stays there until the container crashes (or, if nothing crashes it, the window ends:
 * the runtime gave the memory back). The churn finds the containers at their ceiling and crashes them first.
 */
const LEAK_WINDOW_MS = 20 * 60_000;
const LEAK_SHARE = 0.1;

interface Profile {
  /** The container it was made for, and its namespace: a UUID's profile is used only while they still hold. */
  container: Container;
  namespace: string;
  hash: number;
  family: ImageFamily;
  /** Web: the wave's period and phase (per service, so that replicas move together). */
  periodMs: number;
  phase: number;
  /** Typical CPU (percent of a core) and memory (bytes). */
  cpu: number;
  memory: number;
  startedText: string | null;
  nodeUri: string | null;
  node: Node | undefined;
  started: number;
}

/** A well-mixed 32-bit hash of two integers, as a number in [0, 1). */
function mix(a: number, b: number): number {
  let h = Math.imul(a ^ Math.imul(b, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/** Smooth noise in [0, 1): buckets' values eased into each other, so that usage wanders rather than jumps. */
function noise(hash: number, t: number, bucketMs = BUCKET_MS): number {
  const x = t / bucketMs;
  const i = Math.floor(x);
  const f = x - i;
  const e = f * f * (3 - 2 * f);
  return mix(hash, i) * (1 - e) + mix(hash, i + 1) * e;
}

/** Demand saturating below a ceiling: about `demand` when far below it, never above it. */
const saturate = (demand: number, ceiling: number) => ceiling * (1 - Math.exp(-demand / ceiling));

export class SimMetrics implements MetricsSource {
  private readonly profiles = new Map<string, Profile>();

  constructor(private readonly sim: Sim, private readonly seed: number) {}

  async sampleContainers(namespace: string, uuids: readonly string[]): Promise<Map<string, ContainerSample | SampleUnavailable>> {
    return this.sampleNow(namespace, uuids);
  }

  /** The samples, synchronously (what sampleContainers answers; for measurements). */
  sampleNow(namespace: string, uuids: readonly string[]): Map<string, ContainerSample | SampleUnavailable> {
    const out = new Map<string, ContainerSample | SampleUnavailable>();
    const now = this.sim.clock.now();
    const world = this.sim.world;
    for (const uuid of uuids) {
      // By UUID first (building each URI again costs more than the whole sample). A container leaves the world
      // only once Terminated, and UUIDs are never reused: a known one that is Running is still there.
      const known = this.profiles.get(uuid);
      const c = known && known.namespace === namespace ? known.container : world.container(objectUri('container', namespace, uuid));
      // A node that stopped answering reports nothing of its containers (they may well still be running).
      const node = c?.node ? world.node(c.node) : undefined;
      out.set(uuid, !c || c.state !== 'Running' ? { unavailable: 'not running' }
        : node?.state === 'Unreachable' ? { unavailable: 'its node is unreachable' } : this.sample(namespace, c, now));
    }
    return out;
  }

  /**
   * How far a leaking container's memory has climbed towards its ceiling, 0 to 1 (0: it does not leak). The
   * churn crashes containers near 1 first.
   */
  leak(c: Container, now = this.sim.clock.now()): number {
    if (c.state !== 'Running' || !c.started_datetime) return 0;
    const namespace = this.sim.world.namespaceOf(c.resource_uri) ?? '';
    const p = this.profile(namespace, c);
    return this.leakOf(p.hash, this.startedOf(p, c, now), now);
  }

  private leakOf(hash: number, started: number, now: number): number {
    const up = now - started;
    if (up < 0) return 0;
    const window = Math.floor(up / LEAK_WINDOW_MS);
    const h = (hash ^ Math.floor(started / 1000)) + window;
    if (mix(h, 1) >= LEAK_SHARE) return 0;
    // It starts leaking one to eight minutes into the window, and reaches its ceiling two to six minutes later.
    const onset = window * LEAK_WINDOW_MS + (60 + mix(h, 2) * 420) * 1000;
    const climb = (120 + mix(h, 3) * 240) * 1000;
    if (up <= onset) return 0;
    return Math.min(1, (up - onset) / climb);
  }

  /** When the container last started (ms): RFC 2822 dates are slow to parse, so parsed once per start. */
  private startedOf(p: Profile, c: Container, now: number): number {
    if (p.startedText !== c.started_datetime) {
      p.startedText = c.started_datetime;
      p.started = Date.parse(c.started_datetime ?? '') || now;
    }
    return p.started;
  }

  private profile(namespace: string, c: Container): Profile {
    let p = this.profiles.get(c.uuid);
    if (p && p.container === c) return p;
    const hash = hashSeed(`${this.seed}\0${namespace}\0${c.name}`);
    const service = this.sim.world.service(c.service)?.name ?? c.name;
    const serviceHash = hashSeed(`${this.seed}\0${namespace}\0${service}`);
    const family = imageFamily(c.image_name);
    const r = (k: number) => mix(hash, k + 100);
    p = {
      container: c,
      namespace,
      hash,
      family,
      periodMs: (180 + mix(serviceHash, 1) * 240) * 1000,
      phase: mix(serviceHash, 2) * 2 * Math.PI,
      cpu: family === 'web' ? 8 + r(1) * 40 : family === 'database' ? 4 + r(1) * 16 : 60 + r(1) * 100,
      memory: (family === 'web' ? 30 + r(2) * 150 : family === 'database' ? 256 + r(2) * 1280 : 80 + r(2) * 320) * MIB,
      startedText: null,
      nodeUri: null,
      node: undefined,
      started: 0,
    };
    if (this.profiles.size > 100_000) this.profiles.clear(); // terminated containers' profiles go eventually
    this.profiles.set(c.uuid, p);
    return p;
  }

  private sample(namespace: string, c: Container, now: number): ContainerSample {
    const p = this.profile(namespace, c);
    if (p.nodeUri !== c.node) {
      p.nodeUri = c.node;
      p.node = this.sim.world.node(c.node);
    }
    const node = p.node;
    const sharing = Math.max(1, this.sim.containersOnNode.get(c.node ?? '')?.size ?? 1);
    const nodeCpu = node ? node.cpu * 100 : 100;
    const nodeMemory = (node ? node.memory : 1024) * MIB;
    const memoryLimit = c.memory ? c.memory * MIB : null; // the reference's `memory`: a limit in MB
    const cpuCeiling = (nodeCpu * NODE_HEADROOM) / sharing;
    const memoryCeiling = Math.min(memoryLimit ?? Infinity, (nodeMemory * NODE_HEADROOM) / sharing);
    const started = this.startedOf(p, c, now);
    const age = Math.max(0, now - started);
    const n = noise(p.hash, now);
    // Noises of their own for what goes out and for the disk: they move with the work, not in step with what comes in.
    const n2 = noise(p.hash ^ 0x9e3779b9, now);
    const n3 = noise(p.hash ^ 0x85ebca6b, now);
    let cpu: number;
    let memory: number;
    let rx: number;
    let tx: number;
    let read: number;
    let write: number;
    if (p.family === 'web') {
      const load = 0.55 + 0.45 * Math.sin((2 * Math.PI * now) / p.periodMs + p.phase); // traffic, 0.1 to 1
      const busy = load * (0.85 + 0.3 * n);
      cpu = p.cpu * busy;
      memory = p.memory * (0.9 + 0.1 * load);
      rx = busy * (20_000 + p.cpu * 4_000);
      tx = rx * (4 + 2 * n2);
      read = 500 * n3;
      write = 2_000 * busy;
    } else if (p.family === 'database') {
      cpu = p.cpu * (0.8 + 0.4 * n);
      memory = p.memory * (0.3 + 0.7 * (1 - Math.exp(-age / 480_000))); // caches fill for the first minutes
      rx = 5_000 + 30_000 * n;
      tx = rx * (2 + 2 * n2);
      read = 20_000 * n3;
      write = 50_000 + 200_000 * n2;
    } else {
      // A worker: a burst in about a third of its 20-second windows.
      const window = Math.floor(now / 20_000);
      const burst = mix(p.hash, window) < 0.35;
      cpu = burst ? p.cpu * (0.7 + 0.6 * n) : 1 + 2 * n;
      memory = p.memory * (burst ? 1.3 : 1);
      rx = burst ? 50_000 * n : 200 * n;
      tx = burst ? 20_000 * n2 : 100 * n2;
      read = burst ? 400_000 * n3 : 0;
      write = burst ? 100_000 * n2 : 0;
    }
    memory = saturate(memory * (0.98 + 0.04 * n), memoryCeiling);
    const leak = this.leakOf(p.hash, started, now);
    if (leak > 0) memory += (memoryCeiling * 0.99 - memory) * leak; // stays below the ceiling until it crashes
    return {
      cpuPercent: saturate(cpu, cpuCeiling),
      cpuLimitCores: null,
      memoryBytes: memory,
      memoryLimitBytes: memoryLimit,
      netRxBps: rx,
      netTxBps: tx,
      blockReadBps: read,
      blockWriteBps: write,
    };
  }
}
