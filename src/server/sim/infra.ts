// Node clusters and nodes: deploy (Init → Deploying → Deployed), scale (Scaling), terminate, docker-upgrade,
// health-check, reachability; new nodes receive the containers of EVERY_NODE services.
import { objectUri, toRfc2822, type Node, type NodeCluster, type NodeType, type Region, type Tag } from '../../domain/index.js';
import { conflict, invalid, notAllowed } from '../backend-errors.js';
import type { NodeClusterCreate } from '../inputs.js';
import { boot, createContainer, destroyNow, exited, freeIndex } from './containers.js';
import { claim, internal, jitter, type Sim } from './context.js';
import { refreshCluster, refreshEveryNodeTargets, serviceContainers } from './derive.js';
import { eligibleNodes } from './placement.js';
import { pick, randInt, uuid4 } from './random.js';
import type { Log } from './services.js';

export const DOCKER_VERSIONS = ['1.11.2-cs5', '1.13.1-cs9', '17.03.2-ee', '17.06.2-ee'] as const;
const LATEST_DOCKER = DOCKER_VERSIONS[DOCKER_VERSIONS.length - 1]!;

function findRegion(sim: Sim, uri: string): Region | undefined {
  return sim.catalogue.regions.find((r) => r.resource_uri === uri);
}
function findNodeType(sim: Sim, uri: string): NodeType | undefined {
  return sim.catalogue.nodeTypes.find((t) => t.resource_uri === uri);
}

export function createCluster(sim: Sim, namespace: string, input: NodeClusterCreate): NodeCluster {
  const region = findRegion(sim, input.region);
  if (!region) throw invalid(`Invalid field 'region': no region ${input.region}`);
  const nodeType = findNodeType(sim, input.node_type);
  if (!nodeType) throw invalid(`Invalid field 'node_type': no node type ${input.node_type}`);
  if (!nodeType.regions.includes(region.resource_uri)) {
    throw invalid(`Invalid field 'node_type': ${nodeType.label} is not offered in region ${region.label}`);
  }
  if (!region.available || !nodeType.available) throw notAllowed(`Region ${region.label} is not available for new nodes`);
  const taken = (sim.world.list('nodecluster', namespace) as unknown as NodeCluster[])
    .some((c) => c.name === input.name && c.state !== 'Terminated');
  if (taken) throw conflict(`A node cluster named '${input.name}' already exists`);
  checkNodeQuota(sim, namespace, input.target_num_nodes, null);
  const uuid = uuid4(sim.rng);
  const cluster: NodeCluster = {
    resource_uri: objectUri('nodecluster', namespace, uuid), uuid, name: input.name, nickname: input.nickname ?? input.name,
    state: 'Init', node_type: nodeType.resource_uri, disk: input.disk, nodes: [], region: region.resource_uri,
    target_num_nodes: input.target_num_nodes, current_num_nodes: 0, deployed_datetime: null, destroyed_datetime: null,
    tags: input.tags, provider_options: input.provider_options,
  };
  return sim.world.add(namespace, 'nodecluster', cluster);
}

/** A documentation-range address (RFC 5737), so that no simulated node looks like a real host. */
function publicIp(sim: Sim): string {
  return `${pick(sim.rng, ['198.51.100', '203.0.113', '192.0.2'])}.${randInt(sim.rng, 2, 254)}`;
}

