// The `sim` backend: a simulated cloud behind the Backend interface. This file maps the interface onto the
// simulation's parts (infra, stacks, services, containers, logs, exec); the state machines live in those.
import { randomBytes } from 'node:crypto';
import {
  objectUri, type Container, type KindName, type Node, type NodeCluster, type Repository, type Service,
  type Stack, type WireObject,
} from '../../domain/index.js';
import type {
  ActionHandle, Backend, Change, ExecSession, ExecSink, HandlerRegistry, LogOptions, LogSink, Subscription, Unsupported,
} from '../backend.js';
import { conflict, invalid, missing, notAllowed } from '../backend-errors.js';
import type { RepositoryCreate } from '../backend-inputs.js';
import { buildCatalogue, registriesFor } from './catalogue.js';
import { startChurn } from './churn.js';
import { SimClock, type TimeSource } from './clock.js';
import { boot, redeployInPlace, stop, terminate as terminateContainer } from './containers.js';
import { DURATIONS, type Durations, type Sim } from './context.js';
import { refreshEveryNodeTargets, serviceContainers } from './derive.js';
import { execIn } from './exec.js';
import { buildFleet, type FleetSpec } from './fleet.js';
import {
  checkNodeQuota, createCluster, deployCluster, healthCheck, heartbeat, retagCluster, scaleCluster, terminateCluster, terminateSingleNode,
  upgradeNode,
} from './infra.js';
import { LogStore } from './logs.js';
import { SimMetrics } from './metrics.js';
import { seededRng } from './random.js';
import {
  createService, redeployService, scaleService, startService, stopService, terminateService, updateService, type Cancel,
} from './services.js';
import { createStack, exportStack, redeployStack, startStack, stopStack, terminateStack, updateStack } from './stacks.js';
import { World } from './world.js';

export interface SimOptions {
  seed?: number;
  /** Simulated time runs this many times faster than real time. */
  speed?: number;
  durations?: Partial<Durations>;
  apiBase?: string;
  /** Where time comes from: real timers, or a ManualTime a test advances (an hour of churn in seconds). */
  time?: TimeSource;
}

/** How often nodes whose agent last reported a minute ago report again. */
const HEARTBEAT_CHECK_MS = 10_000;

const CATALOGUE_KINDS: Partial<Record<KindName, 'providers' | 'regions' | 'azs' | 'nodeTypes'>> = {
  provider: 'providers', region: 'regions', az: 'azs', nodetype: 'nodeTypes',
};

/** Containers the services of one namespace may ask for, over all of them, through the API. */
export const MAX_CONTAINERS_PER_NAMESPACE = 20_000;

/** An action's cancel, as the simulation's operations hear of it and say whether they can still stop. */
const cancelOf = (action: ActionHandle): Cancel => ({
  requested: () => action.cancelRequested,
  stops: (ahead) => action.setCancelable(ahead),
});

/** A container's step ended as asked (null), or something else happened to it first. */
const interrupted = (ok: boolean) => (ok ? null : 'interrupted');

export class SimBackend implements Backend {
  readonly name = 'sim';
  readonly sim: Sim;
  /** Live resource metrics (dctop's extension), computed when asked. */
  readonly metrics: SimMetrics;
  private readonly catalogueByUri = new Map<string, WireObject>();
  /** Repository credentials: stored, never returned. */
  private readonly credentials = new Map<string, { username: string; password: string }>();

  constructor(options: SimOptions = {}) {
    const clock = new SimClock(options.speed ?? 1, options.time);
    const catalogue = buildCatalogue();
    const seed = options.seed ?? Date.now();
    this.sim = {
      world: new World(),
      clock,
      rng: seededRng(seed),
      catalogue,
      logs: new LogStore(clock),
      durations: { ...DURATIONS, ...options.durations },
      apiBase: options.apiBase ?? 'http://127.0.0.1:8080',
      internals: new Map(),
      containersOnNode: new Map(),
    };
    this.metrics = new SimMetrics(this.sim, seed);
    this.sim.leak = (c) => this.metrics.leak(c);
    for (const list of Object.values(catalogue)) {
      for (const item of list as WireObject[]) this.catalogueByUri.set(item.resource_uri, item);
    }
    clock.every(HEARTBEAT_CHECK_MS, () => {
      for (const namespace of this.sim.world.namespaces()) heartbeat(this.sim, namespace);
    });
  }

