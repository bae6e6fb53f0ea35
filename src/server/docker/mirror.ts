// A live mirror of an engine, as an informer: list once, then follow the engine's event stream and re-read only
// what an event touched; never poll on a timer. After every batch of changes the Docker Cloud view is projected
// again and what differs is announced (create, update, and Terminated for what the engine no longer has). When
// the event stream drops, it reconnects, lists everything again and reconciles, so that no change is lost: a
// client sees the same events either way.
import type Docker from 'dockerode';
import type { KindName, WireObject } from '../../domain/index.js';
import { toRfc2822 } from '../../domain/index.js';
import type { Change } from '../backend.js';
import { project } from './project.js';
import { isSwarm, LABEL, type EngineContainer, type EngineInfo, type RawState, type SwarmNode, type SwarmService, type SwarmTask } from './raw.js';

/** Objects the engine no longer has stay, Terminated, this long (as the sim keeps its terminated objects). */
const RETAIN_MS = 5 * 60_000;
/** Swarm tasks on other nodes change without an event on the manager: after a service or node event, read the
 *  tasks again a few times while the swarm converges (a bounded follow-up to an event, not a poll). */
const FOLLOW_UP_MS = [300, 1000, 2500, 6000, 15000];
const INSPECT_CONCURRENCY = 16;
const RECONNECT_MS = [250, 500, 1000, 2000, 5000];

interface EngineEvent { Type: string; Action: string; Actor?: { ID?: string; Attributes?: Record<string, string> }; timeNano?: number; time?: number }

interface Entry { kind: KindName; object: WireObject; json: string; version: number; goneAt?: number }

