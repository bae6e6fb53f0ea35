// Containers: creation on a node, and the container state table
// (Starting → Running ⇄ Stopping → Stopped, → Terminating → Terminated), with exits, autorestart and autodestroy.
import { objectUri, toRfc2822, type Container, type Node, type Service } from '../../domain/index.js';
import { claim, internal, jitter, type Sim } from './context.js';
import { refreshNode, refreshService } from './derive.js';
import {
  calculatedEnvvars, containerDns, containerLinks, containerLinkVariablesOf, containerPorts, serviceLinkVariables,
} from './naming.js';
import { hex, uuid4 } from './random.js';

const FIRST_DYNAMIC_PORT = 32768;

export function exitMessage(code: number): string {
  if (code === 0) return 'Exit 0 (success)';
  if (code === 137) return 'Exit 137 (killed)';
  if (code === 143) return 'Exit 143 (terminated)';
  if (code === 139) return 'Exit 139 (segmentation fault)';
  return `Exit ${code} (error)`;
}

/** The lowest container number not in use in the service: web-1, web-2 … (redeploys reuse theirs). */
export function freeIndex(sim: Sim, service: Service): number {
  const used = new Set(service.containers.map((uri) => Number(sim.world.container(uri)?.name.split('-').pop())));
  let i = 1;
  while (used.has(i)) i++;
  return i;
}

function privateIp(sim: Sim, namespace: string): string {
  const n = ++internal(sim, `ip:${namespace}`).counter;
  return `10.7.${(n >> 8) & 255}.${n & 255}`;
}

export interface CreateOptions {
  /** Created already Running (fleets built at once), rather than Starting. */
  running?: boolean;
  /** Recompute the service's link variables now; a fleet builder does it once per service instead. */
  relink?: boolean;
}

/** A new container of the service on the node, in Starting (or already Running). */
export function createContainer(
  sim: Sim, namespace: string, service: Service, node: Node, index: number, options: CreateOptions = {},
): Container {
  const running = options.running ?? false;
  const { world } = sim;
  const uuid = uuid4(sim.rng);
  const uri = objectUri('container', namespace, uuid);
  const name = `${service.name}-${index}`;
  const stackName = world.stack(service.stack)?.name;
  const publicDns = containerDns(namespace, name, stackName);
  const nodeMeta = internal(sim, node.resource_uri);
  const now = toRfc2822(sim.clock.now());
  const container: Container = {
    resource_uri: uri,
    uuid,
    name,
    docker_id: hex(sim.rng, 64),
    node: node.resource_uri,
    service: service.resource_uri,
    public_dns: publicDns,
    state: running ? 'Running' : 'Starting',
    synchronized: true,
    exit_code: null,
    exit_code_msg: null,
    deployed_datetime: now,
    started_datetime: running ? now : null,
    stopped_datetime: null,
    destroyed_datetime: null,
    container_ports: containerPorts(service, publicDns, () => FIRST_DYNAMIC_PORT + nodeMeta.counter++),
    bindings: service.bindings.map((b) => ({
      host_path: b.host_path, container_path: b.container_path, rewritable: b.rewritable, volume: null,
    })),
    linked_to_container: containerLinks(world, service, uri),
    private_ip: privateIp(sim, namespace),
    ...launchConfig(service),
    hostname: service.hostname ?? name,
  };
  container.link_variables = containerLinkVariablesOf(service, container);
  world.add(namespace, 'container', container);
  service.containers.push(uri);
  let onNode = sim.containersOnNode.get(node.resource_uri);
  if (!onNode) sim.containersOnNode.set(node.resource_uri, (onNode = new Set()));
  onNode.add(uri);
  refreshNode(sim, node);
  if (running) sim.logs.started(container);
  if (options.relink ?? true) relink(sim, service);
  refreshService(sim, service);
  return container;
}

/** The launch configuration a container copies from its service when it is (re)deployed. */
function launchConfig(service: Service) {
  return {
    image_name: service.image_name, autorestart: service.autorestart, autodestroy: service.autodestroy,
    cap_add: [...service.cap_add], cap_drop: [...service.cap_drop],
    container_envvars: service.calculated_envvars.map(({ key, value }) => ({ key, value })),
    cpu_shares: service.cpu_shares, cpuset: service.cpuset, cgroup_parent: service.cgroup_parent,
    devices: [...service.devices], dns: [...service.dns], dns_search: [...service.dns_search],
    domainname: service.domainname, entrypoint: service.entrypoint, extra_hosts: [...service.extra_hosts],
    labels: { ...service.labels }, link_variables: {}, mac_address: service.mac_address, memory: service.memory,
    memory_swap: service.memory_swap, net: service.net, pid: service.pid, privileged: service.privileged,
    read_only: service.read_only, roles: [...service.roles], run_command: service.run_command,
    security_opt: [...service.security_opt], stdin_open: service.stdin_open, tty: service.tty, user: service.user,
    working_dir: service.working_dir,
  };
}

/** A service's link variables follow its members (their IPs and numbers). */
export function relink(sim: Sim, service: Service): void {
  const members = service.containers.map((uri) => sim.world.container(uri)).filter((c): c is Container => !!c);
  service.link_variables = serviceLinkVariables(service, members, sim.apiBase);
  sim.world.touch(service);
  // Services linking to this one see its variables in their calculated environment.
  for (const link of service.linked_from_service) {
    const from = sim.world.service(link.from_service);
    if (from) from.calculated_envvars = calculatedEnvvars(sim.world, from, sim.apiBase);
    sim.world.touch(from);
  }
}

