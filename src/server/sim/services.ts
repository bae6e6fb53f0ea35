// Services: creation and configuration, and the operations of the service state table — start, stop, rolling
// redeploy (honouring sequential_deployment), scale, terminate. Operations resolve to an error message or null.
import {
  objectUri, toRfc2822, UUID_V4, type Container, type Service, type ServiceLink, type Stack,
} from '../../domain/index.js';
import { conflict, invalid } from '../backend-errors.js';
import type { BindingInput, LinkInput, ServiceSpec, ServiceUpdate } from '../inputs.js';
import { boot, createContainer, freeIndex, stop, terminate } from './containers.js';
import { internal, type Sim } from './context.js';
import { refreshEveryNodeTargets, refreshService, refreshStack, serviceContainers } from './derive.js';
import { calculatedEnvvars, serviceDns, serviceLinkVariables, servicePorts } from './naming.js';
import { chooseNode, everyNodeNodes } from './placement.js';
import { uuid4 } from './random.js';

export type Log = (line: string) => void;

/**
 * How a long operation hears of a cancel. It asks `requested()` only where it can stop (between two steps), and
 * says with `stops(false)` that no such point lies ahead any more (before its last step), so that a cancel from
 * then on is refused as too late instead of being accepted and then not honoured.
 */
export interface Cancel {
  requested(): boolean;
  stops(ahead: boolean): void;
}

export const NO_CANCEL: Cancel = { requested: () => false, stops() {} };

/**
 * Parts of one operation that run side by side (a stack's services) share its cancel: the operation can stop while
 * any part still can. Parts are taken, then the group sealed; the operation's `stops` follows.
 */
export function cancelGroup(cancel: Cancel): { part(): Cancel; seal(): void } {
  let open = 0;
  let sealed = false;
  return {
    part() {
      let mine = true;
      open++;
      return {
        requested: () => cancel.requested(),
        stops(ahead) {
          if (ahead || !mine) return;
          mine = false;
          open--;
          if (sealed && open === 0) cancel.stops(false);
        },
      };
    },
    seal() {
      sealed = true;
      cancel.stops(open > 0);
    },
  };
}

/**
 * Runs steps one after the other; between two of them it stops when a cancel was asked (resolving false), and
 * before the last one it says that no point to stop at lies ahead.
 */
async function inSequence(steps: readonly (() => Promise<unknown>)[], cancel: Cancel): Promise<boolean> {
  cancel.stops(steps.length > 1);
  try {
    for (let i = 0; i < steps.length; i++) {
      if (i > 0 && cancel.requested()) return false;
      if (i === steps.length - 1) cancel.stops(false);
      await steps[i]!();
    }
    return true;
  } finally {
    cancel.stops(false);
  }
}

const LIVE = (s: Service | undefined) => s !== undefined && s.state !== 'Terminated';

/** Finds a service by URI, by UUID, or (for names used inside a stack body) by name among `siblings`. */
/**
 * A service a link or volumes_from names: by URI or UUID in the request's own namespace only, or by name among the
 * stack's services. A URI of another namespace resolves to nothing, with the answer a missing one gets, so that a
 * tenant can neither read another's services through links nor learn that they exist.
 */
export function resolveService(sim: Sim, namespace: string, ref: string, siblings: readonly Service[]): Service | undefined {
  if (ref.startsWith('/api/')) return sim.world.namespaceOf(ref) === namespace ? sim.world.service(ref) : undefined;
  if (UUID_V4.test(ref)) return sim.world.service(objectUri('service', namespace, ref));
  return siblings.find((s) => s.name === ref && LIVE(s));
}

