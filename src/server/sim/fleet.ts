// Fleets to start from: `demo` (a lively, hand-written fleet), `empty`, or about N containers spread the way real
// fleets are (clusters on several providers, stacks of linked services, a few stopped or failed containers).
// Everything comes from the seeded generator, so `--seed` reproduces a fleet exactly.
import { toRfc2822, type Node, type NodeCluster, type Service, type Stack } from '../../domain/index.js';
import { parseStackCreate, parseServiceCreate } from '../inputs.js';
import type { JsonObject } from '../body.js';
import { createContainer, exited, freeIndex, relink } from './containers.js';
import type { Sim } from './context.js';
import { refreshCluster, refreshEveryNodeTargets, refreshService, serviceContainers } from './derive.js';
import { createCluster, createNode, heartbeat, loseNode, MAX_NODES_PER_NAMESPACE } from './infra.js';
import { chooseNode } from './placement.js';
import { pick, randInt } from './random.js';
import { createService, stackServices } from './services.js';
import { createStack, dependencyOrder } from './stacks.js';

export type FleetSpec = 'demo' | 'empty' | number;

export function parseFleet(text: string): FleetSpec {
  if (text === 'demo' || text === 'empty') return text;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 100_000) throw new Error(`--fleet expects demo, empty or a number of containers up to 100000, got '${text}'`);
  return n;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

interface ClusterPlan { name: string; provider: string; region: string; type: string; nodes: number; tags: string[] }

function buildCluster(sim: Sim, namespace: string, plan: ClusterPlan): NodeCluster {
  const cluster = createCluster(sim, namespace, {
    name: plan.name, nickname: null, region: `/api/infra/v1/region/${plan.provider}/${plan.region}/`,
    node_type: `/api/infra/v1/nodetype/${plan.provider}/${plan.type}/`, disk: 60, target_num_nodes: plan.nodes,
    tags: plan.tags.map((name) => ({ name })), provider_options: {},
  });
  cluster.deployed_datetime = toRfc2822(sim.clock.now());
  for (let i = 0; i < plan.nodes; i++) createNode(sim, namespace, cluster, true);
  refreshCluster(sim, cluster, true);
  return cluster;
}

/** Starts a service at once (no transition): its containers placed and Running. */
function runNow(sim: Sim, namespace: string, service: Service): void {
  const now = toRfc2822(sim.clock.now());
  service.deployed_datetime = now;
  service.started_datetime = now;
  const stack = sim.world.stack(service.stack);
  if (stack) stack.deployed_datetime ??= now;
  sim.world.touch(stack);
  const want = service.deployment_strategy === 'EVERY_NODE' ? Infinity : service.target_num_containers;
  let placed = 0;
  while (placed < want) {
    const node = chooseNode(sim, namespace, service);
    if (!node) break;
    createContainer(sim, namespace, service, node, freeIndex(sim, service), { running: true, relink: false });
    placed++;
  }
  relink(sim, service);
  refreshEveryNodeTargets(sim, namespace, service);
  refreshService(sim, service, true);
}

/** A container that exited on its own and is still down (its restart policy, if any, not applied). */
function exitNow(sim: Sim, service: Service, index: number, code: number): void {
  const c = serviceContainers(sim, service)[index];
  if (!c) return;
  exited(sim, c, code, false);
}

const DEMO_CLUSTERS: ClusterPlan[] = [
  { name: 'production', provider: 'aws', region: 'us-east-1', type: 'm4.large', nodes: 4, tags: ['production'] },
  { name: 'staging', provider: 'digitalocean', region: 'lon1', type: '4gb', nodes: 2, tags: ['staging'] },
  { name: 'edge', provider: 'azure', region: 'west-europe', type: 'medium', nodes: 2, tags: ['edge'] },
];

