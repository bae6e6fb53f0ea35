// The Docker Cloud view of an engine: one pure function from what the engine says (raw.ts) to node clusters, nodes,
// stacks, services and containers. The mirror runs it after every batch of engine changes and announces what differs.
//
//   swarm mode                                   plain engine
//   the swarm              → one node cluster     the engine        → one node cluster and one node
//   swarm nodes            → nodes                compose projects  → stacks (com.docker.compose.project)
//   com.docker.stack.namespace → stacks           compose services  → services (com.docker.compose.service)
//   swarm services         → services             other containers  → a one-container service each
//   tasks (and containers) → containers           containers        → containers
//
// On a swarm manager, its containers that are no swarm task (`docker run`, compose) show as on a plain engine,
// on the manager's node.
import {
  objectUri, toRfc2822, type AutoRestart, type Container, type ContainerPort, type ContainerState, type KindName,
  type LaunchConfig, type Node, type NodeCluster, type Service, type ServiceState, type Stack, type StackState, type WireObject,
} from '../../domain/index.js';
import { uuidFor } from './ids.js';
import { isSwarm, LABEL, type EngineContainer, type RawState, type SwarmService, type SwarmTask } from './raw.js';

export interface Projected { kind: KindName; object: WireObject }

/** Every object, by URI, in the order a client should list them (parents before children). */
export function project(raw: RawState, namespace: string): Map<string, Projected> {
  return isSwarm(raw.info) ? projectSwarm(raw, namespace) : projectEngine(raw, namespace);
}

/** Task states after which a task never runs again. */
export const TERMINAL_TASK_STATES = new Set(['complete', 'shutdown', 'failed', 'rejected', 'orphaned', 'remove']);

/**
 * The object built from `key` (an engine object) last time, while `deps` are the same: an engine object that did
 * not change (the mirror replaces it when it re-reads it) keeps its Docker Cloud object, so that a projection after
 * one container started rebuilds that container and its service, not the fleet, and the mirror's diff skips the rest.
 */
type Memo = WeakMap<object, { deps: readonly unknown[]; value: unknown }>;
function memo<T>(cache: Memo, key: object, deps: readonly unknown[], build: () => T): T {
  const hit = cache.get(key);
  if (hit && hit.deps.length === deps.length && hit.deps.every((d, i) => d === deps[i])) return hit.value as T;
  const value = build();
  cache.set(key, { deps, value });
  return value;
}
/** One cache per kind of thing built, so that one engine object can key several. */
const CONTAINERS: Memo = new WeakMap();
const SERVICES: Memo = new WeakMap();
const LAUNCHES: Memo = new WeakMap();

const date = (iso: string | undefined | null): string | null => {
  const ms = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(ms) || ms <= 0 ? null : toRfc2822(ms);
};

class Out {
  readonly objects = new Map<string, Projected>();
  constructor(readonly namespace: string) {}
  uri(kind: KindName, uuid: string): string {
    return objectUri(kind, this.namespace, uuid);
  }
  add(kind: KindName, object: object): void {
    const wire = object as WireObject;
    this.objects.set(wire.resource_uri, { kind, object: wire });
  }
}

// ── plain engine ────────────────────────────────────────────────────────────────────────────────────

/** A plain engine's service: its containers (oldest first), its name and its compose project. */
export interface EngineGroup { key: string; name: string; stack: string | null; containers: EngineContainer[] }

/** The containers that are no swarm task, grouped into services by their compose (or dctop) labels, by UUID. */
export function engineGroups(raw: RawState): Map<string, EngineGroup> {
  const groups = new Map<string, EngineGroup>();
  for (const c of [...raw.containers.values()].sort((a, b) => a.Created.localeCompare(b.Created))) {
    if (isTaskContainer(c)) continue;
    const { key, name, stack } = engineServiceKey(c);
    const uuid = uuidFor('service', key);
    let group = groups.get(uuid);
    if (!group) groups.set(uuid, (group = { key, name, stack, containers: [] }));
    group.containers.push(c);
  }
  return groups;
}

/** A swarm task's container (swarm shows it through its task, not as a container of its own). */
export function isTaskContainer(c: EngineContainer): boolean {
  return !!c.Config.Labels?.[LABEL.swarmTask];
}