export function createService(sim: Sim, namespace: string, spec: ServiceSpec, stack: Stack | null, siblings: Service[] = []): Service {
  const { world } = sim;
  const taken = world.services(namespace).some((s) => LIVE(s) && s.name === spec.name && s.stack === (stack?.resource_uri ?? null));
  if (taken) throw conflict(`A service named '${spec.name}' already exists${stack ? ` in stack '${stack.name}'` : ''}`);
  const uuid = uuid4(sim.rng);
  const uri = objectUri('service', namespace, uuid);
  const publicDns = serviceDns(namespace, spec.name, stack?.name);
  const service: Service = {
    resource_uri: uri, uuid, name: spec.name, nickname: spec.nickname ?? spec.name, state: 'Not running',
    synchronized: true, public_dns: publicDns,
    deployed_datetime: null, started_datetime: null, stopped_datetime: null, destroyed_datetime: null,
    target_num_containers: spec.target_num_containers, current_num_containers: 0, running_num_containers: 0,
    stopped_num_containers: 0, stack: stack?.resource_uri ?? null, containers: [],
    container_ports: servicePorts(spec.container_ports, publicDns),
    calculated_envvars: [], linked_from_service: [], linked_to_service: [], bindings: [],
    sequential_deployment: spec.sequential_deployment, deployment_strategy: spec.deployment_strategy, tags: spec.tags,
    autoredeploy: spec.autoredeploy, image_name: withTag(spec.image), autorestart: spec.autorestart,
    autodestroy: spec.autodestroy, cap_add: spec.cap_add, cap_drop: spec.cap_drop, container_envvars: spec.container_envvars,
    cpu_shares: spec.cpu_shares, cpuset: spec.cpuset, cgroup_parent: null, devices: spec.devices, dns: spec.dns,
    dns_search: spec.dns_search, domainname: spec.domainname, entrypoint: spec.entrypoint ?? '',
    extra_hosts: spec.extra_hosts, hostname: spec.hostname, labels: spec.labels, link_variables: {},
    mac_address: spec.mac_address, memory: spec.memory, memory_swap: spec.memory_swap, net: spec.net, pid: spec.pid,
    privileged: spec.privileged, read_only: spec.read_only, roles: spec.roles, run_command: spec.run_command ?? '',
    security_opt: spec.security_opt, stdin_open: spec.stdin_open, tty: spec.tty, user: spec.user,
    working_dir: spec.working_dir,
  };
  // EVERY_NODE: one container per deployed node; a target the request gave does not apply.
  if (spec.deployment_strategy === 'EVERY_NODE') service.target_num_containers = everyNodeNodes(sim, namespace, service).length;
  service.linked_to_service = links(sim, namespace, service, spec.linked_to_service, siblings);
  service.bindings = bindings(sim, namespace, spec.bindings, siblings);
  service.link_variables = serviceLinkVariables(service, [], sim.apiBase);
  service.calculated_envvars = calculatedEnvvars(world, service, sim.apiBase);
  world.add(namespace, 'service', service);
  for (const link of service.linked_to_service) addLinkFrom(sim, link);
  return service;
}

/** Image names without a tag get ":latest", as the reference says. */
function withTag(image: string): string {
  return /:[^/]+$/.test(image) ? image : `${image}:latest`;
}

function addLinkFrom(sim: Sim, link: ServiceLink): void {
  const target = sim.world.service(link.to_service);
  target?.linked_from_service.push(link);
  sim.world.touch(target);
}

function removeLinksFrom(sim: Sim, service: Service): void {
  for (const old of service.linked_to_service) {
    const target = sim.world.service(old.to_service);
    if (!target) continue;
    target.linked_from_service = target.linked_from_service.filter((l) => l.from_service !== service.resource_uri);
    sim.world.touch(target);
  }
}

function links(sim: Sim, namespace: string, service: Service, input: readonly LinkInput[], siblings: Service[]): ServiceLink[] {
  return input.map((link) => {
    const target = resolveService(sim, namespace, link.to_service, siblings);
    if (!target || !LIVE(target)) throw invalid(`Invalid field 'linked_to_service': no service '${link.to_service}'`);
    return { name: link.name ?? target.name, from_service: service.resource_uri, to_service: target.resource_uri };
  });
}

function bindings(sim: Sim, namespace: string, input: readonly BindingInput[], siblings: Service[]) {
  return input.map((b) => {
    let volumesFrom: string | null = null;
    if (b.volumes_from) {
      const source = resolveService(sim, namespace, b.volumes_from, siblings);
      if (!source) throw invalid(`Invalid field 'bindings': no service '${b.volumes_from}' for volumes_from`);
      volumesFrom = source.resource_uri;
    }
    return { host_path: b.host_path, container_path: b.container_path, rewritable: b.rewritable, volumes_from: volumesFrom };
  });
}