  setApiBase(url: string): void {
    this.sim.apiBase = url;
  }

  // ── reading ────────────────────────────────────────────────────────────────────────────────────────

  list(kind: KindName, namespace: string | null): readonly WireObject[] {
    const catalogueKey = CATALOGUE_KINDS[kind];
    if (catalogueKey) return this.sim.catalogue[catalogueKey] as unknown as WireObject[];
    if (namespace === null) return [];
    if (kind === 'registry') return [...this.defaultRegistries(namespace), ...this.sim.world.list('registry', namespace)];
    if (kind === 'repository') {
      const repositories = this.sim.world.list('repository', namespace) as unknown as Repository[];
      for (const r of repositories) this.refreshInUse(namespace, r);
      return repositories as unknown as WireObject[];
    }
    return this.sim.world.list(kind, namespace);
  }

  get(kind: KindName, namespace: string | null, pk: readonly string[]): WireObject | undefined {
    const uri = objectUri(kind, namespace, pk);
    if (kind === 'registry' && namespace) return this.defaultRegistries(namespace).find((r) => r.resource_uri === uri) ?? this.sim.world.get(uri);
    const object = this.getByUri(uri);
    if (kind === 'repository' && object && namespace) this.refreshInUse(namespace, object as unknown as Repository);
    return object;
  }

  getByUri(uri: string): WireObject | undefined {
    return this.sim.world.get(uri) ?? this.catalogueByUri.get(uri);
  }

  private defaultRegistries(namespace: string): WireObject[] {
    return registriesFor(namespace) as unknown as WireObject[];
  }

  /** `in_use` is derived when read: whether a live service runs an image of the repository. */
  private refreshInUse(namespace: string, repository: Repository): void {
    const inUse = this.sim.world.services(namespace)
      .some((s) => s.state !== 'Terminated' && s.image_name.startsWith(`${repository.name}:`));
    if (inUse !== repository.in_use) {
      repository.in_use = inUse;
      this.sim.world.touch(repository);
    }
  }

  version(object: WireObject): number {
    return this.sim.world.version(object);
  }

  private must<T>(kind: KindName, namespace: string, pk: readonly string[]): T {
    const object = this.get(kind, namespace, pk);
    if (!object) throw missing(`${kind} ${pk.join('/')} not found`);
    return object as unknown as T;
  }

  // ── changing ───────────────────────────────────────────────────────────────────────────────────────

  /** The sim does everything the API offers. */
  readonly unsupported: Unsupported = {};

