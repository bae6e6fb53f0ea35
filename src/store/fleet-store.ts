// The live store: a normalized cache of the fleet that stays true. The first listing and every resync list all
// kinds (in parallel, large pages); events patch an object's state at once, then the object (and the parents whose
// counters it moves) is re-fetched, coalesced and batched; terminated objects stay a while, marked, then leave.
// Subscribers receive immutable snapshots at most maxFps times a second, never one per event.
import { ActionTracker } from '../api/actions.js';
import type { DockerCloudClient, ListOptions } from '../api/client.js';
import { DockerCloudError } from '../api/errors.js';
import type { EventStream, StreamHealth } from '../api/events.js';
import { parsePath, parseWireDate, summaryOf, type CloudEvent, type KindName, type WireObject, type WireOf } from '../domain/index.js';
import { FetchQueue } from './fetch-queue.js';
import { LayeredMap } from './layered-map.js';
import { describeProblem } from './problem.js';
import { ChildIndex, STORE_KINDS, type KindMaps, type Snapshot, type StoreKind } from './snapshot.js';

export interface StoreOptions {
  /** At most this many snapshots a second (the monitor uses at most 30). */
  maxFps?: number;
  /** How long events gather before their re-fetches start. */
  batchDelayMs?: number;
  fetchConcurrency?: number;
  /** How long terminated objects stay... */
  terminatedRetentionMs?: number;
  /** ...and how many of them at most (the oldest go first): under churn they would grow with its rate. */
  terminatedLimit?: number;
  /** How many of the newest actions are kept. */
  actionLimit?: number;
  /** How many of the newest events are kept for the events view (each a few hundred bytes). */
  eventHistory?: number;
  /**
   * Keep each object without its details (DETAIL_FIELDS: env vars and links), as the monitor does, which fetches
   * them for the one object it inspects: at 10,000 containers the store then holds a quarter of the memory. dctop
   * serve is asked for summaries (listings and events a quarter of the bytes); other APIs send whole objects.
   */
  summaries?: boolean;
  /** Record event-to-snapshot latencies (for benchmarks). */
  measure?: boolean;
  /**
   * While the stream is live, everything is listed again this often and reconciled (as informers resync), so
   * that a lost event or a fetch that kept failing is repaired; 0 turns it off.
   */
  resyncIntervalMs?: number;
}

/** Delays between the attempts of a re-fetch that failed (after the REST client's own retries). */
const REFETCH_BACKOFF_MS = [1000, 2000, 5000, 10_000, 30_000];

const isStoreKind = (kind: string): kind is StoreKind => (STORE_KINDS as readonly string[]).includes(kind);
type AnyObject = Readonly<WireObject>;

/**
 * Which parents to re-fetch when a child changes, for APIs that announce only state changes: a parent's counters
 * move with every change of its children's state (a service's running_num_containers, a cluster's
 * current_num_nodes); its lists of children only when a child comes or goes (a node's containers, a stack's services).
 */
const PARENTS_ON_CHANGE: Partial<Record<StoreKind, string[]>> = { container: ['service'], node: ['nodecluster'] };
const PARENTS_ON_MEMBERSHIP: Partial<Record<StoreKind, string[]>> = { container: ['service', 'node'], node: ['nodecluster'], service: ['stack'] };