/** Fields whose change makes running containers stale until a redeploy (synchronized: false). */
const LAUNCH_FIELDS = new Set<keyof ServiceSpec>([
  'image', 'run_command', 'entrypoint', 'container_ports', 'container_envvars', 'linked_to_service', 'bindings',
  'privileged', 'net', 'pid', 'working_dir', 'cpu_shares', 'cpuset', 'memory', 'memory_swap', 'labels', 'hostname',
  'domainname', 'user', 'cap_add', 'cap_drop', 'dns', 'dns_search', 'devices', 'extra_hosts', 'security_opt',
  'mac_address', 'read_only', 'tty', 'stdin_open', 'roles',
]);

/** PATCH: changes the definition; containers pick it up on the next redeploy. */
export function updateService(sim: Sim, namespace: string, service: Service, update: ServiceUpdate, siblings: Service[] = []): void {
  if (update.deployment_strategy && (update.deployment_strategy === 'EVERY_NODE') !== (service.deployment_strategy === 'EVERY_NODE')) {
    throw invalid("Invalid field 'deployment_strategy': a service cannot be updated to or from EVERY_NODE");
  }
  if (update.name !== undefined && update.name !== service.name) {
    throw invalid("Invalid field 'name': a service cannot be renamed");
  }
  let stale = false;
  for (const key of Object.keys(update) as (keyof ServiceSpec)[]) if (LAUNCH_FIELDS.has(key)) stale = true;
  const { image, container_ports, linked_to_service, bindings: binds, entrypoint, run_command, name: _name, nickname, ...rest } = update;
  Object.assign(service, rest);
  if (nickname !== undefined) service.nickname = nickname ?? service.name;
  if (image !== undefined) service.image_name = withTag(image);
  if (entrypoint !== undefined) service.entrypoint = entrypoint ?? '';
  if (run_command !== undefined) service.run_command = run_command ?? '';
  if (container_ports) service.container_ports = servicePorts(container_ports, service.public_dns);
  if (binds) service.bindings = bindings(sim, namespace, binds, siblings);
  if (linked_to_service) {
    removeLinksFrom(sim, service);
    service.linked_to_service = links(sim, namespace, service, linked_to_service, siblings);
    for (const link of service.linked_to_service) addLinkFrom(sim, link);
  }
  service.calculated_envvars = calculatedEnvvars(sim.world, service, sim.apiBase);
  if (stale && service.containers.length > 0) {
    service.synchronized = false;
    for (const c of serviceContainers(sim, service)) {
      c.synchronized = false;
      sim.world.touch(c);
    }
  }
  // An EVERY_NODE service's target follows its nodes (its tags may have changed), whatever the request said.
  refreshEveryNodeTargets(sim, namespace, service);
  // A new target makes a running service Partly running (or Running again) until it is scaled to it: the event
  // announces the state that goes with the new definition.
  const state = service.state;
  refreshService(sim, service);
  if (service.state === state) sim.world.emit(service.resource_uri);
}

/** Boots containers one by one (sequential deployment) or all at once. */
async function bootAll(sim: Sim, containers: Container[], sequential: boolean, pace = 1): Promise<void> {
  if (sequential) {
    for (const c of containers) await boot(sim, c, pace);
  } else {
    await Promise.all(containers.map((c) => boot(sim, c, pace)));
  }
}

/** New containers up to `count`, each placed by the deployment strategy; stops when no node fits. */
function place(sim: Sim, namespace: string, service: Service, count: number, log: Log): { created: Container[]; error: string | null } {
  const created: Container[] = [];
  for (let i = 0; i < count; i++) {
    const node = chooseNode(sim, namespace, service);
    if (!node) {
      const tags = service.tags.length ? ` with tags ${service.tags.map((t) => t.name).join(', ')}` : '';
      return { created, error: `No deployed node${tags} available for ${count - i} more container(s)` };
    }
    const c = createContainer(sim, namespace, service, node, freeIndex(sim, service));
    log(`Deploying ${c.name} on node ${node.external_fqdn}`);
    created.push(c);
  }
  return { created, error: null };
}