/** Which service a plain engine's container belongs to. */
export function engineServiceKey(c: EngineContainer): { key: string; name: string; stack: string | null } {
  const labels = c.Config.Labels ?? {};
  const project = labels[LABEL.composeProject];
  const service = labels[LABEL.composeService] ?? labels[LABEL.service];
  if (service) return { key: `service:${project ?? ''}/${service}`, name: service, stack: project ?? null };
  const name = c.Name.replace(/^\//, '');
  return { key: `container:${c.Id}`, name, stack: null };
}

function projectEngine(raw: RawState, namespace: string): Map<string, Projected> {
  const out = new Out(namespace);
  const { info } = raw;
  const clusterUri = out.uri('nodecluster', uuidFor('nodecluster', info.ID));
  const nodeUri = out.uri('node', uuidFor('node', info.ID));
  const running = [...raw.containers.values()].filter((c) => c.State.Running).length;
  const oldest = [...raw.containers.values()].map((c) => c.Created).sort()[0];
  const cluster: NodeCluster = {
    resource_uri: clusterUri, uuid: uuidFor('nodecluster', info.ID), name: info.Name, nickname: info.Name, state: 'Deployed',
    node_type: '', disk: 0, nodes: [nodeUri], region: '', target_num_nodes: 1, current_num_nodes: 1,
    deployed_datetime: date(oldest), destroyed_datetime: null, tags: [{ name: 'docker' }], provider_options: {},
  };
  out.add('nodecluster', cluster);
  out.add('node', engineNode(raw, nodeUri, clusterUri, running));
  const stacks = new Map<string, string[]>();
  addEngineServices(out, raw, nodeUri, stacks);
  addStacks(out, stacks);
  return out.objects;
}

/** Containers that are no swarm task: services of their own, on `nodeUri`. */
function addEngineServices(out: Out, raw: RawState, nodeUri: string, stacks: Map<string, string[]>): void {
  for (const [uuid, group] of engineGroups(raw)) {
    const serviceUri = out.uri('service', uuid);
    const stackUri = group.stack ? out.uri('stack', uuidFor('stack', group.stack)) : null;
    if (group.stack) stacks.set(group.stack, [...(stacks.get(group.stack) ?? []), serviceUri]);
    const containers = group.containers.map((c) => memo(CONTAINERS, c, [serviceUri, nodeUri], () => engineContainer(out, c, serviceUri, nodeUri)));
    for (const c of containers) out.add('container', c);
    const first = group.containers[0]!;
    out.add('service', memo(SERVICES, first, [stackUri, group.name, ...containers], () => service({
      uri: serviceUri, name: group.name, stack: stackUri, containers, launch: launchOf(first),
      ports: containers[0]?.container_ports ?? [], target: containers.length,
      state: engineServiceState(containers, group.containers.every((c) => c.State.Status === 'created')),
      created: first.Created, strategy: 'EMPTIEST_NODE',
    })));
  }
}

function engineNode(raw: RawState, uri: string, cluster: string, running: number): Node {
  const { info } = raw;
  return {
    resource_uri: uri, uuid: uuidFor('node', info.ID), availability_zone: null, external_fqdn: info.Name, nickname: info.Name,
    state: 'Deployed', node_cluster: cluster, node_type: null, region: null, docker_execdriver: 'native', docker_graphdriver: info.Driver,
    docker_version: info.ServerVersion, cpu: info.NCPU, disk: 0, memory: Math.round(info.MemTotal / 2 ** 20),
    current_num_containers: running, last_seen: toRfc2822(raw.seenAt || Date.now()), public_ip: '127.0.0.1', tunnel: null,
    deployed_datetime: null, destroyed_datetime: null, tags: [{ name: 'docker' }, { name: info.OperatingSystem ?? 'linux' }],
  };
}

const ENGINE_STATES: Record<string, ContainerState> = {
  created: 'Stopped', running: 'Running', paused: 'Running', restarting: 'Starting', removing: 'Terminating', exited: 'Stopped', dead: 'Stopped',
};

function engineContainer(out: Out, c: EngineContainer, serviceUri: string, nodeUri: string): Container {
  const uuid = uuidFor('container', c.Id);
  const state = ENGINE_STATES[c.State.Status] ?? 'Stopped';
  const stopped = state === 'Stopped';
  const ports: ContainerPort[] = [];
  for (const [spec, bindings] of Object.entries(c.NetworkSettings.Ports ?? c.HostConfig.PortBindings ?? {})) {
    const [inner, protocol] = spec.split('/');
    const outer = bindings?.[0]?.HostPort ? Number(bindings[0].HostPort) : null;
    ports.push(port(Number(inner), protocol === 'udp' ? 'udp' : 'tcp', outer));
  }
  const ip = c.NetworkSettings.IPAddress || Object.values(c.NetworkSettings.Networks ?? {})[0]?.IPAddress || '';
  return {
    ...launchOf(c), resource_uri: out.uri('container', uuid), uuid, name: c.Name.replace(/^\//, ''), docker_id: c.Id, node: nodeUri,
    service: serviceUri, public_dns: '', state, synchronized: true,
    exit_code: stopped && !c.State.FinishedAt.startsWith('0001') ? c.State.ExitCode : null, // never ran: no exit code
    exit_code_msg: stopped && c.State.Error ? c.State.Error : null,
    deployed_datetime: date(c.Created), started_datetime: date(c.State.StartedAt), stopped_datetime: stopped ? date(c.State.FinishedAt) : null,
    destroyed_datetime: null, container_ports: ports.sort((a, b) => a.inner_port - b.inner_port),
    bindings: (c.Mounts ?? []).map((m) => ({ host_path: m.Source ?? null, container_path: m.Destination, rewritable: m.RW, volume: null })),
    linked_to_container: [], private_ip: ip,
  };
}

function engineServiceState(containers: readonly Container[], neverStarted: boolean): ServiceState {
  if (neverStarted) return 'Not running';
  const live = containers.filter((c) => c.state !== 'Terminated');
  const running = live.filter((c) => c.state === 'Running').length;
  if (live.some((c) => c.state === 'Starting')) return 'Starting';
  if (live.some((c) => c.state === 'Terminating')) return 'Terminating';
  if (live.length === 0) return 'Terminated';
  if (running === live.length) return 'Running';
  return running > 0 ? 'Partly running' : 'Stopped';
}

const RESTART: Record<string, AutoRestart> = { no: 'OFF', '': 'OFF', 'on-failure': 'ON_FAILURE', always: 'ALWAYS', 'unless-stopped': 'ALWAYS', none: 'OFF', any: 'ALWAYS' };

function launchOf(c: EngineContainer): LaunchConfig {
  const entrypoint = Array.isArray(c.Config.Entrypoint) ? c.Config.Entrypoint.join(' ') : c.Config.Entrypoint ?? '';
  return launch({
    image: c.Config.Image, env: c.Config.Env ?? [], command: (c.Config.Cmd ?? []).join(' '), entrypoint,
    labels: c.Config.Labels ?? {}, restart: RESTART[c.HostConfig.RestartPolicy?.Name ?? ''] ?? 'OFF',
    autodestroy: c.HostConfig.AutoRemove === true, workingDir: c.Config.WorkingDir, user: c.Config.User, tty: c.Config.Tty,
    stdinOpen: c.Config.OpenStdin, privileged: c.HostConfig.Privileged === true, net: c.HostConfig.NetworkMode === 'host' ? 'host' : 'bridge',
    memory: c.HostConfig.Memory || null, cpuShares: c.HostConfig.CpuShares || null,
  });
}

// ── swarm ───────────────────────────────────────────────────────────────────────────────────────────

function projectSwarm(raw: RawState, namespace: string): Map<string, Projected> {
  const out = new Out(namespace);
  const clusterId = raw.info.Swarm?.Cluster?.ID ?? raw.info.ID;
  const clusterUri = out.uri('nodecluster', uuidFor('nodecluster', clusterId));
  const nodeUris = new Map<string, string>();
  for (const n of raw.nodes.values()) nodeUris.set(n.ID, out.uri('node', uuidFor('node', n.ID)));
  const tasksOf = new Map<string, SwarmTask[]>();
  for (const t of [...raw.tasks.values()].sort((a, b) => a.CreatedAt.localeCompare(b.CreatedAt))) {
    tasksOf.set(t.ServiceID, [...(tasksOf.get(t.ServiceID) ?? []), t]);
  }
  const runningOn = new Map<string, number>();
  for (const t of raw.tasks.values()) {
    if (t.NodeID && t.Status.State === 'running') runningOn.set(t.NodeID, (runningOn.get(t.NodeID) ?? 0) + 1);
  }
  const manager = raw.info.Swarm?.NodeID ?? '';
  const standaloneRunning = [...raw.containers.values()].filter((c) => c.State.Running && !isTaskContainer(c)).length;
  runningOn.set(manager, (runningOn.get(manager) ?? 0) + standaloneRunning);
  const nodes = [...raw.nodes.values()];
  const ready = nodes.filter((n) => n.Status.State === 'ready').length;
  const cluster: NodeCluster = {
    resource_uri: clusterUri, uuid: uuidFor('nodecluster', clusterId), name: 'swarm', nickname: raw.info.Name, node_type: '', disk: 0,
    state: ready === nodes.length ? 'Deployed' : ready > 0 ? 'Partly deployed' : 'Empty cluster',
    nodes: [...nodeUris.values()], region: '', target_num_nodes: nodes.length, current_num_nodes: ready,
    deployed_datetime: date(raw.info.Swarm?.Cluster?.CreatedAt), destroyed_datetime: null, tags: [{ name: 'swarm' }], provider_options: {},
  };
  out.add('nodecluster', cluster);
  for (const n of nodes) {
    const tags = [{ name: n.Spec.Role }, { name: n.Spec.Availability }, ...Object.entries(n.Spec.Labels ?? {}).map(([k, v]) => ({ name: v ? `${k}=${v}` : k }))];
    const node: Node = {
      resource_uri: nodeUris.get(n.ID)!, uuid: uuidFor('node', n.ID), availability_zone: null, external_fqdn: n.Description.Hostname,
      nickname: n.Spec.Name || n.Description.Hostname, state: n.Status.State === 'ready' ? 'Deployed' : 'Unreachable',
      node_cluster: clusterUri, node_type: null, region: null, docker_execdriver: 'native', docker_graphdriver: '',
      docker_version: n.Description.Engine?.EngineVersion ?? '', cpu: Math.round((n.Description.Resources?.NanoCPUs ?? 0) / 1e9),
      disk: 0, memory: Math.round((n.Description.Resources?.MemoryBytes ?? 0) / 2 ** 20), current_num_containers: runningOn.get(n.ID) ?? 0,
      last_seen: date(n.UpdatedAt), public_ip: n.Status.Addr ?? '', tunnel: null, deployed_datetime: date(n.CreatedAt),
      destroyed_datetime: null, tags,
    };
    out.add('node', node);
  }
  const stacks = new Map<string, string[]>();
  const managerNode = nodeUris.get(raw.info.Swarm?.NodeID ?? '');
  if (managerNode) addEngineServices(out, raw, managerNode, stacks);
  for (const s of [...raw.services.values()].sort((a, b) => a.CreatedAt.localeCompare(b.CreatedAt))) {
    const serviceUri = out.uri('service', uuidFor('service', s.ID));
    const stackName = s.Spec.Labels?.[LABEL.stackNamespace] ?? null;
    const stackUri = stackName ? out.uri('stack', uuidFor('stack', stackName)) : null;
    if (stackName) stacks.set(stackName, [...(stacks.get(stackName) ?? []), serviceUri]);
    const { launchConfig, ports } = memo(LAUNCHES, s, [], () => ({
      launchConfig: swarmLaunch(s),
      ports: (s.Spec.EndpointSpec?.Ports ?? []).map((p) => port(p.TargetPort, p.Protocol === 'udp' ? 'udp' : 'tcp', p.PublishedPort ?? null)),
    }));
    const containers = (tasksOf.get(s.ID) ?? []).map((t) => {
      const local = raw.containers.get(t.Status.ContainerStatus?.ContainerID ?? '');
      const node = t.NodeID ? nodeUris.get(t.NodeID) : undefined;
      return memo(CONTAINERS, t, [s, local, node], () => swarmContainer(out, raw, s, t, serviceUri, nodeUris, launchConfig, ports));
    });
    for (const c of containers) out.add('container', c);
    const replicas = s.Spec.Mode.Replicated?.Replicas;
    const stoppedTarget = Number(s.Spec.Labels?.[LABEL.stoppedTarget] ?? NaN);
    const nextTarget = Number(s.Spec.Labels?.[LABEL.target] ?? NaN);
    const target = replicas ?? (tasksOf.get(s.ID) ?? []).filter((t) => t.DesiredState === 'running').length;
    const notStarted = s.Spec.Labels?.[LABEL.notStarted] !== undefined;
    out.add('service', memo(SERVICES, s, [stackUri, target, ...containers], () => service({
      uri: serviceUri, name: s.Spec.Name, stack: stackUri, containers, launch: launchConfig, ports,
      target: !Number.isNaN(nextTarget) ? nextTarget : Number.isNaN(stoppedTarget) ? target : stoppedTarget,
      state: swarmServiceState(s, containers, target, Number.isNaN(stoppedTarget) ? null : notStarted ? 'Not running' : 'Stopped'), created: s.CreatedAt,
      strategy: s.Spec.Mode.Global ? 'EVERY_NODE' : 'HIGH_AVAILABILITY',
    })));
  }
  addStacks(out, stacks);
  return out.objects;
}

function swarmLaunch(s: SwarmService): LaunchConfig {
  const spec = s.Spec.TaskTemplate.ContainerSpec;
  return launch({
    image: spec.Image.replace(/@sha256:[0-9a-f]+$/, ''), env: spec.Env ?? [], command: (spec.Args ?? []).join(' '),
    entrypoint: (spec.Command ?? []).join(' '), labels: spec.Labels ?? {},
    restart: RESTART[s.Spec.TaskTemplate.RestartPolicy?.Condition ?? 'any'] ?? 'ALWAYS', autodestroy: false,
    workingDir: spec.Dir ?? '', user: spec.User ?? '', tty: spec.TTY === true, stdinOpen: false, privileged: false, net: 'bridge',
    memory: null, cpuShares: null,
  });
}

function swarmContainerState(t: SwarmTask): ContainerState {
  const state = t.Status.State;
  if (state === 'running') return t.DesiredState === 'running' ? 'Running' : 'Stopping';
  if (TERMINAL_TASK_STATES.has(state)) return 'Terminated';
  return t.DesiredState === 'shutdown' || t.DesiredState === 'remove' ? 'Terminating' : 'Starting';
}

function swarmContainer(out: Out, raw: RawState, s: SwarmService, t: SwarmTask, serviceUri: string, nodeUris: Map<string, string>,
  launchConfig: LaunchConfig, ports: ContainerPort[]): Container {
  const uuid = uuidFor('container', t.ID);
  const state = swarmContainerState(t);
  const ended = state === 'Terminated';
  const containerId = t.Status.ContainerStatus?.ContainerID ?? '';
  const local = containerId ? raw.containers.get(containerId) : undefined;
  const address = t.NetworksAttachments?.flatMap((n) => n.Addresses ?? [])[0]?.replace(/\/\d+$/, '') ?? '';
  const ip = local?.NetworkSettings.IPAddress || Object.values(local?.NetworkSettings.Networks ?? {})[0]?.IPAddress || address;
  const exit = t.Status.ContainerStatus?.ExitCode;
  const suffix = s.Spec.Mode.Global ? (t.NodeID ?? '').slice(0, 8) : String(t.Slot ?? '');
  return {
    ...launchConfig, resource_uri: out.uri('container', uuid), uuid, name: `${s.Spec.Name}.${suffix}`, docker_id: containerId,
    node: t.NodeID ? nodeUris.get(t.NodeID) ?? null : null, service: serviceUri, public_dns: '', state, synchronized: true,
    exit_code: ended && exit !== undefined ? exit : null, exit_code_msg: ended ? t.Status.Err ?? null : null,
    deployed_datetime: date(t.CreatedAt), started_datetime: state === 'Running' ? date(t.Status.Timestamp) : null,
    stopped_datetime: ended ? date(t.Status.Timestamp) : null, destroyed_datetime: ended ? date(t.Status.Timestamp) : null,
    container_ports: ports.map((p) => ({ ...p, published: p.outer_port !== null })), bindings: [], linked_to_container: [], private_ip: ip,
  };
}

/** `stopped`: the service is held at 0 replicas by dctop (stop, or created and not yet started), and how it reads. */
function swarmServiceState(s: SwarmService, containers: readonly Container[], target: number, stopped: 'Stopped' | 'Not running' | null): ServiceState {
  const running = containers.filter((c) => c.state === 'Running').length;
  const live = containers.filter((c) => c.state !== 'Terminated').length;
  if (stopped) return live > 0 ? 'Stopping' : stopped;
  if (s.UpdateStatus?.State === 'updating' || s.UpdateStatus?.State === 'rollback_started') return 'Redeploying';
  if (target === 0) return live > 0 ? 'Stopping' : 'Not running';
  if (running >= target) return 'Running';
  if (running > 0) return live > running ? 'Scaling' : 'Partly running';
  return live > 0 ? 'Starting' : 'Not running';
}

// ── shared ──────────────────────────────────────────────────────────────────────────────────────────

function port(inner: number, protocol: 'tcp' | 'udp', outer: number | null): ContainerPort {
  return {
    protocol, inner_port: inner, outer_port: outer, port_name: String(inner), uri_protocol: protocol,
    endpoint_uri: outer !== null ? `${protocol}://127.0.0.1:${outer}` : null, published: outer !== null,
  };
}

interface LaunchInput {
  image: string; env: string[]; command: string; entrypoint: string; labels: Record<string, string>; restart: AutoRestart;
  autodestroy: boolean; workingDir: string; user: string; tty: boolean; stdinOpen: boolean; privileged: boolean;
  net: 'bridge' | 'host'; memory: number | null; cpuShares: number | null;
}

function launch(i: LaunchInput): LaunchConfig {
  return {
    image_name: i.image, autorestart: i.restart, autodestroy: i.autodestroy ? 'ALWAYS' : 'OFF', cap_add: [], cap_drop: [],
    container_envvars: i.env.map((e) => {
      const at = e.indexOf('=');
      return at < 0 ? { key: e, value: '' } : { key: e.slice(0, at), value: e.slice(at + 1) };
    }),
    cpu_shares: i.cpuShares, cpuset: null, cgroup_parent: null, devices: [], dns: [], dns_search: [], domainname: null,
    entrypoint: i.entrypoint, extra_hosts: [], hostname: null, labels: i.labels, link_variables: {}, mac_address: null,
    memory: i.memory, memory_swap: null, net: i.net, pid: 'none', privileged: i.privileged, read_only: false, roles: [],
    run_command: i.command, security_opt: [], stdin_open: i.stdinOpen, tty: i.tty, user: i.user, working_dir: i.workingDir,
  };
}

interface ServiceInput {
  uri: string; name: string; stack: string | null; containers: Container[]; launch: LaunchConfig; ports: ContainerPort[];
  target: number; state: ServiceState; created: string; strategy: Service['deployment_strategy'];
}

function service(i: ServiceInput): Service {
  const live = i.containers.filter((c) => c.state !== 'Terminated');
  const uuid = i.uri.split('/').at(-2)!;
  return {
    ...i.launch, resource_uri: i.uri, uuid, name: i.name, nickname: i.name, state: i.state, synchronized: true, public_dns: '',
    deployed_datetime: date(i.created), started_datetime: date(i.created), stopped_datetime: null, destroyed_datetime: null,
    target_num_containers: i.target, current_num_containers: live.length,
    running_num_containers: live.filter((c) => c.state === 'Running').length,
    stopped_num_containers: live.filter((c) => c.state === 'Stopped').length,
    stack: i.stack, containers: live.map((c) => c.resource_uri),
    container_ports: i.ports.map(({ uri_protocol: _u, ...p }) => ({ ...p, endpoint_uri: null })),
    calculated_envvars: i.launch.container_envvars.map((e) => ({ ...e, origin: 'user' as const })),
    linked_from_service: [], linked_to_service: [], bindings: [], sequential_deployment: false, deployment_strategy: i.strategy,
    tags: [], autoredeploy: false,
  };
}

function addStacks(out: Out, stacks: Map<string, string[]>): void {
  for (const [name, services] of stacks) {
    const states = services.map((u) => String(out.objects.get(u)?.object['state']));
    const uuid = uuidFor('stack', name);
    const stack: Stack = {
      resource_uri: out.uri('stack', uuid), uuid, name, nickname: name, state: stackState(states), synchronized: true, services,
      deployed_datetime: services.map((u) => out.objects.get(u)?.object['deployed_datetime'] as string | null).find(Boolean) ?? null,
      destroyed_datetime: null,
    };
    out.add('stack', stack);
  }
}

function stackState(states: readonly string[]): StackState {
  if (states.length === 0) return 'Not Running';
  if (states.every((s) => s === 'Running')) return 'Running';
  if (states.some((s) => s === 'Redeploying')) return 'Redeploying';
  if (states.some((s) => s === 'Starting' || s === 'Scaling')) return 'Starting';
  if (states.some((s) => s === 'Stopping')) return 'Stopping';
  if (states.some((s) => s === 'Terminating')) return 'Terminating';
  if (states.some((s) => s === 'Running' || s === 'Partly running')) return 'Partly running';
  return states.every((s) => s === 'Not running') ? 'Not Running' : 'Stopped';
}
