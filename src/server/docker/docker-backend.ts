// The `docker` backend: a real Docker Engine, or a whole swarm through its manager, as the Docker Cloud API. Reads
// come from a live mirror of the engine (mirror.ts); changes go to the engine (plain-ops.ts, swarm-ops.ts). An
// engine has no tenants: its objects live in one namespace, which every user of `dctop serve` may use.
import type Docker from 'dockerode';
import { objectUri, type KindName, type Service, type WireObject } from '../../domain/index.js';
import type {
  ActionHandle, Backend, Change, ExecOptions, ExecSession, ExecSink, HandlerRegistry, LogOptions, LogSink, Subscription, Unsupported,
} from '../backend.js';
import { missing, notAllowed, unavailable, unsupported } from '../backend-errors.js';
import { stackFile } from '../stackfile.js';
import { connectEngine, describeEngine } from './engine.js';
import { containerByUuid, engineGroupByUuid, isSwarmService, isSwarmStack, isTask, swarmServiceByUuid, taskByUuid } from './lookup.js';
import { Mirror } from './mirror.js';
import { PlainOps } from './plain-ops.js';
import { engineExec, pipeEngineLogs, stamped, stampedLine } from './streams.js';
import { nodeEngineNeeded, SwarmOps } from './swarm-ops.js';
import { DockerMetrics } from './metrics.js';

export interface DockerBackendOptions {
  /** The engine (a swarm manager, or a plain engine): unix:///…, tcp://…, ssh://…; default DOCKER_HOST or the local socket. */
  host?: string;
  /** The one namespace the engine's objects live in. */
  namespace: string;
  /** Engines of other swarm nodes, by node hostname (or ID): for the logs and exec of tasks that run there. */
  nodeEngines?: Record<string, string>;
}

const MIRRORED = new Set<KindName>(['nodecluster', 'node', 'stack', 'service', 'container']);
const NO_CLOUD = 'a Docker engine has no cloud provider to create, deploy, scale or terminate node clusters on';

const UNSUPPORTED: Unsupported = {
  nodecluster: { create: NO_CLOUD, update: NO_CLOUD, terminate: NO_CLOUD, deploy: NO_CLOUD },
  node: {
    'docker-upgrade': "dctop does not upgrade a node's Docker engine: upgrade it with the host's package manager",
    terminate: 'dctop does not terminate hosts: drain the node and remove it with docker node rm',
    update: "a node's labels are changed with docker node update on a manager",
  },
  repository: { create: 'images come from the engine: dctop serve --backend docker keeps no repositories', update: 'no repositories here', terminate: 'no repositories here' },
  token: 'nodes join a swarm with docker swarm join and a join token from the manager (docker swarm join-token worker)',
};

/** What a service's operations are, on a swarm and on a plain engine alike. */
interface ServiceOps {
  startService(uuid: string, action: ActionHandle): Promise<WireObject>;
  stopService(uuid: string, action: ActionHandle): Promise<WireObject>;
  redeployService(uuid: string, action: ActionHandle): Promise<WireObject>;
  terminateService(uuid: string, action: ActionHandle): Promise<WireObject>;
  scaleService(uuid: string, target: number, action: ActionHandle): Promise<WireObject>;
}

export class DockerBackend implements Backend {
  readonly name = 'docker';
  readonly namespace: string;
  private readonly mirror: Mirror;
  private readonly plain: PlainOps;
  private readonly swarm: SwarmOps;
  private readonly workers: Map<string, Docker>;
  /** Live resource metrics from the engines' stats (dctop's extension). */
  readonly metrics: DockerMetrics;

  private constructor(readonly options: DockerBackendOptions, docker: Docker) {
    this.namespace = options.namespace;
    this.workers = new Map(Object.entries(options.nodeEngines ?? {}).map(([node, host]) => [node, connectEngine(host)]));
    this.mirror = new Mirror(docker, this.namespace, this.workers);
    this.plain = new PlainOps(this.mirror, docker, this.namespace);
    this.swarm = new SwarmOps(this.mirror, this.namespace, (nodeId) => this.engineOfNode(nodeId));
    this.metrics = new DockerMetrics(this.mirror, (nodeId) => this.engineOfNode(nodeId));
  }