function desiredCount(sim: Sim, namespace: string, service: Service): number {
  refreshEveryNodeTargets(sim, namespace, service);
  return service.target_num_containers;
}

export async function startService(sim: Sim, namespace: string, service: Service, log: Log): Promise<string | null> {
  const now = toRfc2822(sim.clock.now());
  service.deployed_datetime ??= now;
  service.started_datetime = now;
  sim.world.setState(service, 'Starting');
  const stopped = serviceContainers(sim, service).filter((c) => c.state === 'Stopped');
  const missing = Math.max(0, desiredCount(sim, namespace, service) - service.containers.length);
  const { created, error } = place(sim, namespace, service, missing, log);
  for (const c of stopped) log(`Starting ${c.name}`);
  await bootAll(sim, [...stopped, ...created], service.sequential_deployment);
  await catchUpEveryNode(sim, namespace, service, log);
  refreshService(sim, service, true);
  return error;
}

/**
 * EVERY_NODE: containers for the nodes that became Deployed while an operation of the service ran (a new node
 * fills only the services that are not in the middle of one).
 */
async function catchUpEveryNode(sim: Sim, namespace: string, service: Service, log: Log): Promise<void> {
  if (service.deployment_strategy !== 'EVERY_NODE') return;
  const missing = Math.max(0, desiredCount(sim, namespace, service) - service.containers.length);
  if (missing === 0) return;
  const { created } = place(sim, namespace, service, missing, log);
  await bootAll(sim, created, false);
}

export async function stopService(sim: Sim, service: Service, log: Log): Promise<string | null> {
  service.stopped_datetime = toRfc2822(sim.clock.now());
  sim.world.setState(service, 'Stopping');
  const all = serviceContainers(sim, service);
  // Every container of a stopped service is stopped on purpose, also those that were already down (crashed).
  for (const c of all) internal(sim, c.resource_uri).flag = true;
  const running = all.filter((c) => c.state === 'Running' || c.state === 'Starting');
  for (const c of running) log(`Stopping ${c.name}`);
  await Promise.all(running.map((c) => stop(sim, c)));
  refreshService(sim, service, true);
  return null;
}

/**
 * Rolling redeploy: each container is replaced by a new one with the current definition (same number, a node
 * by the strategy); the old one is terminated once its replacement runs. Sequential deployments go one by one
 * and can be canceled between containers (not during the last one). `pace`: see jitter.
 */
export async function redeployService(
  sim: Sim, namespace: string, service: Service, log: Log, cancel: Cancel = NO_CANCEL, reuseVolumes = true, pace = 1,
): Promise<string | null> {
  sim.world.setState(service, 'Redeploying');
  service.deployed_datetime = toRfc2822(sim.clock.now());
  log(`Redeploying ${service.name}${reuseVolumes ? ', reusing volumes' : ' with fresh volumes'}`);
  const old = serviceContainers(sim, service);
  let error: string | null = null;
  const replace = async (c: Container) => {
    const node = chooseNode(sim, namespace, service) ?? sim.world.node(c.node);
    if (!node || node.state !== 'Deployed') {
      error = `No deployed node available to redeploy ${c.name}`;
      return;
    }
    const index = Number(c.name.split('-').pop());
    const fresh = createContainer(sim, namespace, service, node, index);
    log(`Replacing ${c.name} (${c.uuid.slice(0, 8)}) with ${fresh.uuid.slice(0, 8)} on ${node.external_fqdn}`);
    await boot(sim, fresh, pace);
    if (c.state !== 'Terminated') await terminate(sim, c, pace);
  };
  let placeError: string | null = null;
  if (service.sequential_deployment) {
    // One step per container replaced, then one per container the service lacks.
    const lacking = Math.max(0, desiredCount(sim, namespace, service) - old.length);
    const addOne = async () => {
      const placed = place(sim, namespace, service, 1, log);
      placeError ??= placed.error;
      if (placed.created[0]) await boot(sim, placed.created[0], pace);
    };
    const steps = [...old.map((c) => () => replace(c)), ...Array.from({ length: lacking }, () => addOne)];
    if (!(await inSequence(steps, cancel))) {
      log('Redeploy canceled; containers not yet replaced keep their old definition');
      service.synchronized = serviceContainers(sim, service).every((c) => c.synchronized);
      refreshService(sim, service, true);
      return 'canceled';
    }
  } else {
    cancel.stops(false);
    await Promise.all(old.map(replace));
  }
  // Whatever is still missing (or everything, when deployed all at once).
  const missing = Math.max(0, desiredCount(sim, namespace, service) - service.containers.length);
  const placed = place(sim, namespace, service, missing, log);
  await bootAll(sim, placed.created, service.sequential_deployment, pace);
  service.synchronized = serviceContainers(sim, service).every((c) => c.synchronized);
  refreshService(sim, service, true);
  return error ?? placeError ?? placed.error;
}