export function createNode(sim: Sim, namespace: string, cluster: NodeCluster, deployed = false): Node {
  const nodeType = findNodeType(sim, cluster.node_type);
  const region = findRegion(sim, cluster.region);
  const uuid = uuid4(sim.rng);
  const fqdn = `${uuid.slice(0, 8)}.${namespace}.node.dockerapp.io`;
  const now = toRfc2822(sim.clock.now());
  const node: Node = {
    resource_uri: objectUri('node', namespace, uuid), uuid,
    availability_zone: region?.availability_zones.length ? pick(sim.rng, region.availability_zones) : null,
    external_fqdn: fqdn, nickname: fqdn, state: deployed ? 'Deployed' : 'Deploying',
    node_cluster: cluster.resource_uri, node_type: cluster.node_type, region: cluster.region,
    docker_execdriver: 'native-0.2', docker_graphdriver: 'overlay2',
    docker_version: deployed ? pick(sim.rng, DOCKER_VERSIONS) : LATEST_DOCKER,
    cpu: nodeType?.cpu ?? 1, disk: cluster.disk, memory: nodeType?.memory ?? 1024, current_num_containers: 0,
    last_seen: deployed ? now : null, public_ip: publicIp(sim), tunnel: null,
    deployed_datetime: deployed ? now : null, destroyed_datetime: null, tags: cluster.tags.map((t) => ({ ...t })),
  };
  internal(sim, node.resource_uri).flag = true; // reachable
  sim.world.add(namespace, 'node', node);
  cluster.nodes.push(node.resource_uri);
  sim.world.touch(cluster);
  refreshCluster(sim, cluster);
  if (deployed) refreshEveryNodeTargets(sim, namespace);
  return node;
}

/** Every change of a node's state goes through here: its cluster and the EVERY_NODE services' targets follow it. */
function setNodeState(sim: Sim, node: Node, state: Node['state']): void {
  if (state === 'Deployed' || state === 'Upgrading') node.last_seen = toRfc2822(sim.clock.now());
  sim.world.setState(node, state);
  refreshCluster(sim, sim.world.cluster(node.node_cluster));
  const namespace = sim.world.namespaceOf(node.resource_uri);
  if (namespace !== undefined) refreshEveryNodeTargets(sim, namespace);
}

async function deployNode(sim: Sim, namespace: string, node: Node, log: Log): Promise<boolean> {
  const valid = claim(sim, node.resource_uri);
  await sim.clock.sleep(jitter(sim, sim.durations.nodeDeploy));
  if (!valid()) return false;
  node.deployed_datetime = toRfc2822(sim.clock.now());
  setNodeState(sim, node, 'Deployed');
  log(`Node ${node.external_fqdn} deployed (${node.public_ip})`);
  await fillEveryNodeServices(sim, namespace, node);
  return true;
}

/**
 * "EVERY_NODE: new containers will be deployed to new nodes automatically" (for services that run): a node that
 * became Deployed (new, back from Unreachable, upgraded) gets one container of each such service it has none of.
 */
export async function fillEveryNodeServices(sim: Sim, namespace: string, node: Node): Promise<void> {
  const boots: Promise<boolean>[] = [];
  for (const service of sim.world.services(namespace)) {
    if (service.deployment_strategy !== 'EVERY_NODE' || !['Running', 'Partly running'].includes(service.state)) continue;
    if (!eligibleNodes(sim, namespace, service).includes(node)) continue;
    if (serviceContainers(sim, service).some((c) => c.node === node.resource_uri)) continue;
    boots.push(boot(sim, createContainer(sim, namespace, service, node, freeIndex(sim, service))));
  }
  await Promise.all(boots);
}

/** Terminating → Terminated; the containers on it are gone with it. */
export async function terminateNode(sim: Sim, node: Node, log: Log): Promise<void> {
  const valid = claim(sim, node.resource_uri);
  setNodeState(sim, node, 'Terminating');
  await sim.clock.sleep(jitter(sim, sim.durations.nodeTerminate));
  if (!valid()) return;
  for (const uri of [...(sim.containersOnNode.get(node.resource_uri) ?? [])]) {
    const c = sim.world.container(uri);
    if (c && c.state !== 'Terminated') {
      log(`Container ${c.name} terminated with its node`);
      destroyNow(sim, c);
    }
  }
  node.destroyed_datetime = toRfc2822(sim.clock.now());
  const cluster = sim.world.cluster(node.node_cluster);
  if (cluster) {
    cluster.nodes = cluster.nodes.filter((uri) => uri !== node.resource_uri);
    sim.world.touch(cluster);
  }
  setNodeState(sim, node, 'Terminated');
  log(`Node ${node.external_fqdn} terminated`);
  sim.clock.after(sim.durations.retention, () => {
    sim.world.remove(node.resource_uri);
    sim.internals.delete(node.resource_uri);
    sim.containersOnNode.delete(node.resource_uri);
  });
}

