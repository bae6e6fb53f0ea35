// Live resource metrics (dctop's extension of the Stream API): sockets subscribe to sets of container, service and
// node URIs; once per interval the hub samples the union of the running containers behind every set of the
// subscribers that share that interval (one call to the backend per namespace and tick, however many sockets ask
// for the same containers), sums services and nodes here (once, for every backend), and sends each socket its frame.
// Nothing is sampled while nobody subscribes to anything.
import {
  parsePath, type Container, type MetricsFrame, type Node, type ResourceMetrics,
} from '../domain/index.js';
import type { Backend, ContainerSample, SampleUnavailable } from './backend.js';

/** What a URI stands for, resolved at each tick (services scale, containers move). */
type Target =
  | { kind: 'container'; uuid: string; running: boolean }
  | { kind: 'service'; uuids: string[] }
  | { kind: 'node'; uuids: string[]; cores: number; memoryBytes: number }
  | { kind: 'missing' };

export const NOT_FOUND = 'not found';

export interface MetricsSubscriber {
  /** Replaces the set of URIs (an empty set stops the frames). */
  set(uris: readonly string[]): void;
  close(): void;
}

interface Subscriber {
  namespace: string;
  interval: number;
  uris: readonly string[];
  send(frame: MetricsFrame): void;
  /** When it last got a frame (ms), so that a frame sent at once after a subscribe is not followed by one at once. */
  lastSent: number;
  /** A frame for a new set is being made or waits to be. */
  immediate: 'none' | 'running' | 'again';
  closed: boolean;
}

interface Group { timer: NodeJS.Timeout | null; subscribers: Set<Subscriber>; busy: boolean }