export class Mirror {
  raw: RawState = { info: { ID: '', Name: '', ServerVersion: '', Driver: '', NCPU: 0, MemTotal: 0 }, containers: new Map(), services: new Map(), tasks: new Map(), nodes: new Map(), seenAt: 0 };
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<(change: Change) => void>();
  private readonly waiters = new Set<() => void>();
  private pending = { containers: new Set<string>(), services: new Set<string>(), tasksOf: new Set<string>(), nodes: false, allTasks: false };
  private flushing: Promise<void> | null = null;
  private flushQueued = false;
  /** False while everything is being listed: events meanwhile wait, and are applied on top of the listing. */
  private listed = false;
  private readonly streams: NodeJS.ReadableStream[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;
  private versionCounter = 0;
  /** The engine answered the last time we asked: false while its event stream is down. */
  connected = false;
  lastError: string | null = null;

  /** `workers`: engines of other swarm nodes (by hostname), followed for their containers' events too. */
  constructor(readonly docker: Docker, readonly namespace: string, readonly workers: ReadonlyMap<string, Docker> = new Map()) {}

  get swarm(): boolean {
    return isSwarm(this.raw.info);
  }

  /** Lists the engine and starts following it; rejects when the engine does not answer. */
  async start(): Promise<void> {
    await this.connect(this.docker, true);
    for (const worker of this.workers.values()) void this.connect(worker, false).catch(() => { /* retried in follow() */ });
  }

  close(): void {
    this.closed = true;
    for (const s of this.streams) (s as unknown as { destroy?: () => void }).destroy?.();
    for (const t of this.timers) clearTimeout(t);
  }

  subscribe(listener: (change: Change) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(kind: KindName): WireObject[] {
    const out: WireObject[] = [];
    for (const e of this.entries.values()) if (e.kind === kind) out.push(e.object);
    return out;
  }

  get(uri: string): WireObject | undefined {
    return this.entries.get(uri)?.object;
  }

  version(object: WireObject): number {
    return this.entries.get(object.resource_uri)?.version ?? 0;
  }

  /** Re-reads what an operation changed (without waiting for its event), then projects. */
  async refresh(what: { containers?: string[]; services?: string[]; tasksOf?: string[]; nodes?: boolean }): Promise<void> {
    for (const id of what.containers ?? []) this.pending.containers.add(id);
    for (const id of what.services ?? []) this.pending.services.add(id);
    for (const id of what.tasksOf ?? []) this.pending.tasksOf.add(id);
    if (what.nodes) this.pending.nodes = true;
    await this.flush();
  }

  /**
   * Resolves once `done` holds after a projection, rejects with `timeoutMessage` after `timeoutMs`. `nudge`, if
   * given, re-reads what the operation waits on while it waits (swarm tasks on other nodes send no events here).
   */
  waitUntil(done: () => boolean, timeoutMs: number, timeoutMessage: () => string, nudge?: () => Promise<void>): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      let nudging: NodeJS.Timeout | undefined;
      const check = () => {
        if (!done()) return;
        finish();
        resolve();
      };
      const finish = () => {
        this.waiters.delete(check);
        clearTimeout(timer);
        if (nudging) clearTimeout(nudging);
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(timeoutMessage()));
      }, timeoutMs);
      timer.unref();
      this.waiters.add(check);
      if (nudge) {
        const again = () => {
          nudging = setTimeout(() => void nudge().catch(() => {}).then(() => this.waiters.has(check) && again()), 500);
          nudging.unref();
        };
        again();
      }
    });
  }

  // ── following the engine ──────────────────────────────────────────────────────────────────────────

  /** Subscribes to an engine's events (first, so that nothing between the listing and the stream is missed), lists. */
  private async connect(docker: Docker, main: boolean): Promise<void> {
    const stream = await docker.getEvents({ filters: { type: ['container', 'service', 'node'] } });
    this.streams.push(stream);
    let buffer = '';
    stream.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (!line) continue;
        try {
          this.onEvent(JSON.parse(line) as EngineEvent, main);
        } catch {
          // A line that is not an event: ignore it.
        }
      }
    });
    const lost = () => {
      if (this.closed || !this.streams.includes(stream)) return;
      this.streams.splice(this.streams.indexOf(stream), 1);
      if (main) this.connected = false;
      this.reconnect(docker, main, 0);
    };
    stream.on('end', lost);
    stream.on('error', lost);
    stream.on('close', lost);
    if (main) {
      await this.relist();
      this.connected = true;
      this.lastError = null;
    } else {
      this.pending.allTasks = true;
      void this.flush();
    }
  }

  private reconnect(docker: Docker, main: boolean, attempt: number): void {
    const delay = RECONNECT_MS[Math.min(attempt, RECONNECT_MS.length - 1)]!;
    this.later(delay, () => {
      this.connect(docker, main).catch((error: unknown) => {
        if (main) this.lastError = (error as Error).message;
        this.reconnect(docker, main, attempt + 1);
      });
    });
  }

  private later(ms: number, run: () => void): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.closed) run();
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }

  private onEvent(e: EngineEvent, main: boolean): void {
    const id = e.Actor?.ID ?? '';
    if (e.Type === 'container') {
      if (e.Action.startsWith('exec_')) return; // a shell opened or ended: nothing of the container changed
      const service = e.Actor?.Attributes?.[LABEL.swarmService];
      if (main) this.pending.containers.add(id);
      if (service) {
        // The node reports a task's new state to the manager a moment after its container changed: read again.
        this.pending.tasksOf.add(service);
        this.followUp(() => this.pending.tasksOf.add(service));
      }
    } else if (e.Type === 'service') {
      this.pending.services.add(id);
      this.pending.tasksOf.add(id);
      this.followUp(() => this.pending.tasksOf.add(id));
    } else if (e.Type === 'node') {
      this.pending.nodes = true;
      this.pending.allTasks = true;
      this.followUp(() => {
        this.pending.nodes = true;
        this.pending.allTasks = true;
      });
    }
    void this.flush().catch(() => {});
  }

  private followUp(mark: () => void): void {
    for (const ms of FOLLOW_UP_MS) this.later(ms, () => {
      mark();
      void this.flush().catch(() => {});
    });
  }

  // ── reading the engine ────────────────────────────────────────────────────────────────────────────

  /** Everything, from scratch: at start and after every reconnect. */
  private async relist(): Promise<void> {
    this.listed = false;
    try {
      await this.listAll();
    } finally {
      this.listed = true;
    }
    void this.flush().catch(() => {}); // what happened while listing
  }

  private async listAll(): Promise<void> {
    const info = await this.docker.info() as EngineInfo;
    const summaries = await this.docker.listContainers({ all: true });
    const containers = new Map<string, EngineContainer>();
    await eachLimited(summaries.map((s) => s.Id), INSPECT_CONCURRENCY, async (id) => {
      const c = await this.inspectContainer(id);
      if (c) containers.set(id, c);
    });
    const raw: RawState = { info, containers, services: new Map(), tasks: new Map(), nodes: new Map(), seenAt: Date.now() };
    if (isSwarm(info)) {
      const [services, tasks, nodes] = await Promise.all([this.docker.listServices(), this.docker.listTasks(), this.docker.listNodes()]);
      for (const s of services as unknown as SwarmService[]) raw.services.set(s.ID, s);
      for (const t of tasks as SwarmTask[]) raw.tasks.set(t.ID, t);
      for (const n of nodes as unknown as SwarmNode[]) raw.nodes.set(n.ID, n);
    }
    this.raw = raw;
    this.reproject();
  }

  private async inspectContainer(id: string): Promise<EngineContainer | undefined> {
    try {
      return await this.docker.getContainer(id).inspect() as unknown as EngineContainer;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  /** Applies what is pending, one batch at a time; changes that arrive meanwhile make one more batch. */
  private flush(): Promise<void> {
    if (!this.listed) return Promise.resolve();
    if (this.flushing) {
      this.flushQueued = true;
      return this.flushing;
    }
    this.flushing = (async () => {
      do {
        this.flushQueued = false;
        await new Promise((r) => setImmediate(r)); // the rest of this turn's events join the batch
        const batch = this.pending;
        this.pending = { containers: new Set(), services: new Set(), tasksOf: new Set(), nodes: false, allTasks: false };
        try {
          await this.apply(batch);
        } catch (error) {
          this.lastError = (error as Error).message; // the engine went away: the reconnect relists
        }
        this.reproject();
      } while (this.flushQueued && !this.closed);
    })().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async apply(batch: Mirror['pending']): Promise<void> {
    const { raw, docker } = this;
    await eachLimited([...batch.containers], INSPECT_CONCURRENCY, async (id) => {
      const c = await this.inspectContainer(id);
      if (c) raw.containers.set(id, c);
      else raw.containers.delete(id);
    });
    if (!this.swarm) return;
    await eachLimited([...batch.services], INSPECT_CONCURRENCY, async (id) => {
      try {
        raw.services.set(id, await docker.getService(id).inspect() as SwarmService);
      } catch (error) {
        if (statusOf(error) !== 404) throw error;
        raw.services.delete(id);
        for (const [taskId, t] of raw.tasks) if (t.ServiceID === id) raw.tasks.delete(taskId);
      }
    });
    if (batch.nodes) {
      raw.nodes = new Map((await docker.listNodes() as unknown as SwarmNode[]).map((n) => [n.ID, n]));
    }
    if (batch.allTasks) {
      raw.tasks = new Map((await docker.listTasks() as SwarmTask[]).map((t) => [t.ID, t]));
    } else if (batch.tasksOf.size) {
      const ids = [...batch.tasksOf].filter((id) => raw.services.has(id));
      if (ids.length) {
        const fresh = await docker.listTasks({ filters: { service: ids } }) as SwarmTask[];
        const wanted = new Set(ids);
        for (const [taskId, t] of raw.tasks) if (wanted.has(t.ServiceID)) raw.tasks.delete(taskId);
        for (const t of fresh) raw.tasks.set(t.ID, t);
      }
    }
  }

  // ── announcing ────────────────────────────────────────────────────────────────────────────────────

  private reproject(): void {
    const now = Date.now();
    const next = project(this.raw, this.namespace);
    const changes: Change[] = [];
    for (const [uri, p] of next) {
      const entry = this.entries.get(uri);
      if (entry && entry.object === p.object && !entry.goneAt) continue; // projected from unchanged engine objects
      const json = JSON.stringify(p.object);
      if (entry && entry.json === json && !entry.goneAt) {
        entry.object = p.object;
        continue;
      }
      this.entries.set(uri, { kind: p.kind, object: p.object, json, version: ++this.versionCounter });
      changes.push({ namespace: this.namespace, kind: p.kind, action: entry ? 'update' : 'create', object: p.object });
    }
    for (const [uri, entry] of this.entries) {
      if (next.has(uri)) continue;
      if (entry.goneAt === undefined) {
        // The engine no longer has it: it was terminated (removed, or pruned from the swarm's task history).
        const object = gone(entry.kind, entry.object, now);
        this.entries.set(uri, { ...entry, object, json: JSON.stringify(object), version: ++this.versionCounter, goneAt: now });
        if (entry.object['state'] !== 'Terminated') changes.push({ namespace: this.namespace, kind: entry.kind, action: 'update', object });
      } else if (now - entry.goneAt > RETAIN_MS) {
        this.entries.delete(uri);
        changes.push({ namespace: this.namespace, kind: entry.kind, action: 'delete', object: entry.object });
      }
    }
    for (const change of changes) for (const listener of this.listeners) listener(change);
    for (const waiter of [...this.waiters]) waiter();
  }
}

function gone(kind: KindName, object: WireObject, now: number): WireObject {
  const out: WireObject = { ...object, state: 'Terminated', destroyed_datetime: object['destroyed_datetime'] ?? toRfc2822(now) };
  if (kind === 'service') Object.assign(out, { current_num_containers: 0, running_num_containers: 0, stopped_num_containers: 0, containers: [] });
  if (kind === 'stack') out['services'] = object['services'];
  return out;
}

export function statusOf(error: unknown): number | undefined {
  return (error as { statusCode?: number }).statusCode;
}

/** Runs `run` over `items`, at most `limit` at a time. */
async function eachLimited<T>(items: readonly T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await run(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