export async function deployCluster(sim: Sim, namespace: string, cluster: NodeCluster, log: Log): Promise<string | null> {
  cluster.deployed_datetime = toRfc2822(sim.clock.now());
  sim.world.setState(cluster, 'Deploying');
  log(`Deploying ${cluster.target_num_nodes} node(s) of ${cluster.node_type} in ${cluster.region}`);
  const nodes = Array.from({ length: cluster.target_num_nodes }, () => createNode(sim, namespace, cluster));
  await Promise.all(nodes.map((n) => deployNode(sim, namespace, n, log)));
  refreshCluster(sim, cluster, true);
  return null;
}

/** Nodes one namespace may ask for, over all its clusters: ten requests once made 5,000 nodes. */
export const MAX_NODES_PER_NAMESPACE = 200;

/** Refuses a target that would take the namespace's clusters past the quota (`except`: the cluster being changed). */
export function checkNodeQuota(sim: Sim, namespace: string, target: number, except: string | null): void {
  const others = (sim.world.list('nodecluster', namespace) as unknown as NodeCluster[])
    .filter((c) => c.state !== 'Terminated' && c.resource_uri !== except)
    .reduce((sum, c) => sum + c.target_num_nodes, 0);
  if (others + target > MAX_NODES_PER_NAMESPACE) {
    throw invalid(`Invalid field 'target_num_nodes': ${target} more node(s) would take this namespace to ${others + target}; the quota is ${MAX_NODES_PER_NAMESPACE}`, 'target_num_nodes');
  }
}

/** PATCH target_num_nodes on a deployed cluster: new nodes, or the newest ones terminated. */
export async function scaleCluster(sim: Sim, namespace: string, cluster: NodeCluster, target: number, log: Log): Promise<string | null> {
  cluster.target_num_nodes = target;
  const live = cluster.nodes.map((uri) => sim.world.node(uri)).filter((n): n is Node => !!n && n.state !== 'Terminated');
  if (cluster.state === 'Init' || target === live.length) {
    sim.world.emit(cluster.resource_uri);
    return null;
  }
  sim.world.setState(cluster, 'Scaling');
  if (target > live.length) {
    log(`Scaling up from ${live.length} to ${target} node(s)`);
    const fresh = Array.from({ length: target - live.length }, () => createNode(sim, namespace, cluster));
    await Promise.all(fresh.map((n) => deployNode(sim, namespace, n, log)));
  } else {
    log(`Scaling down from ${live.length} to ${target} node(s)`);
    await Promise.all(live.slice(target).map((n) => terminateNode(sim, n, log)));
  }
  refreshCluster(sim, cluster, true);
  return null;
}

export function retagCluster(sim: Sim, cluster: NodeCluster, tags: Tag[]): void {
  cluster.tags = tags;
  for (const uri of cluster.nodes) {
    const node = sim.world.node(uri);
    if (node) {
      node.tags = tags.map((t) => ({ ...t }));
      sim.world.emit(uri);
    }
  }
  const namespace = sim.world.namespaceOf(cluster.resource_uri) ?? '';
  refreshEveryNodeTargets(sim, namespace);
  // A node that now carries an EVERY_NODE service's tags is a new node for it. (Containers on nodes that no longer
  // carry them stay until the service is redeployed.)
  for (const uri of cluster.nodes) {
    const node = sim.world.node(uri);
    if (node?.state === 'Deployed') void fillEveryNodeServices(sim, namespace, node);
  }
}

export async function terminateCluster(sim: Sim, cluster: NodeCluster, log: Log): Promise<string | null> {
  sim.world.setState(cluster, 'Terminating');
  const nodes = cluster.nodes.map((uri) => sim.world.node(uri)).filter((n): n is Node => !!n && n.state !== 'Terminated');
  await Promise.all(nodes.map((n) => terminateNode(sim, n, log)));
  cluster.destroyed_datetime = toRfc2822(sim.clock.now());
  refreshCluster(sim, cluster);
  sim.world.setState(cluster, 'Terminated');
  sim.clock.after(sim.durations.retention, () => sim.world.remove(cluster.resource_uri));
  return null;
}