  readonly handlers: HandlerRegistry = {
    nodecluster: {
      create: (namespace, input, action) => this.done(action, createCluster(this.sim, namespace, input)),
      update: (namespace, pk, input, action) => {
        const cluster = this.must<NodeCluster>('nodecluster', namespace, pk);
        if (input.target_num_nodes !== undefined) checkNodeQuota(this.sim, namespace, input.target_num_nodes, cluster.resource_uri);
        if (input.nickname !== undefined) cluster.nickname = input.nickname || cluster.name;
        if (input.tags) retagCluster(this.sim, cluster, input.tags);
        if (input.target_num_nodes !== undefined && input.target_num_nodes !== cluster.target_num_nodes) {
          this.track(action, scaleCluster(this.sim, namespace, cluster, input.target_num_nodes, this.logger(action)));
        } else {
          this.sim.world.emit(cluster.resource_uri);
          action.succeed();
        }
        return cluster as unknown as WireObject;
      },
      terminate: (namespace, pk, action) => this.run<NodeCluster>('nodecluster', namespace, pk, action,
        (cluster) => terminateCluster(this.sim, cluster, this.logger(action))),
      operations: {
        deploy: (namespace, pk, _params, action) => this.run<NodeCluster>('nodecluster', namespace, pk, action,
          (cluster) => deployCluster(this.sim, namespace, cluster, this.logger(action))),
      },
    },
    node: {
      update: (namespace, pk, input, action) => {
        const node = this.must<Node>('node', namespace, pk);
        if (input.nickname !== undefined) node.nickname = input.nickname || node.external_fqdn;
        if (input.tags) node.tags = input.tags;
        this.sim.world.emit(node.resource_uri);
        if (input.tags) refreshEveryNodeTargets(this.sim, namespace);
        return this.done(action, node);
      },
      terminate: (namespace, pk, action) => this.run<Node>('node', namespace, pk, action,
        (node) => terminateSingleNode(this.sim, node, this.logger(action))),
      operations: {
        'docker-upgrade': (namespace, pk, _params, action) => this.run<Node>('node', namespace, pk, action,
          (node) => upgradeNode(this.sim, node, this.logger(action))),
        'health-check': (namespace, pk, _params, action) => this.run<Node>('node', namespace, pk, action,
          (node) => healthCheck(this.sim, node, this.logger(action))),
      },
    },
    stack: {
      create: (namespace, input, action) => {
        this.checkContainerQuota(namespace, input.services.reduce((sum, s) => sum + s.target_num_containers, 0));
        return this.done(action, createStack(this.sim, namespace, input));
      },
      update: (namespace, pk, input, action) => {
        const stack = this.must<Stack>('stack', namespace, pk);
        const pending = updateStack(this.sim, namespace, stack, input, this.logger(action));
        if (pending) this.track(action, pending.then(() => null));
        else action.succeed();
        return stack as unknown as WireObject;
      },
      terminate: (namespace, pk, action) => this.run<Stack>('stack', namespace, pk, action,
        (stack) => terminateStack(this.sim, stack, this.logger(action))),
      operations: {
        start: (namespace, pk, _params, action) => this.run<Stack>('stack', namespace, pk, action,
          (stack) => startStack(this.sim, namespace, stack, this.logger(action))),
        stop: (namespace, pk, _params, action) => this.run<Stack>('stack', namespace, pk, action,
          (stack) => stopStack(this.sim, stack, this.logger(action))),
        redeploy: (namespace, pk, params, action) => this.run<Stack>('stack', namespace, pk, action,
          (stack) => redeployStack(this.sim, namespace, stack, this.logger(action), cancelOf(action), params.reuseVolumes ?? true)),
      },
    },
    service: {
      create: (namespace, input, action) => {
        this.checkContainerQuota(namespace, input.target_num_containers);
        return this.done(action, createService(this.sim, namespace, input, null));
      },
      update: (namespace, pk, input, action) => {
        const service = this.must<Service>('service', namespace, pk);
        const { world } = this.sim;
        const siblings = world.stack(service.stack)?.services.map((u) => world.service(u)!).filter(Boolean) ?? [];
        if (input.target_num_containers !== undefined) this.checkContainerQuota(namespace, input.target_num_containers - service.target_num_containers);
        updateService(this.sim, namespace, service, input, siblings);
        return this.done(action, service);
      },
      terminate: (namespace, pk, action) => this.run<Service>('service', namespace, pk, action,
        (service) => terminateService(this.sim, service, this.logger(action))),
      operations: {
        start: (namespace, pk, _params, action) => this.run<Service>('service', namespace, pk, action,
          (service) => startService(this.sim, namespace, service, this.logger(action))),
        stop: (namespace, pk, _params, action) => this.run<Service>('service', namespace, pk, action,
          (service) => stopService(this.sim, service, this.logger(action))),
        redeploy: (namespace, pk, params, action) => this.run<Service>('service', namespace, pk, action,
          (service) => redeployService(this.sim, namespace, service, this.logger(action), cancelOf(action), params.reuseVolumes ?? true)),
        scale: (namespace, pk, params, action) => this.run<Service>('service', namespace, pk, action, (service) => {
          if (service.deployment_strategy === 'EVERY_NODE') {
            throw notAllowed('A service with the EVERY_NODE strategy runs one container per node and cannot be scaled by hand');
          }
          const target = service.target_num_containers + (params.scaleBy ?? 0);
          this.checkContainerQuota(namespace, params.scaleBy ?? 0);
          return scaleService(this.sim, namespace, service, target, this.logger(action), cancelOf(action));
        }),
      },
    },
    container: {
      terminate: (namespace, pk, action) => this.run<Container>('container', namespace, pk, action,
        (c) => terminateContainer(this.sim, c).then(() => null)),
      operations: {
        start: (namespace, pk, _params, action) => this.run<Container>('container', namespace, pk, action,
          (c) => boot(this.sim, c).then(interrupted)),
        stop: (namespace, pk, _params, action) => this.run<Container>('container', namespace, pk, action,
          (c) => stop(this.sim, c).then(interrupted)),
        redeploy: (namespace, pk, _params, action) => this.run<Container>('container', namespace, pk, action,
          (c) => redeployInPlace(this.sim, c).then(interrupted)),
      },
    },
    repository: {
      create: (namespace, input, action) => this.done(action, this.createRepository(namespace, input)),
      update: (namespace, pk, input, action) => {
        const repository = this.must<Repository>('repository', namespace, pk);
        const current = this.credentials.get(repository.resource_uri) ?? { username: '', password: '' };
        this.credentials.set(repository.resource_uri, { ...current, ...input });
        return this.done(action, repository);
      },
      terminate: (namespace, pk, action) => {
        const repository = this.must<Repository>('repository', namespace, pk);
        this.sim.world.remove(repository.resource_uri);
        this.credentials.delete(repository.resource_uri);
        return this.done(action, repository);
      },
    },
  };

