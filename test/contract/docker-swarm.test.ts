// The docker backend on a swarm, through its manager: the contract, what Docker cannot do, and three nodes
// (the manager and two workers in network namespaces, scripts/docker-env.sh multinode 2): tasks spread over them,
// a drained node loses its tasks, a killed worker goes Unreachable and its tasks move, as events. Everything that
// touches the swarm is in this one file, so that its tests never run alongside each other.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contract, SWARM } from '../helpers/contract.js';
import {
  cleanUp, docker, ENV_SCRIPT, IMAGE, liveWorkers, needsEngine, startDockerServer, SWARM_ENGINE, WORKERS, type DockerServer,
} from '../helpers/docker.js';
import { collect, eventually, findOne, openSocket, settled } from '../helpers/server.js';
import { Terminal } from '../e2e/tmux.js';

const CLI = fileURLToPath(new URL('../../dist/src/cli.js', import.meta.url));

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
    // A global service has no target: a PATCH of one is refused, and changes nothing.
    const patched = await t.api('PATCH', agent.resource_uri, { target_num_containers: 5 });
    expect(patched.status).toBe(400);
    expect((await t.api('GET', agent.resource_uri)).body.target_num_containers).toBe(agent.target_num_containers);
    const exported = (await t.api('GET', `${stack.resource_uri}export/`)).body;
    expect(exported[`${PREFIX}shop_web`]).toMatchObject({ image: IMAGE, target_num_containers: 2 });
    const gone = await t.api('DELETE', stack.resource_uri);
    expect((await settled(t, gone.headers.get('x-dockercloud-action-uri')!)).state).toBe('Success');
    expect(docker(SWARM_ENGINE, 'service', 'ls', '-q', '--filter', `name=${PREFIX}shop`)).toBe('');
  });
});