/** A node terminated on its own (not its whole cluster): the cluster's target shrinks with it. */
export async function terminateSingleNode(sim: Sim, node: Node, log: Log): Promise<string | null> {
  const cluster = sim.world.cluster(node.node_cluster);
  if (cluster && cluster.target_num_nodes > 0) cluster.target_num_nodes--;
  await terminateNode(sim, node, log);
  return null;
}

/** Upgrading: the daemon restarts, so do its containers. */
export async function upgradeNode(sim: Sim, node: Node, log: Log): Promise<string | null> {
  const valid = claim(sim, node.resource_uri);
  setNodeState(sim, node, 'Upgrading');
  const running = [...(sim.containersOnNode.get(node.resource_uri) ?? [])]
    .map((uri) => sim.world.container(uri)).filter((c) => c?.state === 'Running');
  log(`Upgrading Docker ${node.docker_version} → ${LATEST_DOCKER}; restarting ${running.length} container(s)`);
  for (const c of running) {
    internal(sim, c!.resource_uri).flag = true; // the restart below is ours, not autorestart's
    exited(sim, c!, 0);
  }
  await sim.clock.sleep(jitter(sim, sim.durations.nodeUpgrade));
  if (!valid()) return 'the node changed state during the upgrade';
  node.docker_version = LATEST_DOCKER;
  setNodeState(sim, node, 'Deployed');
  await Promise.all([
    ...running.map((c) => (c!.state === 'Stopped' ? boot(sim, c!) : Promise.resolve(false))),
    fillEveryNodeServices(sim, sim.world.namespaceOf(node.resource_uri) ?? '', node),
  ]);
  log('Upgrade complete');
  return null;
}

/**
 * Node agents report in about once a minute: a reachable node's `last_seen` stays recent. A report is not an event
 * (the node did not change; 200 nodes would make an idle fleet's stream tick several times a second).
 * `everyMs` 0: every reachable node reports now.
 */
export function heartbeat(sim: Sim, namespace: string, everyMs = 60_000): void {
  const now = sim.clock.now();
  for (const node of sim.world.nodes(namespace)) {
    if ((node.state !== 'Deployed' && node.state !== 'Upgrading') || !internal(sim, node.resource_uri).flag) continue;
    if (everyMs > 0 && now - Date.parse(node.last_seen ?? '') < everyMs) continue;
    node.last_seen = toRfc2822(now);
    sim.world.refresh(node);
  }
}

/** Deployed if the daemon answers, Unreachable otherwise. `pace`: see jitter. */
export async function healthCheck(sim: Sim, node: Node, log: Log, pace = 1): Promise<string | null> {
  const valid = claim(sim, node.resource_uri);
  await sim.clock.sleep(jitter(sim, sim.durations.healthCheck, pace));
  if (!valid()) return 'the node changed state during the check';
  const reachable = internal(sim, node.resource_uri).flag;
  setNodeState(sim, node, reachable ? 'Deployed' : 'Unreachable');
  log(reachable ? `Node ${node.external_fqdn} answered` : `Node ${node.external_fqdn} did not answer on port 2375`);
  if (!reachable) return 'the node is unreachable';
  // Back from Unreachable: an EVERY_NODE service started meanwhile could not place its container here.
  await fillEveryNodeServices(sim, sim.world.namespaceOf(node.resource_uri) ?? '', node);
  return null;
}

/** The daemon stops answering (churn): the node is Unreachable until a health check finds it back. */
export function loseNode(sim: Sim, node: Node): void {
  internal(sim, node.resource_uri).flag = false;
  setNodeState(sim, node, 'Unreachable');
}

export function recoverNode(sim: Sim, node: Node): void {
  internal(sim, node.resource_uri).flag = true;
}