  /** Connects, lists the engine and starts following it; rejects with a readable message when it does not answer. */
  static async connect(options: DockerBackendOptions): Promise<DockerBackend> {
    const backend = new DockerBackend(options, connectEngine(options.host));
    try {
      await backend.mirror.start();
    } catch (error) {
      backend.mirror.close();
      const e = error as { code?: string; message?: string };
      throw unavailable(`cannot reach the Docker engine at ${describeEngine(options.host)}: ${e.code ?? e.message ?? String(error)}`);
    }
    return backend;
  }

  /** "swarm of 3 nodes (engine 20.10.24)" or "engine vm (20.10.24)". */
  describe(): string {
    const { info, nodes } = this.mirror.raw;
    return this.mirror.swarm ? `swarm of ${nodes.size} node${nodes.size === 1 ? '' : 's'} (manager ${info.Name}, engine ${info.ServerVersion})`
      : `engine ${info.Name} (${info.ServerVersion})`;
  }

  // ── reading ─────────────────────────────────────────────────────────────────────────────────────

  list(kind: KindName, namespace: string | null): readonly WireObject[] {
    if (!MIRRORED.has(kind) || namespace !== this.namespace) return [];
    return this.mirror.list(kind);
  }

  get(kind: KindName, namespace: string | null, pk: readonly string[]): WireObject | undefined {
    if (!MIRRORED.has(kind) || namespace !== this.namespace) return undefined;
    return this.mirror.get(objectUri(kind, namespace, pk));
  }

  getByUri(uri: string): WireObject | undefined {
    return this.mirror.get(uri);
  }

  version(object: WireObject): number {
    return this.mirror.version(object);
  }

  subscribe(listener: (change: Change) => void): Subscription {
    return { close: this.mirror.subscribe(listener) };
  }

  async close(): Promise<void> {
    this.mirror.close();
  }

  // ── changing ────────────────────────────────────────────────────────────────────────────────────

  readonly unsupported: Unsupported = UNSUPPORTED;

  readonly handlers: HandlerRegistry = {
    service: {
      create: (_ns, input, action) => (this.mirror.swarm ? this.swarm.createService(input, null, action) : this.plain.createService(input, null, action)),
      update: (_ns, [uuid], input, action) => {
        if (this.swarmService(uuid!)) return this.swarm.updateService(uuid!, input, action);
        const keys = Object.keys(input).filter((k) => k !== 'target_num_containers' && k !== 'name');
        if (keys.length) throw notAllowed(`a plain engine's service keeps its containers' configuration; only target_num_containers changes here (not ${keys.join(', ')})`);
        return this.plain.scaleService(uuid!, input.target_num_containers ?? engineGroupByUuid(this.mirror.raw, uuid!).containers.length, action);
      },
      terminate: (_ns, [uuid], action) => this.serviceOps(uuid!).terminateService(uuid!, action),
      operations: {
        start: (_ns, [uuid], _p, action) => this.serviceOps(uuid!).startService(uuid!, action),
        stop: (_ns, [uuid], _p, action) => this.serviceOps(uuid!).stopService(uuid!, action),
        redeploy: (_ns, [uuid], _p, action) => this.serviceOps(uuid!).redeployService(uuid!, action),
        scale: (_ns, [uuid], params, action) => {
          const service = this.mirror.get(objectUri('service', this.namespace, uuid!)) as unknown as Service;
          return this.serviceOps(uuid!).scaleService(uuid!, service.target_num_containers + (params.scaleBy ?? 0), action);
        },
      },
    },
    container: {
      terminate: (_ns, [uuid], action) => (this.task(uuid!) ? this.swarm.taskContainer(uuid!, 'terminate', action) : this.plain.terminateContainer(uuid!, action)),
      operations: {
        start: (_ns, [uuid], _p, action) => this.notTask(uuid!, 'started', () => this.plain.startContainer(uuid!, action)),
        stop: (_ns, [uuid], _p, action) => (this.task(uuid!) ? this.swarm.taskContainer(uuid!, 'stop', action) : this.plain.stopContainer(uuid!, action)),
        redeploy: (_ns, [uuid], _p, action) => this.notTask(uuid!, 'redeployed', () => this.plain.redeployContainer(uuid!, action)),
      },
    },
    stack: {
      create: (_ns, input, action) => (this.mirror.swarm ? this.swarm.createStack(input, action) : this.plain.createStack(input, action)),
      update: (_ns, [uuid], input, action) => (this.swarmStack(uuid!) ? this.swarm.updateStack(uuid!, input, action) : this.plain.updateStack(uuid!, input, action)),
      terminate: (_ns, [uuid], action) => this.stackEach(uuid!, 'terminate', action),
      operations: {
        start: (_ns, [uuid], _p, action) => this.stackEach(uuid!, 'start', action),
        stop: (_ns, [uuid], _p, action) => this.stackEach(uuid!, 'stop', action),
        redeploy: (_ns, [uuid], _p, action) => this.stackEach(uuid!, 'redeploy', action),
      },
    },
    node: {
      operations: {
        'health-check': async (_ns, [uuid], _p, action) => {
          if (this.mirror.swarm) return this.swarm.healthCheck(uuid!, action);
          await this.mirror.docker.ping().catch((e: Error) => {
            throw unavailable(`the engine does not answer: ${e.message}`);
          });
          action.log('The engine answered');
          action.succeed();
          return this.mirror.get(objectUri('node', this.namespace, uuid!))!;
        },
      },
    },
  };