export class FleetStore {
  readonly events: EventStream;
  readonly actions: ActionTracker;
  private readonly options: Required<StoreOptions>;
  private readonly maps = Object.fromEntries(STORE_KINDS.map((k) => [k, new Map<string, AnyObject>()])) as Record<StoreKind, Map<string, AnyObject>>;
  private readonly terminatedAt = new Map<string, number>();
  /**
   * URIs the server deleted, and when: a fetch that was already under way when the delete event came must not
   * bring the object back (nothing would ever remove it again).
   */
  private readonly deleted = new Map<string, number>();
  /** Objects whose last re-fetch failed, and how many times: the store may be wrong about them. */
  private readonly doubtful = new Map<string, number>();
  /** Bumped when a resync replaces the cache: an answer to a fetch begun before that may be older than the lists. */
  private generation = 0;
  /** Per kind, what changed since the last snapshot (undefined: removed). */
  private readonly pending = Object.fromEntries(STORE_KINDS.map((k) => [k, new Map<string, AnyObject | undefined>()])) as Record<StoreKind, Map<string, AnyObject | undefined>>;
  private readonly indexes = {
    nodesOfCluster: new ChildIndex<AnyObject>((o) => o['node_cluster'] as string | null),
    containersOfNode: new ChildIndex<AnyObject>((o) => o['node'] as string | null),
    servicesOfStack: new ChildIndex<AnyObject>((o) => o['stack'] as string | null),
    containersOfService: new ChildIndex<AnyObject>((o) => o['service'] as string | null),
  };
  private changed = new Set<string>();
  /** terminatedAt's changes since the last snapshot (undefined: no longer terminated). */
  private readonly pendingTerminated = new Map<string, number | undefined>();
  /** How many containers are in each state, kept as they change (the header shows it every frame). */
  private readonly containerStates: Record<string, number> = {};
  private containerStatesChanged = false;
  /** The newest events (up to eventHistory, trimmed in batches), and how many have arrived in all. */
  private recent: CloudEvent[] = [];
  private eventsSeen = 0;
  private recentChanged = false;
  /** The snapshot's list of recent events, made only when read (few views read it, and it is 10,000 long). */
  private recentList: (() => readonly CloudEvent[]) | null = null;
  private readonly fetches: FetchQueue;
  private readonly listeners = new Set<(snapshot: Snapshot) => void>();
  private snapshot: Snapshot;
  private emitTimer: NodeJS.Timeout | null = null;
  private lastEmit = 0;
  private complete = false;
  private syncing = false;
  private buffered: CloudEvent[] = [];
  private staleSince: number | null = Date.now();
  private error: string | null = null;
  /** The last problem the health gave: kept while an attempt is under way (connecting), so that it does not blink. */
  private healthProblem: string | null = null;
  private readonly rate: number[] = new Array(60).fill(0);
  private rateSecond = Math.floor(Date.now() / 1000);
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly pendingLatency: number[] = [];
  private closed = false;
  /** Counters for tests and benchmarks. */
  readonly stats = { events: 0, fetches: 0, relists: 0, snapshots: 0, latencies: [] as number[] };

  constructor(readonly client: DockerCloudClient, options: StoreOptions = {}) {
    this.options = {
      maxFps: options.maxFps ?? 10,
      batchDelayMs: options.batchDelayMs ?? 100,
      fetchConcurrency: options.fetchConcurrency ?? 8,
      terminatedRetentionMs: options.terminatedRetentionMs ?? 60_000,
      actionLimit: options.actionLimit ?? 500,
      eventHistory: options.eventHistory ?? 10_000,
      terminatedLimit: options.terminatedLimit ?? 2_000,
      summaries: options.summaries ?? false,
      measure: options.measure ?? false,
      resyncIntervalMs: options.resyncIntervalMs ?? 5 * 60_000,
    };
    this.events = client.events({ summaries: this.options.summaries });
    this.actions = new ActionTracker(client, this.events);
    this.fetches = new FetchQueue((uri) => this.refetch(uri), {
      batchDelayMs: this.options.batchDelayMs, concurrency: this.options.fetchConcurrency,
      // The containers of one service that changed together (a redeploy, a scale) come back in one list.
      groupOf: (uri) => (this.maps.container.get(uri)?.['service'] as string | undefined) ?? null,
      fetchGroup: (service, uris) => this.refetchContainersOf(service, uris),
    });
    this.snapshot = this.build();
    this.events.onEvent((event) => this.onEvent(event));
    this.events.onHealth((health) => this.onHealth(health));
    this.events.onConnected(() => void this.resync());
    this.timers.push(setInterval(() => this.sweep(), 1000));
    if (this.options.resyncIntervalMs > 0) {
      const timer = setInterval(() => {
        if (this.complete && this.events.health.state === 'live') void this.resync();
      }, this.options.resyncIntervalMs);
      timer.unref();
      this.timers.push(timer);
    }
  }