describe.skipIf(needsEngine(SWARM_ENGINE))("the docker-cloud CLI's calls, on a swarm", () => {
  // The CLI (Python, on PyPI, which this machine cannot reach) sends these, as wire-compat.md says: names or
  // 8-character UUID prefixes resolved with uuid__startswith then name, empty JSON bodies on operations,
  // PATCH then POST scale/, stack files with their own keys, and the event stream.
  let t: DockerServer;
  beforeAll(async () => {
    cleanUp(SWARM_ENGINE, PREFIX);
    t = await startDockerServer(SWARM_ENGINE, liveWorkers());
  });
  afterAll(async () => {
    await t?.close();
    cleanUp(SWARM_ENGINE, PREFIX);
  });
  const resolve = async (kind: string, id: string) => {
    const byUuid = (await t.api('GET', `/api/app/v1/${kind}/?uuid__startswith=${id}`)).body.objects;
    return byUuid.length ? byUuid[0] : (await t.api('GET', `/api/app/v1/${kind}/?name=${id}`)).body.objects[0];
  };
  const post = (uri: string) => t.api('POST', uri, undefined, { rawBody: '', headers: { 'Content-Type': 'application/json' } });

  it('service run, ps, inspect, scale, stop, start, redeploy, terminate; container ps and stop; event', async () => {
    const events = await openSocket(`${t.wsUrl}/api/audit/v1/events`);
    // `docker-cloud service run -n ds-cli -t 2 -e GREETING=hi dctop-busybox:latest`: create, then start.
    const created = await t.api('POST', '/api/app/v1/service/', {
      image: IMAGE, name: `${PREFIX}cli`, target_num_containers: '2', container_envvars: [{ key: 'GREETING', value: 'hi' }],
      run_command: 'sleep 1000', autorestart: 'ALWAYS',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect((await post(`${created.body.resource_uri}start/`)).status).toBe(202);
    const byName = await resolve('service', `${PREFIX}cli`);
    const byPrefix = await resolve('service', byName.uuid.slice(0, 8));
    expect(byPrefix.resource_uri).toBe(byName.resource_uri);
    await eventually(async () => (await t.api('GET', byName.resource_uri)).body.state === 'Running', 30_000, 'Running');
    expect((await t.api('GET', byName.resource_uri)).body.container_envvars).toEqual([{ key: 'GREETING', value: 'hi' }]);
    // `service scale ds-cli 3`
    expect((await t.api('PATCH', byName.resource_uri, { target_num_containers: 3 })).status).toBe(200);
    expect((await post(`${byName.resource_uri}scale/`)).status).toBe(202);
    await eventually(async () => (await t.api('GET', byName.resource_uri)).body.running_num_containers === 3, 30_000, '3 running');
    // `container ps --service ds-cli`, then `container stop <uuid prefix>`
    const containers = (await t.api('GET', `/api/app/v1/container/?service=${byName.resource_uri}&state=Running`)).body.objects;
    expect(containers).toHaveLength(3);
    const stop = await post(`${(await resolve('container', containers[0].uuid.slice(0, 8))).resource_uri}stop/`);
    expect(stop.status, JSON.stringify(stop.body)).toBeLessThan(300);
    // `service stop`, `service start`, `service redeploy`, `service terminate`
    for (const op of ['stop', 'start', 'redeploy']) {
      const res = await post(`${byName.resource_uri}${op}/`);
      expect(res.status, `${op}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
      expect((await settled(t, res.headers.get('x-dockercloud-action-uri')!)).state, op).toBe('Success');
    }
    expect((await t.api('GET', byName.resource_uri)).body).toMatchObject({ state: 'Running', running_num_containers: 3 });
    const gone = await t.api('DELETE', byName.resource_uri);
    expect(gone.status).toBeLessThan(300);
    await eventually(() => collect(events).frames.some((e) => e.resource_uri === byName.resource_uri && e.state === 'Terminated'), 20_000, 'the event');
    events.close();
  });

  it('a task whose container is stopped with the docker CLI is replaced, and the replacement shows Running', async () => {
    const res = await t.api('POST', '/api/app/v1/service/', { image: IMAGE, name: `${PREFIX}heal`, target_num_containers: 2, run_command: 'sleep 1000', autorestart: 'ALWAYS' });
    await t.api('POST', `${res.body.resource_uri}start/`);
    await eventually(async () => (await t.api('GET', res.body.resource_uri)).body.running_num_containers === 2, 30_000, '2 running');
    const onManager = [];
    for (const uri of (await t.api('GET', res.body.resource_uri)).body.containers as string[]) {
      const c = (await t.api('GET', uri)).body;
      if (c.docker_id && (await t.api('GET', c.node)).body.external_fqdn !== 'dctop-node-1' && (await t.api('GET', c.node)).body.external_fqdn !== 'dctop-node-2') onManager.push(c);
    }
    const victim = onManager[0] ?? (await t.api('GET', ((await t.api('GET', res.body.resource_uri)).body.containers as string[])[0]!)).body;
    const host = (await t.api('GET', victim.node)).body.external_fqdn as string;
    docker(WORKERS[host] ?? SWARM_ENGINE, 'stop', '-t', '1', victim.docker_id);
    await eventually(async () => {
      const s = (await t.api('GET', res.body.resource_uri)).body;
      if (s.state !== 'Running' || s.running_num_containers !== 2) return false;
      const states = await Promise.all((s.containers as string[]).map(async (uri) => (await t.api('GET', uri)).body.state));
      return states.every((x) => x === 'Running') && !(s.containers as string[]).includes(victim.resource_uri);
    }, 30_000, 'replaced, and the replacement Running');
    await t.api('DELETE', res.body.resource_uri);
  });

  it('stack up from a stack file, export, node ls and inspect', async () => {
    const up = await t.api('POST', '/api/app/v1/stack/', {
      name: `${PREFIX}web`, services: [{ name: 'front', image: IMAGE, target_num_containers: 1, command: 'httpd -f -p 80', ports: ['80'], environment: { MODE: 'prod' }, restart: 'always' }],
    });
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    expect((await settled(t, up.headers.get('x-dockercloud-action-uri')!)).state).toBe('Success');
    // Under load the swarm may still be settling the new service: start once the stack is in a state that allows it.
    await eventually(async () => ['Not Running', 'Stopped', 'Partly running'].includes((await t.api('GET', up.body.resource_uri)).body.state), 15_000, 'startable');
    const start = await post(`${up.body.resource_uri}start/`);
    expect(start.status, JSON.stringify(start.body)).toBeLessThan(300);
    expect((await settled(t, start.headers.get('x-dockercloud-action-uri')!)).state).toBe('Success');
    const exported = (await t.api('GET', `${up.body.resource_uri}export/`)).body;
    expect(exported[`${PREFIX}web_front`]).toMatchObject({ image: IMAGE, environment: { MODE: 'prod' }, autorestart: 'ALWAYS' });
    const nodes = (await t.api('GET', '/api/infra/v1/node/')).body.objects;
    expect(nodes.every((n: { uuid: string; state: string }) => /^[0-9a-f-]{36}$/.test(n.uuid) && ['Deployed', 'Unreachable'].includes(n.state))).toBe(true);
    expect((await t.api('GET', `/api/infra/v1/node/?uuid__startswith=${nodes[0].uuid.slice(0, 8)}`)).body.objects).toHaveLength(1);
    expect((await settled(t, (await t.api('DELETE', up.body.resource_uri)).headers.get('x-dockercloud-action-uri')!)).state).toBe('Success');
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

  it('a killed worker goes Unreachable, as an event and on the monitor, and its tasks move', async () => {
    const events = await openSocket(`${t.wsUrl}/api/audit/v1/events`);
    // The monitor on the swarm, in a real terminal: three nodes, the service's six tasks.
    const term = await Terminal.start(['node', CLI, '--docker', SWARM_ENGINE, '--view', 'nodes'], {
      cols: 120, rows: 30, env: { CI: undefined, XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'dctop-e2e-')), DOCKER_HOST: undefined },
    });
    await term.waitFor(/nodes \(3\)/, 20_000);
    await term.waitFor(/dctop-node-1\s+▶ Deployed/);
    const worker = await nodeNamed(t, 'dctop-node-1');
    const pid = Number(readFileSync('/run/dctop-env/dctop-node-1/dockerd.pid', 'utf8'));
    const killed = Date.now();
    process.kill(pid, 'SIGKILL');
    await eventually(() => collect(events).frames.some((e) => e.resource_uri === worker.resource_uri && e.state === 'Unreachable'), 45_000, 'Unreachable');
    const after = Date.now() - killed;
    await term.waitFor(/dctop-node-1\s+\S+ Unreachable/, 10_000);
    await term.close();
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