/** Stack files, with the keys the docker-cloud CLI sends. */
const DEMO_STACKS: JsonObject[] = [
  { name: 'shop', services: [
    { name: 'web', image: 'nginx:1.13', target_num_containers: 4, ports: ['80:80', '443:443'], links: ['api'],
      deployment_strategy: 'high_availability', tags: ['production'], restart: 'always' },
    { name: 'api', image: 'shopco/api:2.4.1', target_num_containers: 6, expose: [3000], links: ['db', 'cache'],
      environment: ['NODE_ENV=production', 'LOG_LEVEL=info'], restart: 'on-failure', tags: ['production'] },
    // Memory limits (MB) on some: their containers' usage shows against them, and a leak runs into them.
    { name: 'worker', image: 'shopco/worker:2.4.1', target_num_containers: 4, links: ['db', 'cache'], tags: ['production'], memory: 384 },
    { name: 'mailer', image: 'shopco/mailer:1.0.3', target_num_containers: 2, links: ['cache'], tags: ['production'] },
    { name: 'db', image: 'mysql:5.7', expose: [3306], environment: { MYSQL_ROOT_PASSWORD: 'changeme', MYSQL_DATABASE: 'shop' },
      volumes: ['/var/lib/mysql'], tags: ['production'], restart: 'always', memory: 1024 },
    { name: 'cache', image: 'redis:3.2', target_num_containers: 2, expose: [6379], tags: ['production'], memory: 896 },
  ] },
  { name: 'blog', services: [
    { name: 'wordpress', image: 'wordpress:4.9-apache', target_num_containers: 2, ports: ['8080:80'], links: ['mariadb:mysql'], tags: ['staging'] },
    { name: 'mariadb', image: 'mariadb:10.3', expose: [3306], environment: ['MYSQL_ROOT_PASSWORD=changeme'], tags: ['staging'] },
  ] },
  { name: 'monitoring', services: [
    { name: 'prometheus', image: 'prom/prometheus:v2.3.2', ports: ['9090:9090'], links: ['node-exporter'], tags: ['production'] },
    { name: 'grafana', image: 'grafana/grafana:5.2.4', ports: ['3000:3000'], links: ['prometheus'], tags: ['production'] },
    { name: 'node-exporter', image: 'prom/node-exporter:v0.16.0', expose: [9100], deployment_strategy: 'every_node' },
  ] },
  { name: 'analytics', services: [
    { name: 'elasticsearch', image: 'elasticsearch:5.6', target_num_containers: 3, expose: [9200], sequential_deployment: true, tags: ['staging'] },
    { name: 'kibana', image: 'kibana:5.6', ports: ['5601:5601'], links: ['elasticsearch'] },
    { name: 'logstash', image: 'logstash:5.6', target_num_containers: 2, links: ['elasticsearch'] },
  ] },
];

/** The demo has a history: clusters deployed months ago, stacks over the last weeks, trouble within the hour. */
function demoFleet(sim: Sim, namespace: string): void {
  const { clock } = sim;
  const clusters = DEMO_CLUSTERS.map((plan, i) => clock.past((120 - 30 * i) * DAY, () => buildCluster(sim, namespace, plan)));
  const stacks = DEMO_STACKS.map((body) => createStack(sim, namespace, parseStackCreate(body)));
  const hello = createService(sim, namespace, parseServiceCreate({ image: 'tutum/hello-world', target_num_containers: 2, ports: ['80'] }), null);
  const backup = createService(sim, namespace, parseServiceCreate({ name: 'backup', image: 'shopco/backup:0.9', run_command: '/usr/bin/backup --nightly' }), null);
  const stackAges = [41 * DAY, 17 * DAY, 6 * DAY, 2 * DAY + 5 * HOUR];
  stacks.forEach((stack, i) => clock.past(stackAges[i] ?? DAY, () => {
    for (const s of dependencyOrder(stackServices(sim, stack))) runNow(sim, namespace, s);
  }));
  clock.past(5 * HOUR, () => runNow(sim, namespace, hello));
  clock.past(3 * DAY, () => runNow(sim, namespace, backup));
  // Some trouble, so the demo has something to look at.
  const byName = (stack: Stack, name: string) => stackServices(sim, stack).find((s) => s.name === name)!;
  clock.past(2 * HOUR, () => exitNow(sim, backup, 0, 0));
  clock.past(47 * MINUTE, () => exitNow(sim, byName(stacks[3]!, 'logstash'), 1, 137));
  clock.past(12 * MINUTE, () => heartbeat(sim, namespace, 0));
  clock.past(11 * MINUTE, () => loseNode(sim, sim.world.node(clusters[2]!.nodes[1])!));
  clock.past(4 * MINUTE, () => exitNow(sim, byName(stacks[0]!, 'worker'), 3, 1));
  heartbeat(sim, namespace, 0);
}