  /**
   * Connects and lists everything; resolves with the first complete snapshot. Rejects (with the problem, readable)
   * if the credentials or the namespace are refused, or the first listing fails: the stream goes on trying (slowly
   * after an authentication failure), and a later success still fills the store.
   */
  async start(): Promise<Snapshot> {
    this.events.start();
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        const health = this.events.health;
        if (this.complete) resolve();
        else if (health.state === 'auth_failed' || health.state === 'namespace_refused' || (this.error && !this.syncing)) {
          this.emitNow(); // subscribers see why
          reject(new Error(this.snapshot.problem ?? this.error ?? 'the API refused the connection'));
        } else setTimeout(check, 10);
      };
      check();
    });
    this.emitNow();
    return this.snapshot;
  }

  /**
   * Tries again now, whatever the wait: the event stream reconnects at once with its backoff reset (from
   * reconnecting, auth failed or namespace refused), and the fleet is listed again once it is open. While live,
   * only the listing.
   */
  reconnect(): void {
    if (this.closed) return;
    if (this.events.health.state === 'live') void this.resync();
    else if (this.events.health.state === 'closed') this.events.start();
    else this.events.reconnect();
  }

  getSnapshot = (): Snapshot => this.snapshot;

  subscribe = (listener: (snapshot: Snapshot) => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Catalogue kinds, loaded when asked for and kept. */
  private readonly catalogue = new Map<string, Promise<unknown[]>>();
  loadCatalogue<K extends 'provider' | 'region' | 'az' | 'nodetype' | 'registry'>(kind: K): Promise<WireOf[K][]> {
    let loading = this.catalogue.get(kind);
    if (!loading) this.catalogue.set(kind, (loading = this.client.listAll(kind)));
    return loading as Promise<WireOf[K][]>;
  }

  close(): void {
    this.closed = true;
    this.events.close();
    this.actions.close();
    this.fetches.close();
    if (this.emitTimer) clearTimeout(this.emitTimer);
    this.timers.forEach(clearInterval);
  }

  // ── sync ───────────────────────────────────────────────────────────────────────────────────────────

  /** Lists every kind and replaces what the store holds; events that arrive meanwhile are applied afterwards. */
  private async resync(): Promise<void> {
    if (this.syncing || this.closed) return;
    this.syncing = true;
    this.stats.relists++;
    this.scheduleEmit();
    try {
      const lists = await Promise.all(STORE_KINDS.map((kind) =>
        kind === 'action'
          ? this.client.list('action', { limit: this.options.actionLimit }).then((page) => page.objects)
          : this.client.listAll(kind, {}, this.listing)));
      if (this.closed) return;
      this.generation++;
      // The API lists actions newest first; the store keeps them in the order they happened, as live ones arrive.
      STORE_KINDS.forEach((kind, i) => this.replaceKind(kind, (kind === 'action' ? [...lists[i]!].reverse() : lists[i]) as unknown as AnyObject[]));
      this.doubtful.clear(); // the lists are the truth now
      this.complete = true;
      this.error = null;
      const buffered = this.buffered;
      this.buffered = [];
      this.syncing = false;
      // Events that came while listing may be older than the lists: their bodies are not trusted, a fetch confirms.
      for (const event of buffered) this.onEvent(event, true);
    } catch (error) {
      this.error = `could not list the fleet: ${(error as Error).message}`;
      this.syncing = false;
      // 401, or the namespace refused: the health says so (and the stream decides when to try again).
      if (error instanceof DockerCloudError && !this.closed) this.events.refused(error);
      // The socket is up but the lists failed: try again shortly (the REST client already retried GETs).
      if (!this.closed && this.events.health.state === 'live') setTimeout(() => void this.resync(), 2000).unref();
    }
    this.refreshStale();
    this.scheduleEmit();
  }

  /** Reconciles one kind with a fresh listing: new and changed objects in, vanished ones out. */
  private replaceKind(kind: StoreKind, fresh: AnyObject[]): void {
    const map = this.maps[kind];
    const seen = new Set<string>();
    for (const listed of fresh) {
      const object = this.admitted(kind, listed);
      seen.add(object.resource_uri);
      if (this.isExpired(object)) {
        // Terminated longer ago than we keep such objects (an outage longer than the retention): what we hold of
        // it, perhaps still Running, goes too, or it would stay a ghost for good.
        this.remove(kind, object.resource_uri);
        continue;
      }
      const old = map.get(object.resource_uri);
      if (!old || JSON.stringify(old) !== JSON.stringify(object)) this.put(kind, object);
    }
    for (const uri of map.keys()) if (!seen.has(uri)) this.remove(kind, uri);
  }

  // ── events ─────────────────────────────────────────────────────────────────────────────────────────

  private onEvent(event: CloudEvent, replayed = false): void {
    if (this.syncing) {
      this.buffered.push(event);
      return;
    }
    this.countEvent();
    const { dctop_object: carried, ...plain } = event; // the history keeps the events, not a copy of each object
    this.recent.push(plain);
    this.eventsSeen++;
    const history = this.options.eventHistory;
    if (this.recent.length > history + history / 10) {
      // A new array, not a splice: snapshots not yet asked for their events still read the old one.
      this.recent = this.recent.slice(this.recent.length - history);
    }
    this.recentChanged = true;
    this.scheduleEmit();
    if (!isStoreKind(event.type)) return;
    const kind = event.type;
    const uri = event.resource_uri;
    if (event.action === 'delete') {
      this.deleted.set(uri, Date.now());
      this.remove(kind, uri);
      return;
    }
    if (carried && carried.resource_uri === uri && !replayed) {
      // dctop serve sends the object with its event, and announces every change (a parent's counters too): nothing
      // to fetch. Other APIs send the state alone, which is patched in and confirmed by a fetch below.
      if (this.options.measure) this.pendingLatency.push(performance.now());
      if (!this.deleted.has(uri)) {
        // A termination seen live is recent, whatever the object's own date says (a simulated or skewed clock).
        if (carried['state'] === 'Terminated' && !this.terminatedAt.has(uri)) this.setTerminated(uri, Date.now());
        this.put(kind, carried as AnyObject);
      }
      this.trusted(uri);
      return;
    }
    const existing = this.maps[kind].get(uri);
    if (existing && existing['state'] !== event.state) {
      // Events patch: the new state shows at once; the fetch below confirms the rest.
      this.put(kind, { ...existing, state: event.state });
      if (this.options.measure) this.pendingLatency.push(performance.now());
    }
    this.fetches.add(uri);
    const membership = event.action === 'create' || event.state === 'Terminated';
    const parents = (membership ? PARENTS_ON_MEMBERSHIP : PARENTS_ON_CHANGE)[kind] ?? [];
    for (const parent of event.parents) {
      const parentKind = parsePath(parent)?.kind;
      if (parentKind && parents.includes(parentKind)) this.fetches.add(parent);
    }
  }

  private async refetch(uri: string): Promise<void> {
    const kind = parsePath(uri)?.kind as KindName | undefined;
    if (!kind || !isStoreKind(kind)) return;
    this.stats.fetches++;
    const generation = this.generation;
    try {
      const object = await this.client.fetch<AnyObject>(uri);
      if (this.closed) return;
      this.accept(kind, uri, object, generation);
      this.trusted(uri);
    } catch (error) {
      if ((error as { kind?: string }).kind === 'not_found') {
        this.remove(kind, uri);
        this.trusted(uri);
      } else {
        if (error instanceof DockerCloudError && error.kind === 'auth' && !this.closed) this.events.refused(error);
        this.doubt(uri, `could not fetch ${uri}: ${(error as Error).message}`);
      }
    }
  }

  /**
   * What we hold of `uri` may be wrong (its re-fetch failed): the data says stale until a later attempt, with
   * backoff, brings it back (or a resync lists it).
   */
  private doubt(uri: string, message: string): void {
    if (this.closed) return;
    this.error = message;
    const attempt = this.doubtful.get(uri) ?? 0;
    this.doubtful.set(uri, attempt + 1);
    this.staleSince ??= Date.now();
    const timer = setTimeout(() => {
      if (!this.closed && this.doubtful.has(uri)) this.fetches.add(uri);
    }, REFETCH_BACKOFF_MS[Math.min(attempt, REFETCH_BACKOFF_MS.length - 1)]);
    timer.unref();
    this.scheduleEmit();
  }

  private trusted(uri: string): void {
    if (!this.doubtful.delete(uri)) return;
    if (this.doubtful.size === 0) this.error = null;
    this.refreshStale();
    this.scheduleEmit();
  }

  /** A fetched object is taken, unless it was deleted meanwhile or the fetch began before a resync (asked again). */
  private accept(kind: StoreKind, uri: string, object: AnyObject, generation: number): void {
    if (this.deleted.has(uri)) return;
    if (generation !== this.generation) {
      this.fetches.add(uri); // maybe older than the resync's listing
      return;
    }
    if (!this.isExpired(object)) this.put(kind, object);
  }

  /** Some containers of a service, with one listing of the service's containers. */
  private async refetchContainersOf(service: string, uris: string[]): Promise<void> {
    this.stats.fetches++;
    const generation = this.generation;
    let listed: AnyObject[];
    try {
      listed = await this.client.listAll('container', { service }, this.listing) as unknown as AnyObject[];
    } catch (error) {
      if (error instanceof DockerCloudError && error.kind === 'auth' && !this.closed) this.events.refused(error);
      for (const uri of uris) this.doubt(uri, `could not list the containers of ${service}: ${(error as Error).message}`);
      return;
    }
    if (this.closed) return;
    // Only the ones asked for: another container of the service may have a newer answer on its way.
    const wanted = new Set(uris);
    for (const object of listed) {
      if (!wanted.delete(object.resource_uri)) continue;
      this.accept('container', object.resource_uri, object, generation);
      this.trusted(object.resource_uri);
    }
    // Not under that service any more (or gone): each on its own, where a 404 removes it.
    await Promise.all([...wanted].map((uri) => this.refetch(uri)));
  }

  /** Going down makes the data stale at once; only a completed resync makes it fresh again. */
  private onHealth(health: StreamHealth): void {
    if (health.state !== 'live' && this.staleSince === null) this.staleSince = Date.now();
    this.scheduleEmit();
  }

  /** Fresh only when live, listed, and nothing the store holds is in doubt. */
  private refreshStale(): void {
    if (this.events.health.state === 'live' && !this.syncing && this.complete && this.doubtful.size === 0) this.staleSince = null;
  }

  // ── the cache ──────────────────────────────────────────────────────────────────────────────────────

  /** How the store lists: summaries where it keeps them (dctop serve sends them, other APIs whole objects). */
  private get listing(): ListOptions {
    return { summaries: this.options.summaries };
  }

  /** What the store keeps of an object: all of it, or its summary. */
  private admitted(kind: StoreKind, object: AnyObject): AnyObject {
    return this.options.summaries ? summaryOf(kind, object) : object;
  }

  private put(kind: StoreKind, whole: AnyObject): void {
    const object = this.admitted(kind, whole);
    const frozen = Object.isFrozen(object) ? object : Object.freeze(object);
    const before = this.maps[kind].get(object.resource_uri);
    this.maps[kind].set(object.resource_uri, frozen);
    if (object['state'] === 'Terminated') {
      if (!this.terminatedAt.has(object.resource_uri)) this.setTerminated(object.resource_uri, this.terminationTime(object));
    } else {
      this.setTerminated(object.resource_uri, undefined);
    }
    this.touched(kind, object.resource_uri, before, frozen);
    if (kind === 'action' && this.maps.action.size > this.options.actionLimit) {
      this.remove('action', this.maps.action.keys().next().value as string);
    }
  }

  private remove(kind: StoreKind, uri: string): void {
    const before = this.maps[kind].get(uri);
    if (!before) return;
    this.maps[kind].delete(uri);
    this.setTerminated(uri, undefined);
    this.touched(kind, uri, before, undefined);
  }

  /** Past the limit, the terminated objects held longest go (terminatedAt is in the order they were marked). */
  private dropOldestTerminated(): void {
    for (const uri of this.terminatedAt.keys()) {
      if (this.terminatedAt.size <= this.options.terminatedLimit) return;
      const kind = parsePath(uri)?.kind;
      if (kind && isStoreKind(kind)) this.remove(kind, uri);
      this.setTerminated(uri, undefined);
    }
  }

  /** When an object was terminated (undefined: it is not, or gone), also for the next snapshot. */
  private setTerminated(uri: string, at: number | undefined): void {
    if (at === undefined) {
      if (!this.terminatedAt.delete(uri)) return;
    } else {
      const fresh = !this.terminatedAt.has(uri);
      this.terminatedAt.set(uri, at);
      if (fresh) this.dropOldestTerminated();
    }
    this.pendingTerminated.set(uri, at);
  }

  private touched(kind: StoreKind, uri: string, before: AnyObject | undefined, after: AnyObject | undefined): void {
    this.pending[kind].set(uri, after);
    if (kind === 'node') this.indexes.nodesOfCluster.move(uri, before, after);
    if (kind === 'service') this.indexes.servicesOfStack.move(uri, before, after);
    if (kind === 'container') {
      this.indexes.containersOfNode.move(uri, before, after);
      this.indexes.containersOfService.move(uri, before, after);
      const [was, is] = [before?.['state'] as string | undefined, after?.['state'] as string | undefined];
      if (was !== is) {
        if (was !== undefined) this.containerStates[was] = (this.containerStates[was] ?? 1) - 1;
        if (is !== undefined) this.containerStates[is] = (this.containerStates[is] ?? 0) + 1;
        this.containerStatesChanged = true;
      }
    }
    this.changed.add(uri);
    this.scheduleEmit();
  }

  private terminationTime(object: AnyObject): number {
    const destroyed = parseWireDate(object['destroyed_datetime'] as string | null);
    return Number.isNaN(destroyed) ? Date.now() : Math.min(destroyed, Date.now());
  }

  private isExpired(object: AnyObject): boolean {
    return object['state'] === 'Terminated' && Date.now() - this.terminationTime(object) > this.options.terminatedRetentionMs;
  }

  /** Terminated objects leave after the retention time. */
  private sweep(): void {
    const now = Date.now();
    for (const [uri, at] of this.deleted) if (now - at > 10 * 60_000) this.deleted.delete(uri);
    for (const [uri, at] of this.terminatedAt) {
      if (now - at <= this.options.terminatedRetentionMs) continue;
      const kind = parsePath(uri)?.kind;
      if (kind && isStoreKind(kind)) this.remove(kind, uri);
      this.setTerminated(uri, undefined);
    }
    this.countEvent(0);
  }

  private countEvent(n = 1): void {
    const second = Math.floor(Date.now() / 1000);
    const advance = Math.min(60, second - this.rateSecond);
    if (advance > 0) {
      // A window of zeros moved along is the same window: an idle fleet gets no snapshots, the monitor no frames.
      const moving = this.rate.some((n) => n > 0);
      this.rate.splice(0, advance);
      for (let i = 0; i < advance; i++) this.rate.push(0);
      this.rateSecond = second;
      if (moving) this.scheduleEmit();
    }
    this.rate[59]! += n;
    this.stats.events += n;
  }

  // ── snapshots ──────────────────────────────────────────────────────────────────────────────────────

  private scheduleEmit(): void {
    if (this.emitTimer || this.closed) return;
    const wait = Math.max(0, this.lastEmit + 1000 / this.options.maxFps - Date.now());
    this.emitTimer = setTimeout(() => {
      this.emitTimer = null;
      this.emitNow();
    }, wait);
  }

  private emitNow(): void {
    this.lastEmit = Date.now();
    this.snapshot = this.build();
    this.stats.snapshots++;
    if (this.pendingLatency.length) {
      const now = performance.now();
      for (const t of this.pendingLatency.splice(0)) this.stats.latencies.push(now - t);
    }
    for (const listener of this.listeners) listener(this.snapshot);
  }

  /** The last eventHistory events as they are now, copied when first asked for (later events are not in it). */
  private recentUpToNow(): () => readonly CloudEvent[] {
    const events = this.recent;
    const end = events.length;
    const history = this.options.eventHistory;
    let list: readonly CloudEvent[] | null = null;
    return () => (list ??= Object.freeze(events.slice(Math.max(0, end - history), end)));
  }

  private build(): Snapshot {
    const previous = this.snapshot as Snapshot | undefined;
    const objects = Object.fromEntries(STORE_KINDS.map((kind) => {
      const before = (previous?.objects[kind] as LayeredMap<string, AnyObject> | undefined) ?? LayeredMap.empty<string, AnyObject>();
      const changes = this.pending[kind];
      const next = changes.size === 0 ? before : before.with(changes);
      changes.clear();
      return [kind, next];
    })) as unknown as KindMaps;
    const changed = this.changed;
    this.changed = new Set();
    const health = this.events.health;
    if (health.state === 'live' || health.state === 'closed') this.healthProblem = null;
    else if (health.state !== 'connecting') this.healthProblem = describeProblem(health, this.client.config, null);
    const problem = this.healthProblem ?? (health.state === 'closed' ? null : describeProblem(health, this.client.config, this.error));
    if (this.recentChanged || !this.recentList) this.recentList = this.recentUpToNow();
    this.recentChanged = false;
    const recentEvents = this.recentList;
    const previousTerminated = (previous?.terminatedAt as LayeredMap<string, number> | undefined) ?? LayeredMap.empty<string, number>();
    const terminatedAt = this.pendingTerminated.size ? previousTerminated.with(this.pendingTerminated) : previousTerminated;
    this.pendingTerminated.clear();
    const containerStates = this.containerStatesChanged || !previous
      ? Object.freeze(Object.fromEntries(Object.entries(this.containerStates).filter(([, n]) => n > 0)))
      : previous.containerStates;
    this.containerStatesChanged = false;
    return frozenSnapshot({
      version: (previous?.version ?? 0) + 1,
      at: Date.now(),
      objects,
      indexes: Object.freeze({
        nodesOfCluster: this.indexes.nodesOfCluster.snapshot(),
        containersOfNode: this.indexes.containersOfNode.snapshot(),
        servicesOfStack: this.indexes.servicesOfStack.snapshot(),
        containersOfService: this.indexes.containersOfService.snapshot(),
      }),
      changed,
      terminatedAt,
      containerStates,
      complete: this.complete,
      health,
      stale: this.staleSince !== null,
      staleSince: this.staleSince,
      eventsSeen: this.eventsSeen,
      eventRate: [...this.rate],
      error: this.error,
      problem,
    }, recentEvents);
  }
}

/**
 * The snapshot, its events read through a getter. Made here, not in build: a getter defined there would share
 * build's closure context, which holds the previous snapshot, and so every snapshot would keep all before it alive.
 */
function frozenSnapshot(fields: Omit<Snapshot, 'recentEvents'>, recentEvents: () => readonly CloudEvent[]): Snapshot {
  return Object.freeze({
    ...fields,
    get recentEvents() {
      return recentEvents();
    },
  });
}
