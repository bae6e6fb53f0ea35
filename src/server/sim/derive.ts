// Parents follow their children: counters are recomputed on every child change, and a parent that is not in the
// middle of an operation of its own takes the state its children imply. An operation ends by settling its object.
import type { Container, Node, NodeCluster, Service, Stack } from '../../domain/index.js';
import type { Sim } from './context.js';
import { everyNodeNodes, NODE_DEPLOYED } from './placement.js';

/** States held by a running operation (or final): children do not move the parent out of them. */
const SERVICE_HELD = new Set(['Starting', 'Stopping', 'Scaling', 'Redeploying', 'Terminating', 'Terminated']);
const STACK_HELD = new Set(['Starting', 'Stopping', 'Redeploying', 'Terminating', 'Terminated']);
const CLUSTER_HELD = new Set(['Deploying', 'Scaling', 'Terminating', 'Terminated']);
const NODE_UP = NODE_DEPLOYED;

export function serviceContainers(sim: Sim, service: Service): Container[] {
  return service.containers.map((uri) => sim.world.container(uri)).filter((c): c is Container => c !== undefined);
}

/**
 * The state the service's containers give it, by the reference's table: Running when all its containers are
 * deployed and running (as many as its target: one that could not be placed is not running), Partly running when
 * some are, Stopped when none is (Not running when none was ever deployed).
 */
function impliedServiceState(sim: Sim, service: Service): Service['state'] {
  const containers = serviceContainers(sim, service);
  if (containers.length === 0) return service.deployed_datetime ? 'Stopped' : 'Not running';
  const running = containers.filter((c) => c.state === 'Running').length;
  if (running === 0) return 'Stopped';
  return running === containers.length && running >= service.target_num_containers ? 'Running' : 'Partly running';
}

function impliedStackState(sim: Sim, stack: Stack): Stack['state'] {
  const states = stack.services.map((uri) => sim.world.service(uri)?.state).filter((s) => s !== undefined);
  if (states.length === 0) return stack.deployed_datetime ? 'Stopped' : 'Not Running';
  if (states.every((s) => s === 'Not running')) return 'Not Running';
  if (states.every((s) => s === 'Running')) return 'Running';
  if (states.some((s) => s === 'Running' || s === 'Partly running')) return 'Partly running';
  if (states.some((s) => SERVICE_HELD.has(s))) return stack.state;
  return 'Stopped';
}

function impliedClusterState(sim: Sim, cluster: NodeCluster): NodeCluster['state'] {
  const nodes = cluster.nodes.map((uri) => sim.world.node(uri)).filter((n): n is Node => n !== undefined);
  if (nodes.length === 0) return cluster.deployed_datetime ? 'Empty cluster' : 'Init';
  if (nodes.every((n) => n.state === 'Deployed')) return 'Deployed';
  if (nodes.some((n) => NODE_UP.has(n.state))) return 'Partly deployed';
  return cluster.state;
}

export function refreshService(sim: Sim, service: Service | undefined, settle = false): void {
  if (!service) return;
  const containers = serviceContainers(sim, service);
  const counters = [containers.length, 0, 0];
  for (const c of containers) {
    if (c.state === 'Running') counters[1]!++;
    else if (c.state === 'Stopped') counters[2]!++;
  }
  const [current, running, stopped] = counters as [number, number, number];
  if (current !== service.current_num_containers || running !== service.running_num_containers ||
    stopped !== service.stopped_num_containers) {
    service.current_num_containers = current;
    service.running_num_containers = running;
    service.stopped_num_containers = stopped;
    sim.world.touch(service);
  }
  if (service.state !== 'Terminated' && (settle || !SERVICE_HELD.has(service.state))) {
    sim.world.setState(service, impliedServiceState(sim, service));
  }
  refreshStack(sim, sim.world.stack(service.stack));
}

export function refreshStack(sim: Sim, stack: Stack | undefined, settle = false): void {
  if (!stack || stack.state === 'Terminated' || (!settle && STACK_HELD.has(stack.state))) return;
  const synchronized = stack.services.every((uri) => sim.world.service(uri)?.synchronized !== false);
  if (synchronized !== stack.synchronized) {
    stack.synchronized = synchronized;
    sim.world.touch(stack);
  }
  sim.world.setState(stack, impliedStackState(sim, stack));
}

export function refreshNode(sim: Sim, node: Node | undefined): void {
  if (!node) return;
  const count = sim.containersOnNode.get(node.resource_uri)?.size ?? 0;
  if (count !== node.current_num_containers) {
    node.current_num_containers = count;
    sim.world.touch(node);
  }
}

export function refreshCluster(sim: Sim, cluster: NodeCluster | undefined, settle = false): void {
  if (!cluster) return;
  const up = cluster.nodes.filter((uri) => NODE_UP.has(sim.world.node(uri)?.state ?? '')).length;
  if (up !== cluster.current_num_nodes) {
    cluster.current_num_nodes = up;
    sim.world.touch(cluster);
  }
  if (cluster.state !== 'Terminated' && (settle || !CLUSTER_HELD.has(cluster.state))) {
    sim.world.setState(cluster, impliedClusterState(sim, cluster));
  }
}

/**
 * An EVERY_NODE service's target_num_containers is the number of deployed nodes it runs on (see everyNodeNodes):
 * recomputed whenever a node of the namespace changes state or tags, and whenever the service's tags change.
 */
export function refreshEveryNodeTargets(sim: Sim, namespace: string, only?: Service): void {
  for (const service of only ? [only] : sim.world.services(namespace)) {
    if (service.deployment_strategy !== 'EVERY_NODE' || service.state === 'Terminated') continue;
    const target = everyNodeNodes(sim, namespace, service).length;
    if (target !== service.target_num_containers) {
      service.target_num_containers = target;
      sim.world.touch(service);
      refreshService(sim, service); // a node more to run on: Partly running until its container runs there
    }
  }
}