function setState(sim: Sim, c: Container, state: Container['state']): void {
  const wasRunning = c.state === 'Running';
  if (wasRunning && state !== 'Running') sim.logs.stopped(c, c.exit_code ?? 0);
  sim.world.setState(c, state);
  if (state === 'Running' && !wasRunning) sim.logs.started(c);
  refreshService(sim, sim.world.service(c.service));
}

/**
 * Starting → Running after the start delay. Resolves true when it got there, false when something took over.
 * `pace`: see jitter (here and below).
 */
export async function boot(sim: Sim, c: Container, pace = 1): Promise<boolean> {
  const valid = claim(sim, c.resource_uri);
  if (c.state !== 'Starting') setState(sim, c, 'Starting');
  await sim.clock.sleep(jitter(sim, sim.durations.containerStart, pace));
  if (!valid()) return false;
  c.started_datetime = toRfc2822(sim.clock.now());
  c.exit_code = null;
  c.exit_code_msg = null;
  internal(sim, c.resource_uri).flag = false;
  setState(sim, c, 'Running');
  return true;
}

/** Stops a running (or starting) container at the user's request: no automatic restart follows. */
export async function stop(sim: Sim, c: Container, pace = 1): Promise<boolean> {
  const valid = claim(sim, c.resource_uri);
  internal(sim, c.resource_uri).flag = true;
  setState(sim, c, 'Stopping');
  await sim.clock.sleep(jitter(sim, sim.durations.containerStop, pace));
  if (!valid()) return false;
  exited(sim, c, 0);
  return true;
}

/** A container that ran this long before it stopped starts a fresh series of automatic restarts. */
export const RESTART_RESET_MS = 10_000;
const MAX_RESTART_DELAY_MS = 60_000;

/** Whether the container's restart policy restarts it after an exit with `code`. */
export function restartsOnExit(c: Container, code: number): boolean {
  return c.autorestart === 'ALWAYS' || (c.autorestart === 'ON_FAILURE' && code !== 0);
}

/**
 * The container's process ended with `code`: Stopped, then autodestroy or autorestart as configured (Stopped →
 * Starting → Running, after a delay that doubles with each restart in a row). `policies: false`: neither (a
 * fleet's history being written). `pace`: how fast what follows goes (see jitter).
 */
export function exited(sim: Sim, c: Container, code: number, policies = true, pace = 1): void {
  claim(sim, c.resource_uri);
  const meta = internal(sim, c.resource_uri);
  const ranFor = sim.clock.now() - Date.parse(c.started_datetime ?? '');
  c.exit_code = code;
  c.exit_code_msg = exitMessage(code);
  c.stopped_datetime = toRfc2822(sim.clock.now());
  setState(sim, c, 'Stopped');
  if (meta.flag || !policies) return; // stopped on purpose
  const destroy = c.autodestroy === 'ALWAYS' || (c.autodestroy === 'ON_SUCCESS' && code === 0);
  if (destroy) void terminate(sim, c, pace);
  else if (restartsOnExit(c, code)) {
    const inARow = !(ranFor < RESTART_RESET_MS / pace) ? 0 : (meta.restarts ?? 0);
    meta.restarts = inARow + 1;
    const valid = claim(sim, c.resource_uri);
    sim.clock.after(Math.min(MAX_RESTART_DELAY_MS, sim.durations.restartDelay * 2 ** inARow) / pace, () => {
      if (valid() && c.state === 'Stopped') void boot(sim, c, pace);
    });
  }
}

/** Terminating → Terminated: the container leaves its service and node, and later the lists. */
export async function terminate(sim: Sim, c: Container, pace = 1): Promise<void> {
  const valid = claim(sim, c.resource_uri);
  // Termination stops the process with SIGTERM first, as `docker stop` does.
  if (c.state === 'Running' || c.state === 'Starting') {
    c.exit_code ??= 143;
    c.exit_code_msg = exitMessage(c.exit_code);
  }
  setState(sim, c, 'Terminating');
  await sim.clock.sleep(jitter(sim, sim.durations.containerTerminate, pace));
  if (!valid()) return;
  destroyNow(sim, c);
}

/** Marks a container Terminated at once (its node vanished, or its termination completed). */
export function destroyNow(sim: Sim, c: Container): void {
  claim(sim, c.resource_uri);
  c.destroyed_datetime = toRfc2822(sim.clock.now());
  const service = sim.world.service(c.service);
  if (service) service.containers = service.containers.filter((uri) => uri !== c.resource_uri);
  sim.containersOnNode.get(c.node ?? '')?.delete(c.resource_uri);
  refreshNode(sim, sim.world.node(c.node));
  setState(sim, c, 'Terminated');
  if (service) relink(sim, service);
  sim.clock.after(sim.durations.retention, () => {
    sim.world.remove(c.resource_uri);
    sim.logs.forget(c.resource_uri);
    sim.internals.delete(c.resource_uri);
  });
}

/** Redeploys one container in place: a fresh Docker container with the service's current configuration. */
export async function redeployInPlace(sim: Sim, c: Container, pace = 1): Promise<boolean> {
  const service = sim.world.service(c.service);
  if (c.state === 'Running') {
    const valid = claim(sim, c.resource_uri);
    internal(sim, c.resource_uri).flag = true;
    setState(sim, c, 'Stopping');
    await sim.clock.sleep(jitter(sim, sim.durations.containerStop, pace));
    if (!valid()) return false;
  }
  if (service) Object.assign(c, launchConfig(service), { hostname: service.hostname ?? c.name });
  c.docker_id = hex(sim.rng, 64);
  c.synchronized = true;
  c.deployed_datetime = toRfc2822(sim.clock.now());
  return boot(sim, c, pace);
}
