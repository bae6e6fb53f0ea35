// Live resource metrics from the engines' stats: one-shot stats (`GET /containers/{id}/stats?stream=false&one-shot=true`,
// API ≥ 1.41: no second's wait for a previous reading) of only the containers asked for, at most CONCURRENCY in
// flight per engine call. CPU and rates come from the previous reading kept per container (usage delta over
// wall-clock delta, from the engine's own `read` times), so the first sample of a container has them null.
// Memory is as the docker CLI shows it: usage minus the inactive file cache. A swarm's tasks are read from the
// engine of their node: the manager's own, or a --node-engine; the others are unavailable, saying so.
import type Docker from 'dockerode';
import type { ContainerSample, MetricsSource, SampleUnavailable } from '../backend.js';
import { uuidFor } from './ids.js';
import type { Mirror } from './mirror.js';
import { LABEL } from './raw.js';
import { nodeEngineNeeded } from './swarm-ops.js';

/** Stats requests in flight at once. */
const CONCURRENCY = 8;
/** A sample call answers within this; readings still on their way then are used by the next call. */
const DEADLINE_MS = 1500;
/** Readings older than this are not carried into an answer (the container stopped answering). */
const STALE_MS = 30_000;

/** The parts of the Engine's stats we read. */
interface EngineStats {
  read: string;
  cpu_stats?: { cpu_usage?: { total_usage?: number }; online_cpus?: number };
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }>;
  blkio_stats?: { io_service_bytes_recursive?: Array<{ op: string; value: number }> | null };
}

interface Reading { at: number; cpuNs: number | null; rx: number; tx: number; read: number; write: number; memory: number | null }

interface Target { key: string; docker: Docker; id: string; cpuLimit: number | null; memoryLimit: number | null }

export class DockerMetrics implements MetricsSource {
  /** Per engine container ID: the last reading, and the sample made from it. */
  private readonly last = new Map<string, { reading: Reading; sample: ContainerSample; seen: number }>();
  /** Readings asked for and not done yet (queued or in flight), by container ID: what a sample call waits for. */
  private readonly pending = new Map<string, Promise<void>>();
  /** Readings waiting for a free slot, in order: one queue for every call, so never more than CONCURRENCY in flight. */
  private readonly queue: Array<{ target: Target; done: () => void }> = [];
  private running = 0;
  /** Stats requests made (for measurements). */
  requests = 0;

  constructor(private readonly mirror: Mirror, private readonly engineOfNode: (nodeId: string) => Docker | undefined) {}

