// The `sim` backend: a simulated cloud behind the Backend interface. This file maps the interface onto the
// simulation's parts (infra, stacks, services, containers, logs, exec); the state machines live in those.
import { randomBytes } from 'node:crypto';
import {
  objectUri, type Container, type KindName, type Node, type NodeCluster, type Operation, type Repository, type Service,
  type Stack, type WireObject,
} from '../../domain/index.js';
import type {
  ActionHandle, Backend, Change, ExecSession, ExecSink, LogOptions, LogSink, OperationParams, Subscription,
} from '../backend.js';
import { badRequest, conflict, notFound } from '../errors.js';
import type { CreateInputs, RepositoryCreate, UpdateInputs } from '../inputs.js';
import { buildCatalogue, registriesFor } from './catalogue.js';
import { startChurn } from './churn.js';
import { SimClock } from './clock.js';
import { boot, redeployInPlace, stop, terminate as terminateContainer } from './containers.js';
import { DURATIONS, type Durations, type Sim } from './context.js';
import { serviceContainers } from './derive.js';
import { execIn } from './exec.js';
import { buildFleet, type FleetSpec } from './fleet.js';
import {
  createCluster, deployCluster, healthCheck, heartbeat, retagCluster, scaleCluster, terminateCluster, terminateSingleNode,
  upgradeNode,
} from './infra.js';
import { LogStore } from './logs.js';
import { seededRng } from './random.js';
import {
  createService, redeployService, scaleService, startService, stopService, terminateService, updateService,
} from './services.js';
import { createStack, exportStack, redeployStack, startStack, stopStack, terminateStack, updateStack } from './stacks.js';
import { World } from './world.js';

export interface SimOptions {
  seed?: number;
  /** Simulated time runs this many times faster than real time. */
  speed?: number;
  durations?: Partial<Durations>;
  apiBase?: string;
}

/** How often nodes whose agent last reported a minute ago report again. */
const HEARTBEAT_CHECK_MS = 10_000;

const CATALOGUE_KINDS: Partial<Record<KindName, 'providers' | 'regions' | 'azs' | 'nodeTypes'>> = {
  provider: 'providers', region: 'regions', az: 'azs', nodetype: 'nodeTypes',
};

export class SimBackend implements Backend {
  readonly name = 'sim';
  readonly sim: Sim;
  private readonly catalogueByUri = new Map<string, WireObject>();
  /** Repository credentials: stored, never returned. */
  private readonly credentials = new Map<string, { username: string; password: string }>();

  constructor(options: SimOptions = {}) {
    const clock = new SimClock(options.speed ?? 1);
    const catalogue = buildCatalogue();
    this.sim = {
      world: new World(),
      clock,
      rng: seededRng(options.seed ?? Date.now()),
      catalogue,
      logs: new LogStore(clock),
      durations: { ...DURATIONS, ...options.durations },
      apiBase: options.apiBase ?? 'http://127.0.0.1:8080',
      internals: new Map(),
      containersOnNode: new Map(),
    };
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
    if (!object) throw notFound(`${kind} ${pk.join('/')} not found`);
    return object as unknown as T;
  }

  // ── changing ───────────────────────────────────────────────────────────────────────────────────────

  create<K extends keyof CreateInputs>(kind: K, namespace: string, input: CreateInputs[K], action: ActionHandle): WireObject {
    const sim = this.sim;
    let created: object;
    switch (kind) {
      case 'nodecluster':
        created = createCluster(sim, namespace, input as CreateInputs['nodecluster']);
        break;
      case 'stack':
        created = createStack(sim, namespace, input as CreateInputs['stack']);
        break;
      case 'service':
        created = createService(sim, namespace, input as CreateInputs['service'], null);
        break;
      case 'repository':
        created = this.createRepository(namespace, input as RepositoryCreate);
        break;
      default:
        throw badRequest(`${kind} objects cannot be created`);
    }
    action.succeed();
    return created as WireObject;
  }

  update<K extends keyof UpdateInputs>(
    kind: K, namespace: string, pk: readonly string[], input: UpdateInputs[K], action: ActionHandle,
  ): WireObject {
    const sim = this.sim;
    const log = (line: string) => action.log(line);
    switch (kind) {
      case 'nodecluster': {
        const cluster = this.must<NodeCluster>('nodecluster', namespace, pk);
        const update = input as UpdateInputs['nodecluster'];
        if (update.nickname !== undefined) cluster.nickname = update.nickname || cluster.name;
        if (update.tags) retagCluster(sim, cluster, update.tags);
        if (update.target_num_nodes !== undefined && update.target_num_nodes !== cluster.target_num_nodes) {
          this.track(action, scaleCluster(sim, namespace, cluster, update.target_num_nodes, log));
        } else {
          sim.world.emit(cluster.resource_uri);
          action.succeed();
        }
        return cluster as unknown as WireObject;
      }
      case 'node': {
        const node = this.must<Node>('node', namespace, pk);
        const update = input as UpdateInputs['node'];
        if (update.nickname !== undefined) node.nickname = update.nickname || node.external_fqdn;
        if (update.tags) node.tags = update.tags;
        sim.world.emit(node.resource_uri);
        action.succeed();
        return node as unknown as WireObject;
      }
      case 'stack': {
        const stack = this.must<Stack>('stack', namespace, pk);
        const pending = updateStack(sim, namespace, stack, input as UpdateInputs['stack'], log);
        if (pending) this.track(action, pending.then(() => null));
        else action.succeed();
        return stack as unknown as WireObject;
      }
      case 'service': {
        const service = this.must<Service>('service', namespace, pk);
        const siblings = sim.world.stack(service.stack)?.services.map((u) => sim.world.service(u)!).filter(Boolean) ?? [];
        updateService(sim, namespace, service, input as UpdateInputs['service'], siblings);
        action.succeed();
        return service as unknown as WireObject;
      }
      case 'repository': {
        const repository = this.must<Repository>('repository', namespace, pk);
        const update = input as UpdateInputs['repository'];
        const current = this.credentials.get(repository.resource_uri) ?? { username: '', password: '' };
        this.credentials.set(repository.resource_uri, { ...current, ...update });
        action.succeed();
        return repository as unknown as WireObject;
      }
      default:
        throw badRequest(`${kind} objects cannot be updated`);
    }
  }