  /**
   * Refuses to add `more` containers' worth of targets to a namespace past MAX_CONTAINERS_PER_NAMESPACE: requests
   * may not grow a tenant without bound (a fleet made with --fleet is the server's own, and may be larger).
   */
  private checkContainerQuota(namespace: string, more: number): void {
    if (more <= 0) return;
    const targets = this.sim.world.services(namespace).filter((s) => s.state !== 'Terminated').reduce((sum, s) => sum + s.target_num_containers, 0);
    if (targets + more > MAX_CONTAINERS_PER_NAMESPACE) {
      throw invalid(`Invalid field 'target_num_containers': ${more} more container(s) would take this namespace to ${targets + more}; the quota is ${MAX_CONTAINERS_PER_NAMESPACE}`, 'target_num_containers');
    }
  }

  /** A change that is complete at once. */
  private done(action: ActionHandle, object: object): WireObject {
    action.succeed();
    return object as WireObject;
  }

  /** An operation on an object that goes on in simulated time; the action settles when it ends. */
  private run<T>(kind: KindName, namespace: string, pk: readonly string[], action: ActionHandle,
    operation: (object: T) => Promise<string | null>): WireObject {
    const object = this.must<T>(kind, namespace, pk);
    this.track(action, operation(object));
    return object as unknown as WireObject;
  }

  private logger(action: ActionHandle): (line: string) => void {
    return (line) => action.log(line);
  }

  /** Settles an action when its operation ends: null is success, 'canceled' a cancel, anything else a failure. */
  private track(action: ActionHandle, done: Promise<string | null>): void {
    done.then(
      (error) => (error === null ? action.succeed() : error === 'canceled' ? action.canceled() : action.fail(error)),
      (error: unknown) => action.fail(error instanceof Error ? error.message : String(error)),
    );
  }