  // On a swarm manager, swarm services, their tasks and stacks go to the swarm; its other containers are plain.
  private task(uuid: string): boolean {
    return this.mirror.swarm && isTask(this.mirror.raw, uuid);
  }
  private swarmService(uuid: string): boolean {
    return this.mirror.swarm && isSwarmService(this.mirror.raw, uuid);
  }
  /** A swarm service's operations, or a plain engine's service's: the same calls. */
  private serviceOps(uuid: string): ServiceOps {
    return this.swarmService(uuid) ? this.swarm : this.plain;
  }
  private swarmStack(uuid: string): boolean {
    return this.mirror.swarm && isSwarmStack(this.mirror.raw, uuid);
  }

  private notTask(uuid: string, done: string, run: () => Promise<WireObject>): Promise<WireObject> {
    if (this.task(uuid)) throw unsupported(`a swarm task is not ${done} on its own: its service starts new tasks (start or redeploy the service)`);
    return run();
  }

  private stackEach(uuid: string, what: 'start' | 'stop' | 'redeploy' | 'terminate', action: ActionHandle): Promise<WireObject> {
    return this.swarmStack(uuid) ? this.swarm.stackEach(uuid, what, action) : this.plain.stackEach(uuid, what, action);
  }

  exportStack(namespace: string, pk: readonly string[]): Record<string, unknown> {
    const stack = this.get('stack', namespace, pk);
    if (!stack) throw missing(`stack ${pk.join('/')} not found`);
    const services = (stack['services'] as string[]).map((uri) => this.mirror.get(uri) as unknown as Service).filter(Boolean);
    return stackFile(services, (uri) => (this.mirror.get(uri)?.['name'] as string | undefined));
  }

  // ── streams ─────────────────────────────────────────────────────────────────────────────────────

  containerLogs(_namespace: string, uuid: string, options: LogOptions, sink: LogSink): Promise<Subscription> {
    const { docker, containerId, tty } = this.containerEngine(uuid, 'the logs of');
    return pipeEngineLogs(() => docker.getContainer(containerId).logs({
      follow: options.follow as true, stdout: true, stderr: true, timestamps: true, tail: options.tail || 'all',
    } as never) as unknown as Promise<NodeJS.ReadableStream>, tty, options, sink, 'container stopped');
  }