const round = (value: number | null, digits: number) => {
  if (value === null || !Number.isFinite(value)) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

export class MetricsHub {
  private readonly groups = new Map<number, Group>();
  /** Calls of the backend's sampler (for tests and measurements). */
  sampleCalls = 0;
  /** Container samples asked for, in all. */
  containersSampled = 0;

  constructor(private readonly backend: Backend, private readonly now: () => number = Date.now) {}

  /** A socket's subscription: `send` gets one frame per interval (seconds) while its set is not empty. */
  open(namespace: string, interval: number, send: (frame: MetricsFrame) => void): MetricsSubscriber {
    const sub: Subscriber = { namespace, interval, uris: [], send, lastSent: 0, immediate: 'none', closed: false };
    let group = this.groups.get(interval);
    if (!group) this.groups.set(interval, (group = { timer: null, subscribers: new Set(), busy: false }));
    group.subscribers.add(sub);
    const g = group;
    return {
      set: (uris) => {
        if (sub.closed) return;
        sub.uris = [...new Set(uris)];
        this.schedule(interval, g);
        if (sub.uris.length > 0) this.sendNow(sub);
      },
      close: () => {
        sub.closed = true;
        g.subscribers.delete(sub);
        this.schedule(interval, g);
      },
    };
  }

  /** Whether any socket is subscribed to something (the hub samples only then). */
  get active(): boolean {
    return [...this.groups.values()].some((g) => g.timer !== null);
  }

  close(): void {
    for (const group of this.groups.values()) if (group.timer) clearInterval(group.timer);
    this.groups.clear();
  }

  /** The group's timer runs while one of its subscribers has a set that is not empty. */
  private schedule(interval: number, group: Group): void {
    const wanted = [...group.subscribers].some((s) => s.uris.length > 0);
    if (wanted && !group.timer) {
      group.timer = setInterval(() => void this.tick(group, interval), interval * 1000);
      group.timer.unref();
    } else if (!wanted && group.timer) {
      clearInterval(group.timer);
      group.timer = null;
    }
    if (group.subscribers.size === 0 && !group.timer) this.groups.delete(interval);
  }

  private async tick(group: Group, interval: number): Promise<void> {
    if (group.busy) return; // the backend is slower than the interval: this tick is skipped, not queued
    // A subscriber that just got its first frame waits for the tick after (at least half an interval apart).
    const due = [...group.subscribers].filter((s) => s.uris.length > 0 && this.now() - s.lastSent >= interval * 500);
    if (due.length === 0) return;
    group.busy = true;
    try {
      await this.report(due);
    } finally {
      group.busy = false;
    }
  }

  /** A frame at once for a new set; a set that changes meanwhile gets one more after it. */
  private sendNow(sub: Subscriber): void {
    if (sub.immediate !== 'none') {
      sub.immediate = 'again';
      return;
    }
    sub.immediate = 'running';
    void this.report([sub]).finally(() => {
      const again = sub.immediate === 'again';
      sub.immediate = 'none';
      if (again && !sub.closed && sub.uris.length > 0) this.sendNow(sub);
    });
  }

  /** Samples what the subscribers' sets need (each container once) and sends each its frame. */
  private async report(subs: readonly Subscriber[]): Promise<void> {
    const byNamespace = new Map<string, Subscriber[]>();
    for (const s of subs) {
      const list = byNamespace.get(s.namespace);
      if (list) list.push(s);
      else byNamespace.set(s.namespace, [s]);
    }
    await Promise.all([...byNamespace].map(([namespace, list]) => this.reportNamespace(namespace, list)));
  }

  private async reportNamespace(namespace: string, subs: readonly Subscriber[]): Promise<void> {
    const started = this.now();
    const resolver = new Resolver(this.backend, namespace);
    const asked = subs.map((s) => s.uris);
    const targets = asked.map((uris) => uris.map((uri) => [uri, resolver.resolve(uri)] as const));
    const wanted = new Set<string>();
    for (const list of targets) {
      for (const [, t] of list) {
        if (t.kind === 'container' && t.running) wanted.add(t.uuid);
        else if (t.kind === 'service' || t.kind === 'node') for (const u of t.uuids) wanted.add(u);
      }
    }
    let samples = new Map<string, ContainerSample | SampleUnavailable>();
    let failure: string | null = null;
    const source = this.backend.metrics;
    if (!source) failure = `the ${this.backend.name} backend has no metrics`;
    else if (wanted.size > 0) {
      this.sampleCalls++;
      this.containersSampled += wanted.size;
      try {
        samples = await source.sampleContainers(namespace, [...wanted]);
      } catch (error) {
        failure = `metrics could not be read: ${(error as Error).message}`;
      }
    }
    const datetime = new Date(this.now()).toISOString();
    for (const [i, sub] of subs.entries()) {
      // Closed, emptied or changed while sampling: a changed set has its own frame coming (sendNow).
      if (sub.closed || sub.uris !== asked[i]) continue;
      const frame: MetricsFrame = { type: 'metrics', interval: sub.interval, datetime, metrics: {}, unavailable: {} };
      for (const [uri, target] of targets[i]!) {
        const result = target.kind === 'missing' ? NOT_FOUND : failure ?? measure(target, samples);
        if (typeof result === 'string') frame.unavailable[uri] = result;
        else frame.metrics[uri] = result;
      }
      sub.lastSent = started; // when the sampling began: a slow backend does not push the next tick away
      sub.send(frame);
    }
  }
}

/** The usage of a target from the samples of its containers, or why there is none. */
function measure(target: Exclude<Target, { kind: 'missing' }>, samples: Map<string, ContainerSample | SampleUnavailable>): ResourceMetrics | string {
  if (target.kind === 'container') {
    if (!target.running) return idle();
    const sample = samples.get(target.uuid);
    if (!sample) return 'no sample';
    if ('unavailable' in sample) return sample.unavailable;
    return toMetrics([sample], null, null);
  }
  const got: ContainerSample[] = [];
  let reason: string | null = null;
  for (const uuid of target.uuids) {
    const sample = samples.get(uuid);
    if (sample && !('unavailable' in sample)) got.push(sample);
    else reason ??= sample?.unavailable ?? 'no sample';
  }
  // Some containers measured: their sum (`containers` says how many); none, but some could not be: why.
  if (got.length === 0 && reason !== null) return `none of its ${target.uuids.length} running containers can be measured: ${reason}`;
  if (target.kind === 'node') return toMetrics(got, target.cores || null, target.memoryBytes || null);
  return toMetrics(got, null, null);
}

/** A container that is not running uses nothing. */
function idle(): ResourceMetrics {
  return {
    cpu_percent: 0, cpu_limit_percent: null, memory_bytes: 0, memory_limit_bytes: null,
    net_rx_bps: 0, net_tx_bps: 0, block_read_bps: 0, block_write_bps: 0, containers: 0,
  };
}

/** Sums samples. Limits: the node's (for a node), else the sum of the containers' when every one has one. */
function toMetrics(samples: readonly ContainerSample[], nodeCores: number | null, nodeMemory: number | null): ResourceMetrics {
  const sum = (pick: (s: ContainerSample) => number | null): number | null => {
    let total = 0;
    for (const s of samples) {
      const v = pick(s);
      if (v === null) return null;
      total += v;
    }
    return total;
  };
  const cpu = sum((s) => s.cpuPercent);
  const cores = nodeCores ?? (samples.length > 0 ? sum((s) => s.cpuLimitCores) : null);
  const memoryLimit = nodeMemory ?? (samples.length > 0 ? sum((s) => s.memoryLimitBytes) : null);
  return {
    cpu_percent: round(cpu, 2),
    cpu_limit_percent: cpu === null || !cores ? null : round(cpu / cores, 2),
    memory_bytes: round(sum((s) => s.memoryBytes), 0),
    memory_limit_bytes: round(memoryLimit, 0),
    net_rx_bps: round(sum((s) => s.netRxBps), 1),
    net_tx_bps: round(sum((s) => s.netTxBps), 1),
    block_read_bps: round(sum((s) => s.blockReadBps), 1),
    block_write_bps: round(sum((s) => s.blockWriteBps), 1),
    containers: samples.length,
  };
}

/**
 * Resolves URIs to what they stand for, in one namespace only: a URI of another namespace, or of an object the
 * namespace does not have, is "not found" either way (nothing reveals another tenant's objects).
 */
class Resolver {
  private index: { byService: Map<string, string[]>; byNode: Map<string, string[]> } | null = null;

  constructor(private readonly backend: Backend, private readonly namespace: string) {}

  resolve(uri: string): Target {
    const parsed = typeof uri === 'string' ? parsePath(uri) : undefined;
    if (!parsed || parsed.pk.length !== 1 || parsed.rest.length > 0) return { kind: 'missing' };
    if (parsed.namespace !== null && parsed.namespace !== this.namespace) return { kind: 'missing' };
    const uuid = parsed.pk[0]!;
    if (parsed.kind === 'container') {
      const c = this.backend.get('container', this.namespace, [uuid]) as unknown as Container | undefined;
      if (!c) return { kind: 'missing' };
      return { kind: 'container', uuid, running: c.state === 'Running' };
    }
    if (parsed.kind === 'service') {
      const s = this.backend.get('service', this.namespace, [uuid]);
      if (!s) return { kind: 'missing' };
      return { kind: 'service', uuids: this.indexed().byService.get(s.resource_uri) ?? [] };
    }
    if (parsed.kind === 'node') {
      const n = this.backend.get('node', this.namespace, [uuid]) as unknown as Node | undefined;
      if (!n) return { kind: 'missing' };
      return { kind: 'node', uuids: this.indexed().byNode.get(n.resource_uri) ?? [], cores: n.cpu, memoryBytes: n.memory * 2 ** 20 };
    }
    return { kind: 'missing' };
  }

  /** The namespace's running containers by service and by node: one pass, only when a service or node is asked for. */
  private indexed(): NonNullable<Resolver['index']> {
    if (this.index) return this.index;
    const byService = new Map<string, string[]>();
    const byNode = new Map<string, string[]>();
    const add = (map: Map<string, string[]>, key: string | null, uuid: string) => {
      if (!key) return;
      const list = map.get(key);
      if (list) list.push(uuid);
      else map.set(key, [uuid]);
    };
    for (const object of this.backend.list('container', this.namespace)) {
      const c = object as unknown as Container;
      if (c.state !== 'Running') continue;
      add(byService, c.service, c.uuid);
      add(byNode, c.node, c.uuid);
    }
    return (this.index = { byService, byNode });
  }
}