  private createRepository(namespace: string, input: RepositoryCreate): Repository {
    const { world } = this.sim;
    const uri = objectUri('repository', namespace, input.name.split('/'));
    if (world.get(uri)) throw conflict(`Repository ${input.name} is already registered`);
    const first = input.name.split('/')[0]!;
    const host = /[.:]/.test(first) || first === 'localhost' ? first : 'registry-1.docker.io';
    const registryUri = objectUri('registry', namespace, host);
    const known = this.defaultRegistries(namespace).some((r) => r.resource_uri === registryUri) || world.get(registryUri);
    if (!known) {
      const [hostname, port] = host.split(':');
      world.add(namespace, 'registry', {
        resource_uri: registryUri, name: hostname!, host, is_docker_registry: false, is_ssl: true, port: Number(port ?? 443),
      });
    }
    const repository: Repository = { resource_uri: uri, name: input.name, in_use: false, registry: registryUri };
    this.credentials.set(uri, { username: input.username, password: input.password });
    return world.add(namespace, 'repository', repository);
  }

  exportStack(namespace: string, pk: readonly string[]): Record<string, unknown> {
    return exportStack(this.sim, this.must<Stack>('stack', namespace, pk));
  }

  createNodeToken(namespace: string): { token: string; command: string } {
    const token = randomBytes(16).toString('hex');
    return {
      token,
      command: `curl -Ls https://get.cloud.docker.com/ | sudo -H sh -s ${token}  # simulated: no agent registers here (${namespace})`,
    };
  }

  // ── streams ────────────────────────────────────────────────────────────────────────────────────────

  containerLogs(namespace: string, uuid: string, options: LogOptions, sink: LogSink): Subscription {
    const { world, logs } = this.sim;
    const container = this.must<Container>('container', namespace, [uuid]);
    const tail = logs.tail(container, options.tail);
    // Where the tail ends: the follow starts there, whatever the container writes while the tail is sent.
    const since = new Map([[container.resource_uri, logs.mark(container)]]);
    for (const line of tail) sink.line(line);
    if (!options.follow) {
      sink.end('end of log');
      return { close() {} };
    }
    const current = () => world.container(container.resource_uri);
    return logs.follow(() => (current() ? [current()!] : undefined), sink, false,
      () => (current()?.state === 'Terminated' || !current() ? 'container terminated' : null), since);
  }

  serviceLogs(namespace: string, uuid: string, options: LogOptions, sink: LogSink): Subscription {
    const { world, logs } = this.sim;
    const service = this.must<Service>('service', namespace, [uuid]);
    const since = new Map<string, number>();
    const merged = serviceContainers(this.sim, service).flatMap((c) => {
      const lines = logs.tail(c, options.tail).map((line) => ({ ...line, source: c.name }));
      since.set(c.resource_uri, logs.mark(c));
      return lines;
    }).sort((a, b) => a.time - b.time);
    for (const line of options.tail > 0 ? merged.slice(-options.tail) : merged) sink.line(line);
    if (!options.follow) {
      sink.end('end of log');
      return { close() {} };
    }
    const current = () => world.service(service.resource_uri);
    return logs.follow(() => (current() ? serviceContainers(this.sim, current()!) : undefined), sink, true,
      () => (current()?.state === 'Terminated' || !current() ? 'service terminated' : null), since);
  }

  exec(namespace: string, uuid: string, command: string, sink: ExecSink): ExecSession {
    return execIn(this.sim, this.must<Container>('container', namespace, [uuid]), command, sink);
  }

  subscribe(listener: (change: Change) => void): Subscription {
    return { close: this.sim.world.subscribe(listener) };
  }

  async close(): Promise<void> {
    this.stopChurn?.();
    this.sim.clock.close();
  }

  private stopChurn?: () => void;

  /** Builds a starting fleet in a namespace (before or after the server listens). */
  populate(namespace: string, fleet: FleetSpec): void {
    buildFleet(this.sim, namespace, fleet);
  }

  /** Background activity in a namespace at about `eventsPerSecond`. */
  startChurn(namespace: string, eventsPerSecond: number): void {
    this.stopChurn?.();
    this.stopChurn = startChurn(this.sim, namespace, eventsPerSecond);
  }
}