/**
 * Scales to `target`: new containers by the strategy, or the highest-numbered ones terminated (all at once).
 * A sequential deployment adds containers one by one and can be canceled between them (not during the last one).
 * `pace`: see jitter.
 */
export async function scaleService(
  sim: Sim, namespace: string, service: Service, target: number, log: Log, cancel: Cancel = NO_CANCEL, pace = 1,
): Promise<string | null> {
  service.target_num_containers = target;
  if (service.state === 'Not running' || service.state === 'Stopped') {
    cancel.stops(false);
    log(`Target set to ${target}; it applies when the service starts`);
    sim.world.emit(service.resource_uri);
    return null;
  }
  sim.world.setState(service, 'Scaling');
  const current = serviceContainers(sim, service);
  let error: string | null = null;
  let completed = true;
  if (target > current.length && service.sequential_deployment) {
    log(`Scaling ${service.name} up from ${current.length} to ${target}, one container at a time`);
    const addOne = async () => {
      const placed = place(sim, namespace, service, 1, log);
      error ??= placed.error;
      if (placed.created[0]) await boot(sim, placed.created[0], pace);
    };
    completed = await inSequence(Array.from({ length: target - current.length }, () => addOne), cancel);
    if (!completed) log(`Scale canceled at ${service.containers.length} container(s)`);
  } else if (target > current.length) {
    cancel.stops(false);
    log(`Scaling ${service.name} up from ${current.length} to ${target}`);
    const placed = place(sim, namespace, service, target - current.length, log);
    error = placed.error;
    await bootAll(sim, placed.created, false, pace);
  } else if (target < current.length) {
    cancel.stops(false);
    log(`Scaling ${service.name} down from ${current.length} to ${target}`);
    const byNumber = [...current].sort((a, b) => Number(b.name.split('-').pop()) - Number(a.name.split('-').pop()));
    await Promise.all(byNumber.slice(0, current.length - target).map((c) => terminate(sim, c, pace)));
  } else {
    cancel.stops(false);
  }
  refreshService(sim, service, true);
  return completed ? error : 'canceled';
}

export async function terminateService(sim: Sim, service: Service, log: Log): Promise<string | null> {
  sim.world.setState(service, 'Terminating');
  const containers = serviceContainers(sim, service);
  for (const c of containers) log(`Terminating ${c.name}`);
  await Promise.all(containers.map((c) => terminate(sim, c)));
  service.destroyed_datetime = toRfc2822(sim.clock.now());
  refreshService(sim, service);
  sim.world.setState(service, 'Terminated');
  removeLinksFrom(sim, service);
  const stack = sim.world.stack(service.stack);
  if (stack) {
    stack.services = stack.services.filter((uri) => uri !== service.resource_uri);
    sim.world.touch(stack);
    refreshStack(sim, stack);
  }
  sim.clock.after(sim.durations.retention, () => {
    sim.world.remove(service.resource_uri);
    sim.internals.delete(service.resource_uri);
  });
  return null;
}

/** The services of a namespace that a name inside a stack body may refer to. */
export function stackServices(sim: Sim, stack: Stack): Service[] {
  return stack.services.map((uri) => sim.world.service(uri)).filter((s): s is Service => LIVE(s));
}