const IMAGES: { image: string; expose?: number[]; ports?: string[] }[] = [
  { image: 'nginx:1.13', ports: ['80'] }, { image: 'httpd:2.4', ports: ['80'] }, { image: 'haproxy:1.8', ports: ['80', '443'] },
  { image: 'node:8-alpine', expose: [3000] }, { image: 'python:3.6-slim', expose: [8000] }, { image: 'ruby:2.5', expose: [3000] },
  { image: 'openjdk:8-jre', expose: [8080] }, { image: 'golang:1.10', expose: [8080] }, { image: 'redis:3.2', expose: [6379] },
  { image: 'mysql:5.7', expose: [3306] }, { image: 'postgres:10', expose: [5432] }, { image: 'mongo:3.6', expose: [27017] },
  { image: 'memcached:1.5', expose: [11211] }, { image: 'rabbitmq:3.7', expose: [5672] },
];
const PLACES: [string, string, string][] = [
  ['aws', 'us-east-1', 'm4.xlarge'], ['aws', 'eu-west-1', 'm4.large'], ['digitalocean', 'nyc3', '8gb'],
  ['digitalocean', 'ams3', '8gb'], ['azure', 'east-us', 'large'], ['packet', 'ewr1', 'baremetal_1'],
  ['softlayer', 'dal09', '1x2gb'], ['aws', 'us-west-2', 'c4.xlarge'],
];
const WORDS = ['alpha', 'atlas', 'beacon', 'cobalt', 'delta', 'ember', 'falcon', 'granite', 'harbor', 'ion', 'juniper',
  'kepler', 'lumen', 'meridian', 'nova', 'orbit', 'pioneer', 'quartz', 'raven', 'summit', 'tundra', 'umbra', 'vertex', 'willow'];

/**
 * About `total` containers: ~25 per node (more on large fleets: the nodes stay within the namespace's quota), clusters
 * of up to 12 nodes, stacks of 3–8 services, ~8 containers each.
 */
function sizedFleet(sim: Sim, namespace: string, total: number): void {
  const rng = sim.rng;
  const clusterCount = Math.ceil(Math.min(MAX_NODES_PER_NAMESPACE, Math.max(3, Math.ceil(total / 25))) / 12);
  // Whole clusters of equal size, all of them within the quota.
  const nodeCount = Math.min(Math.max(3, Math.ceil(total / 25)), Math.floor(MAX_NODES_PER_NAMESPACE / clusterCount) * clusterCount);
  const { clock } = sim;
  for (let i = 0; i < clusterCount; i++) {
    const [provider, region, type] = PLACES[i % PLACES.length]!;
    const nodes = Math.ceil(nodeCount / clusterCount);
    const name = `${pick(rng, WORDS)}-${i + 1}`;
    clock.past(randInt(rng, 60, 400) * DAY, () => buildCluster(sim, namespace, { name, provider, region, type, nodes, tags: [] }));
  }
  let placed = 0;
  let stackNo = 0;
  while (placed < total) {
    const members = randInt(rng, 3, 8);
    const services: JsonObject[] = [];
    for (let s = 0; s < members && placed < total; s++) {
      const image = pick(rng, IMAGES);
      const count = Math.min(total - placed, randInt(rng, 1, 15));
      placed += count;
      const service: JsonObject = { name: `${image.image.split(/[:/]/)[0]}-${s + 1}`, image: image.image, target_num_containers: count };
      if (image.ports) service['ports'] = image.ports;
      if (image.expose) service['expose'] = image.expose;
      if (s > 0 && rng() < 0.5) service['links'] = [String(services[0]!['name'])];
      if (rng() < 0.3) service['autorestart'] = pick(rng, ['ON_FAILURE', 'ALWAYS']);
      services.push(service);
    }
    stackNo++;
    const stack = createStack(sim, namespace, parseStackCreate({ name: `${pick(rng, WORDS)}-${stackNo}`, services }));
    // Deployed within the last 40 days; what crashed, crashed since.
    const deployedAgo = randInt(rng, HOUR, 40 * DAY);
    for (const service of dependencyOrder(stackServices(sim, stack))) {
      clock.past(deployedAgo, () => runNow(sim, namespace, service));
      const roll = rng();
      const exitAgo = randInt(rng, MINUTE, deployedAgo);
      if (roll < 0.02) clock.past(exitAgo, () => serviceContainers(sim, service).forEach((_, i) => exitNow(sim, service, i, 0)));
      else if (roll < 0.1) clock.past(exitAgo, () => exitNow(sim, service, 0, pick(rng, [1, 2, 137, 139])));
    }
  }
  const nodes = sim.world.nodes(namespace);
  for (let i = 0; i < Math.floor(nodes.length / 100); i++) {
    // A node that stopped answering was last seen at its last report, moments before.
    const [node, ago] = [pick(rng, nodes) as Node, randInt(rng, MINUTE, HOUR)];
    clock.past(ago + 20_000, () => heartbeat(sim, namespace, 0));
    clock.past(ago, () => loseNode(sim, node));
  }
  heartbeat(sim, namespace, 0);
}

export function buildFleet(sim: Sim, namespace: string, spec: FleetSpec): void {
  if (spec === 'demo') demoFleet(sim, namespace);
  else if (typeof spec === 'number' && spec > 0) sizedFleet(sim, namespace, spec);
}