  terminate(kind: KindName, namespace: string, pk: readonly string[], action: ActionHandle): WireObject {
    const sim = this.sim;
    const log = (line: string) => action.log(line);
    const object = this.must<WireObject>(kind, namespace, pk);
    switch (kind) {
      case 'nodecluster':
        this.track(action, terminateCluster(sim, object as unknown as NodeCluster, log));
        break;
      case 'node':
        this.track(action, terminateSingleNode(sim, object as unknown as Node, log));
        break;
      case 'stack':
        this.track(action, terminateStack(sim, object as unknown as Stack, log));
        break;
      case 'service':
        this.track(action, terminateService(sim, object as unknown as Service, log));
        break;
      case 'container':
        this.track(action, terminateContainer(sim, object as unknown as Container).then(() => null));
        break;
      case 'repository':
        sim.world.remove(object.resource_uri);
        this.credentials.delete(object.resource_uri);
        action.succeed();
        break;
      default:
        throw badRequest(`${kind} objects cannot be terminated`);
    }
    return object;
  }

  operate(
    kind: KindName, namespace: string, pk: readonly string[], op: Operation, params: OperationParams, action: ActionHandle,
  ): WireObject {
    const sim = this.sim;
    const log = (line: string) => action.log(line);
    const canceled = () => action.cancelRequested;
    const object = this.must<WireObject>(kind, namespace, pk);
    const key = `${kind}:${op}`;
    switch (key) {
      case 'service:start':
        this.track(action, startService(sim, namespace, object as unknown as Service, log));
        break;
      case 'service:stop':
        this.track(action, stopService(sim, object as unknown as Service, log));
        break;
      case 'service:redeploy': {
        const service = object as unknown as Service;
        action.setCancelable(service.sequential_deployment);
        this.track(action, redeployService(sim, namespace, service, log, canceled, params.reuseVolumes ?? true));
        break;
      }
      case 'service:scale': {
        const service = object as unknown as Service;
        if (service.deployment_strategy === 'EVERY_NODE') {
          throw badRequest('A service with the EVERY_NODE strategy runs one container per node and cannot be scaled by hand');
        }
        const target = service.target_num_containers + (params.scaleBy ?? 0);
        action.setCancelable(true);
        this.track(action, scaleService(sim, namespace, service, target, log, canceled));
        break;
      }
      case 'stack:start':
        this.track(action, startStack(sim, namespace, object as unknown as Stack, log));
        break;
      case 'stack:stop':
        this.track(action, stopStack(sim, object as unknown as Stack, log));
        break;
      case 'stack:redeploy':
        action.setCancelable(true);
        this.track(action, redeployStack(sim, namespace, object as unknown as Stack, log, canceled, params.reuseVolumes ?? true));
        break;
      case 'container:start':
        this.track(action, boot(sim, object as unknown as Container).then((ok) => (ok ? null : 'interrupted')));
        break;
      case 'container:stop':
        this.track(action, stop(sim, object as unknown as Container).then((ok) => (ok ? null : 'interrupted')));
        break;
      case 'container:redeploy':
        this.track(action, redeployInPlace(sim, object as unknown as Container).then((ok) => (ok ? null : 'interrupted')));
        break;
      case 'nodecluster:deploy':
        this.track(action, deployCluster(sim, namespace, object as unknown as NodeCluster, log));
        break;
      case 'node:docker-upgrade':
        this.track(action, upgradeNode(sim, object as unknown as Node, log));
        break;
      case 'node:health-check':
        this.track(action, healthCheck(sim, object as unknown as Node, log));
        break;
      default:
        throw badRequest(`${op} is not an operation of ${kind}`);
    }
    return object;
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
    for (const line of logs.tail(container, options.tail)) sink.line(line);
    if (!options.follow) {
      sink.end('end of log');
      return { close() {} };
    }
    const current = () => world.container(container.resource_uri);
    return logs.follow(() => (current() ? [current()!] : undefined), sink, false,
      () => (current()?.state === 'Terminated' || !current() ? 'container terminated' : null));
  }

  serviceLogs(namespace: string, uuid: string, options: LogOptions, sink: LogSink): Subscription {
    const { world, logs } = this.sim;
    const service = this.must<Service>('service', namespace, [uuid]);
    const members = serviceContainers(this.sim, service);
    const merged = members.flatMap((c) => logs.tail(c, options.tail).map((line) => ({ ...line, source: c.name })))
      .sort((a, b) => a.time - b.time);
    for (const line of options.tail > 0 ? merged.slice(-options.tail) : merged) sink.line(line);
    if (!options.follow) {
      sink.end('end of log');
      return { close() {} };
    }
    const current = () => world.service(service.resource_uri);
    return logs.follow(() => (current() ? serviceContainers(this.sim, current()!) : undefined), sink, true,
      () => (current()?.state === 'Terminated' || !current() ? 'service terminated' : null));
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