  async sampleContainers(_namespace: string, uuids: readonly string[]): Promise<Map<string, ContainerSample | SampleUnavailable>> {
    const out = new Map<string, ContainerSample | SampleUnavailable>();
    const targets = new Map<string, Target>();
    const where = this.locate();
    for (const uuid of uuids) {
      const found = where.get(uuid);
      if (!found) out.set(uuid, { unavailable: 'not found on the engine' });
      else if ('unavailable' in found) out.set(uuid, found);
      else targets.set(uuid, found);
    }
    // A reading already on its way (asked for by an earlier call that did not wait for it) is not asked again.
    const all = Promise.all([...targets.values()].map((target) => this.pending.get(target.key) ?? this.enqueue(target)));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all, new Promise<void>((resolve) => (timer = setTimeout(resolve, DEADLINE_MS)))]);
    clearTimeout(timer);
    const now = Date.now();
    for (const [uuid, target] of targets) {
      const last = this.last.get(target.key);
      if (last && now - last.seen < STALE_MS) out.set(uuid, last.sample);
      else out.set(uuid, { unavailable: this.errors.get(target.key) ?? 'no stats from the engine yet' });
    }
    this.forgetOld(now);
    return out;
  }

  private enqueue(target: Target): Promise<void> {
    const promise = new Promise<void>((done) => this.queue.push({ target, done }));
    this.pending.set(target.key, promise);
    this.pump();
    return promise;
  }

  private pump(): void {
    while (this.running < CONCURRENCY && this.queue.length > 0) {
      const { target, done } = this.queue.shift()!;
      this.running++;
      void this.read(target).finally(() => {
        this.running--;
        this.pending.delete(target.key);
        done();
        this.pump();
      });
    }
  }

  /** Why the last reading of a container failed. */
  private readonly errors = new Map<string, string>();

  private async read(target: Target): Promise<void> {
    this.requests++;
    try {
      const stats = await target.docker.getContainer(target.id).stats({ stream: false, 'one-shot': true } as { stream: false }) as unknown as EngineStats;
      const reading = toReading(stats);
      const previous = this.last.get(target.key)?.reading;
      this.last.set(target.key, { reading, sample: toSample(reading, previous, target), seen: Date.now() });
      this.errors.delete(target.key);
    } catch (error) {
      const e = error as { statusCode?: number; reason?: string; message?: string };
      this.errors.set(target.key, `the engine's stats failed: ${e.statusCode === 404 ? 'no such container' : e.reason ?? e.message ?? 'error'}`);
    }
  }

  private forgetOld(now: number): void {
    if (this.last.size < 1000) return;
    for (const [key, entry] of this.last) if (now - entry.seen > STALE_MS) this.last.delete(key);
  }

  /** Container UUID → the engine and container ID to read, with its limits; or why it cannot be read. */
  private locate(): Map<string, Target | SampleUnavailable> {
    const raw = this.mirror.raw;
    const out = new Map<string, Target | SampleUnavailable>();
    const managerNode = raw.info.Swarm?.NodeID;
    for (const c of raw.containers.values()) {
      // A swarm task's container on the manager is the task (below), not a container of its own.
      if (c.Config.Labels?.[LABEL.swarmTask]) continue;
      const hc = c.HostConfig;
      const cpuLimit = hc.NanoCpus ? hc.NanoCpus / 1e9 : hc.CpuQuota && hc.CpuQuota > 0 ? hc.CpuQuota / (hc.CpuPeriod || 100_000) : null;
      out.set(uuidFor('container', c.Id), { key: c.Id, docker: this.mirror.docker, id: c.Id, cpuLimit, memoryLimit: hc.Memory || null });
    }
    for (const t of raw.tasks.values()) {
      const uuid = uuidFor('container', t.ID);
      const id = t.Status.ContainerStatus?.ContainerID;
      if (!id) {
        out.set(uuid, { unavailable: `the task has no container (${t.Status.State})` });
        continue;
      }
      const docker = t.NodeID === managerNode ? this.mirror.docker : t.NodeID ? this.engineOfNode(t.NodeID) : undefined;
      if (!docker) {
        out.set(uuid, { unavailable: nodeEngineNeeded(this.mirror, t.NodeID, 'the metrics of') });
        continue;
      }
      const limits = raw.services.get(t.ServiceID)?.Spec.TaskTemplate.Resources?.Limits;
      out.set(uuid, { key: id, docker, id, cpuLimit: limits?.NanoCPUs ? limits.NanoCPUs / 1e9 : null, memoryLimit: limits?.MemoryBytes || null });
    }
    return out;
  }
}

function toReading(stats: EngineStats): Reading {
  let rx = 0;
  let tx = 0;
  for (const n of Object.values(stats.networks ?? {})) {
    rx += n.rx_bytes ?? 0;
    tx += n.tx_bytes ?? 0;
  }
  let read = 0;
  let write = 0;
  for (const entry of stats.blkio_stats?.io_service_bytes_recursive ?? []) {
    const op = entry.op.toLowerCase();
    if (op === 'read') read += entry.value;
    else if (op === 'write') write += entry.value;
  }
  const m = stats.memory_stats;
  // As the docker CLI: the page cache that can be dropped does not count (cgroup v2 inactive_file, v1 total_inactive_file / cache).
  const cache = m?.stats?.['inactive_file'] ?? m?.stats?.['total_inactive_file'] ?? m?.stats?.['cache'] ?? 0;
  const memory = m?.usage === undefined ? null : Math.max(0, m.usage - (cache < m.usage ? cache : 0));
  return { at: Date.parse(stats.read) || Date.now(), cpuNs: stats.cpu_stats?.cpu_usage?.total_usage ?? null, rx, tx, read, write, memory };
}

function toSample(now: Reading, before: Reading | undefined, target: Target): ContainerSample {
  const seconds = before ? (now.at - before.at) / 1000 : 0;
  // A counter that went back: the container restarted (a new cgroup) between the readings.
  const rate = (a: number, b: number | undefined) => (seconds > 0 && b !== undefined && a >= b ? (a - b) / seconds : null);
  const cpu = seconds > 0 && now.cpuNs !== null && before?.cpuNs != null && now.cpuNs >= before.cpuNs
    ? ((now.cpuNs - before.cpuNs) / (seconds * 1e9)) * 100 : null;
  return {
    cpuPercent: cpu,
    cpuLimitCores: target.cpuLimit,
    memoryBytes: now.memory,
    memoryLimitBytes: target.memoryLimit,
    netRxBps: rate(now.rx, before?.rx),
    netTxBps: rate(now.tx, before?.tx),
    blockReadBps: rate(now.read, before?.read),
    blockWriteBps: rate(now.write, before?.write),
  };
}
