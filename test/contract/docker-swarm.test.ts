// The docker backend on a swarm, through its manager: the contract, what Docker cannot do, and three nodes
// (the manager and two workers in network namespaces, scripts/docker-env.sh multinode 2): tasks spread over them,
// a drained node loses its tasks, a killed worker goes Unreachable and its tasks move, as events. Everything that
// touches the swarm is in this one file, so that its tests never run alongside each other.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contract, SWARM } from '../helpers/contract.js';
import {
  cleanUp, docker, ENV_SCRIPT, IMAGE, liveWorkers, needsEngine, startDockerServer, SWARM_ENGINE, WORKERS, type DockerServer,
} from '../helpers/docker.js';
import { collect, eventually, findOne, openSocket, settled } from '../helpers/server.js';

contract(SWARM);

const PREFIX = 'ds-';

describe.skipIf(needsEngine(SWARM_ENGINE))('what Docker cannot do: a clear 4xx, no action left behind', () => {
  let t: DockerServer;
  beforeAll(async () => {
    t = await startDockerServer(SWARM_ENGINE, liveWorkers());
  });
  afterAll(() => t?.close());

  it('refuses cloud node clusters, docker upgrades and node tokens, with the reason', async () => {
    const actionsBefore = (await t.api('GET', '/api/audit/v1/action/?limit=1')).body.meta.total_count;
    const cluster = await t.api('POST', '/api/infra/v1/nodecluster/', { name: 'x', node_type: '/api/infra/v1/nodetype/aws/t2.micro/', region: '/api/infra/v1/region/aws/us-east-1/' });
    expect(cluster.status).toBe(400);
    expect(cluster.body.error).toMatch(/no cloud provider/);
    const node = await findOne(t, '/api/infra/v1/node/');
    const upgrade = await t.api('POST', `${node.resource_uri}docker-upgrade/`);
    expect(upgrade.status).toBe(400);
    expect(upgrade.body.error).toMatch(/package manager/);
    const token = await t.api('POST', '/api/infra/v1/token/');
    expect(token.status).toBe(400);
    expect(token.body.error).toMatch(/docker swarm join/);
    expect((await t.api('GET', '/api/audit/v1/action/?limit=1')).body.meta.total_count).toBe(actionsBefore);
    const info = (await t.api('GET', '/api/dctop/v1/backend/')).body;
    expect(info.unsupported.node['docker-upgrade']).toMatch(/package manager/);
    expect(info.unsupported.nodecluster.create).toMatch(/no cloud provider/);
  });

  it('every user sees the engine without naming a namespace; no other namespace has anything', async () => {
    const alice = (await t.api('GET', '/api/infra/v1/node/')).body.objects.map((n: { uuid: string }) => n.uuid);
    const bob = (await t.api('GET', '/api/infra/v1/node/', undefined, { user: 'bob' })).body.objects.map((n: { uuid: string }) => n.uuid);
    expect(bob).toEqual(alice);
    expect((await t.api('GET', '/api/infra/v1/acme/node/')).body.objects).toEqual([]);
  });

  it('maps stack-labelled services to a stack, a global service to EVERY_NODE, and exports the stack', async () => {
    cleanUp(SWARM_ENGINE, PREFIX);
    const res = await t.api('POST', '/api/app/v1/stack/', {
      name: `${PREFIX}shop`,
      services: [
        { name: 'web', image: IMAGE, target_num_containers: 2, run_command: 'httpd -f -p 80', ports: ['80'] },
        { name: 'agent', image: IMAGE, deployment_strategy: 'EVERY_NODE', run_command: 'sleep 1000' },
      ],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect((await settled(t, res.headers.get('x-dockercloud-action-uri')!)).state).toBe('Success');
    // The global service runs at once (a swarm cannot hold it at 0); the rest waits for start.
    await eventually(async () => (await t.api('GET', res.body.resource_uri)).body.state === 'Partly running', 15_000, 'Partly running');
    const start = await t.api('POST', `${res.body.resource_uri}start/`);
    expect(start.status, JSON.stringify(start.body)).toBeLessThan(300);
    expect((await settled(t, start.headers.get('x-dockercloud-action-uri')!)).state).toBe('Success');
    const stack = (await t.api('GET', res.body.resource_uri)).body;
    expect(stack.state).toBe('Running');
    const services = await Promise.all(stack.services.map(async (uri: string) => (await t.api('GET', uri)).body));
    const agent = services.find((s) => s.name === `${PREFIX}shop_agent`);
    expect(agent).toMatchObject({ deployment_strategy: 'EVERY_NODE', stack: stack.resource_uri });
    expect(agent.running_num_containers).toBe((await t.api('GET', '/api/infra/v1/node/')).body.objects.filter((n: { state: string }) => n.state === 'Deployed').length);
    const exported = (await t.api('GET', `${stack.resource_uri}export/`)).body;
    expect(exported[`${PREFIX}shop_web`]).toMatchObject({ image: IMAGE, target_num_containers: 2 });
    const gone = await t.api('DELETE', stack.resource_uri);
    expect((await settled(t, gone.headers.get('x-dockercloud-action-uri')!)).state).toBe('Success');
    expect(docker(SWARM_ENGINE, 'service', 'ls', '-q', '--filter', `name=${PREFIX}shop`)).toBe('');
  });
});

const multinode = Object.keys(liveWorkers()).length === 2;

describe.skipIf(needsEngine(SWARM_ENGINE) || (!multinode && !process.env['CI']))('a swarm of three nodes', () => {
  let t: DockerServer;
  let service: string;
  const name = `${PREFIX}spread`;
  beforeAll(async () => {
    cleanUp(SWARM_ENGINE, PREFIX);
    t = await startDockerServer(SWARM_ENGINE, WORKERS);
  });
  afterAll(async () => {
    await t?.close();
    cleanUp(SWARM_ENGINE, PREFIX);
    spawnEnv('multinode', '2'); // a killed worker comes back
    docker(SWARM_ENGINE, 'node', 'update', '--availability', 'active', 'dctop-node-2');
  }, 120_000);

  const nodesOf = async (uri: string): Promise<Map<string, number>> => {
    const s = (await t.api('GET', uri)).body;
    const counts = new Map<string, number>();
    for (const c of s.containers as string[]) {
      const container = (await t.api('GET', c)).body;
      if (container.state !== 'Running') continue;
      const node = (await t.api('GET', container.node)).body.external_fqdn as string;
      counts.set(node, (counts.get(node) ?? 0) + 1);
    }
    return counts;
  };

  it('shows the three nodes, and spreads six tasks over them', async () => {
    const nodes = (await t.api('GET', '/api/infra/v1/node/')).body.objects;
    expect(nodes.filter((n: { state: string }) => n.state === 'Deployed').map((n: { external_fqdn: string }) => n.external_fqdn).sort())
      .toEqual(expect.arrayContaining(['dctop-node-1', 'dctop-node-2']));
    // autorestart ALWAYS: with OFF (swarm's restart condition none) a swarm does not replace drained or lost tasks.
    const res = await t.api('POST', '/api/app/v1/service/', { image: IMAGE, name, target_num_containers: 6, autorestart: 'ALWAYS', run_command: 'while true; do echo "on $HOSTNAME"; sleep 0.3; done' });
    service = res.body.resource_uri;
    await t.api('POST', `${service}start/`);
    await eventually(async () => (await t.api('GET', service)).body.running_num_containers === 6, 30_000, 'six running');
    const spread = await nodesOf(service);
    expect(spread.size).toBe(3);
  });

  it('reads the logs of a task on a worker through its engine; without it, says which flag is missing', async () => {
    const s = (await t.api('GET', service)).body;
    let onWorker: string | undefined;
    for (const c of s.containers as string[]) {
      const container = (await t.api('GET', c)).body;
      if ((await t.api('GET', container.node)).body.external_fqdn === 'dctop-node-1') onWorker = c;
    }
    expect(onWorker).toBeDefined();
    await eventually(async () => {
      const ws = await openSocket(`${t.wsUrl}${onWorker}logs/?tail=3&follow=false`);
      await collect(ws).closed;
      return collect(ws).frames.some((f) => f.log?.startsWith('on '));
    }, 10_000, 'logs from the worker');
    const managerOnly = await startDockerServer(SWARM_ENGINE);
    try {
      const ws = await openSocket(`${managerOnly.wsUrl}${onWorker}logs/?tail=3&follow=false`);
      const end = await collect(ws).closed;
      expect(end.reason).toMatch(/--node-engine dctop-node-1=HOST/);
      // Service logs work from the manager alone, with every task as a source.
      const all = await openSocket(`${managerOnly.wsUrl}${service}logs/?tail=30&follow=false`);
      await collect(all).closed;
      expect(new Set(collect(all).frames.map((f) => f.source)).size).toBeGreaterThanOrEqual(3);
    } finally {
      await managerOnly.close();
    }
  });

  it('moves the tasks off a drained node', async () => {
    docker(SWARM_ENGINE, 'node', 'update', '--availability', 'drain', 'dctop-node-2');
    await eventually(async () => {
      const spread = await nodesOf(service);
      return !spread.has('dctop-node-2') && [...spread.values()].reduce((a, b) => a + b, 0) === 6;
    }, 30_000, 'no tasks on dctop-node-2, six running');
    const node = await nodeNamed(t, 'dctop-node-2');
    expect((node.tags as Array<{ name: string }>).map((x) => x.name)).toContain('drain');
  });

  it('a killed worker goes Unreachable, as an event, and its tasks move', async () => {
    const events = await openSocket(`${t.wsUrl}/api/audit/v1/events`);
    const worker = await nodeNamed(t, 'dctop-node-1');
    const pid = Number(readFileSync('/run/dctop-env/dctop-node-1/dockerd.pid', 'utf8'));
    const killed = Date.now();
    process.kill(pid, 'SIGKILL');
    await eventually(() => collect(events).frames.some((e) => e.resource_uri === worker.resource_uri && e.state === 'Unreachable'), 45_000, 'Unreachable');
    const after = Date.now() - killed;
    expect(after).toBeLessThan(45_000);
    await eventually(async () => {
      const spread = await nodesOf(service);
      return !spread.has('dctop-node-1') && [...spread.values()].reduce((a, b) => a + b, 0) === 6;
    }, 45_000, 'six running off the dead worker');
    events.close();
    console.log(`a killed worker was Unreachable after ${after} ms`);
  }, 120_000);
});

async function nodeNamed(t: DockerServer, hostname: string): Promise<any> {
  const nodes = (await t.api('GET', '/api/infra/v1/node/')).body.objects as Array<{ external_fqdn: string }>;
  const node = nodes.find((n) => n.external_fqdn === hostname);
  if (!node) throw new Error(`no node ${hostname}`);
  return node;
}

function spawnEnv(...args: string[]): void {
  execFileSync('bash', [ENV_SCRIPT, ...args], { stdio: 'ignore', timeout: 120_000 });
}