  serviceLogs(_namespace: string, uuid: string, options: LogOptions, sink: LogSink): Promise<Subscription> {
    if (this.swarmService(uuid)) {
      // The manager gathers the logs of every task, on every node; `details` says which task wrote each line.
      const s = swarmServiceByUuid(this.mirror.raw, uuid);
      const names = new Map([...this.mirror.raw.tasks.values()].filter((t) => t.ServiceID === s.ID)
        .map((t) => [t.ID, `${s.Spec.Name}.${s.Spec.Mode.Global ? (t.NodeID ?? '').slice(0, 8) : t.Slot}`]));
      return pipeEngineLogs(() => this.mirror.docker.getService(s.ID).logs({
        follow: options.follow, stdout: true, stderr: true, timestamps: true, details: true, tail: options.tail || 'all',
      } as never) as unknown as Promise<NodeJS.ReadableStream>, s.Spec.TaskTemplate.ContainerSpec.TTY === true, options, sink, 'service removed',
      (streamType, text) => {
        const { time, text: rest } = stamped(text);
        const details = /^(\S*com\.docker\.swarm\.task\.id=([^,\s]+)\S*) ?/.exec(rest);
        const task = details?.[2];
        return { log: details ? rest.slice(details[0].length) : rest, time, streamType, source: task ? names.get(task) ?? task.slice(0, 12) : s.Spec.Name };
      });
    }
    return this.plainServiceLogs(uuid, options, sink);
  }

  /** A plain engine's service: the logs of its containers, merged, each line with its container's name. */
  private async plainServiceLogs(uuid: string, options: LogOptions, sink: LogSink): Promise<Subscription> {
    const group = engineGroupByUuid(this.mirror.raw, uuid);
    const subscriptions: Subscription[] = [];
    let open = group.containers.length;
    const each: LogSink = { line: (l) => sink.line(l), end: () => --open === 0 && sink.end(options.follow ? 'service stopped' : 'end of log') };
    for (const c of group.containers) {
      const source = c.Name.replace(/^\//, '');
      subscriptions.push(await pipeEngineLogs(() => this.mirror.docker.getContainer(c.Id).logs({
        follow: options.follow as true, stdout: true, stderr: true, timestamps: true, tail: options.tail || 'all',
      } as never) as unknown as Promise<NodeJS.ReadableStream>, c.Config.Tty, options, each, 'container stopped',
      (streamType, text) => ({ ...stampedLine(text), streamType, source })));
    }
    if (open === 0) sink.end('end of log');
    return { close: () => subscriptions.forEach((s) => s.close()) };
  }

  exec(_namespace: string, uuid: string, command: string, sink: ExecSink, options: ExecOptions): Promise<ExecSession> {
    const object = this.mirror.get(objectUri('container', this.namespace, uuid));
    if (object?.['state'] !== 'Running') throw notAllowed(`container ${String(object?.['name'] ?? uuid)} is ${String(object?.['state'])}; exec needs a running container`);
    const { docker, containerId } = this.containerEngine(uuid, 'a shell in');
    return engineExec(docker, containerId, command, options.tty, sink);
  }

  /** The engine that runs a container, with its engine ID; on a swarm, that of the task's node, if dctop can reach it. */
  private containerEngine(uuid: string, doing: string): { docker: Docker; containerId: string; tty: boolean } {
    if (!this.task(uuid)) {
      const c = containerByUuid(this.mirror.raw, uuid);
      return { docker: this.mirror.docker, containerId: c.Id, tty: c.Config.Tty };
    }
    const task = taskByUuid(this.mirror.raw, uuid);
    const containerId = task.Status.ContainerStatus?.ContainerID;
    if (!containerId) throw notAllowed(`the task has no container (${task.Status.State})`);
    const docker = task.NodeID ? this.engineOfNode(task.NodeID) : undefined;
    if (!docker) throw unsupported(nodeEngineNeeded(this.mirror, task.NodeID, doing));
    const service = this.mirror.raw.services.get(task.ServiceID);
    return { docker, containerId, tty: service?.Spec.TaskTemplate.ContainerSpec.TTY === true };
  }

  /** The manager's own engine for its node; a --node-engine for the others (by hostname or node ID). */
  private engineOfNode(nodeId: string): Docker | undefined {
    if (nodeId === this.mirror.raw.info.Swarm?.NodeID) return this.mirror.docker;
    const node = this.mirror.raw.nodes.get(nodeId);
    return this.workers.get(nodeId) ?? (node ? this.workers.get(node.Description.Hostname) : undefined);
  }
}
