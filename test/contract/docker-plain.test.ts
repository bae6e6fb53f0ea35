// The docker backend on a plain engine (no swarm): the contract, how compose projects and lone containers map,
// UUIDs that survive a restart of the server, and an engine event stream that drops and comes back.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contract, PLAIN } from '../helpers/contract.js';
import { cleanUp, docker, IMAGE, needsEngine, PLAIN_ENGINE, startDockerServer, type DockerServer } from '../helpers/docker.js';
import { collect, eventually, findOne, openSocket } from '../helpers/server.js';

contract(PLAIN);

const PREFIX = 'dp-';
const run = (...args: string[]) => docker(PLAIN_ENGINE, 'run', '-d', '--init', ...args);

describe.skipIf(needsEngine(PLAIN_ENGINE))('the docker backend on a plain engine', () => {
  let t: DockerServer;
  beforeAll(async () => {
    cleanUp(PLAIN_ENGINE, PREFIX);
    const compose = ['--label', 'com.docker.compose.project=dpshop', '--label', 'com.docker.compose.service=web'];
    run('--name', `${PREFIX}shop-web-1`, ...compose, IMAGE, 'sleep', '1000');
    run('--name', `${PREFIX}shop-web-2`, ...compose, IMAGE, 'sleep', '1000');
    run('--name', `${PREFIX}lone`, '-p', '18181:80', IMAGE, 'httpd', '-f', '-p', '80');
    t = await startDockerServer(PLAIN_ENGINE);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    cleanUp(PLAIN_ENGINE, PREFIX);
  });

  it('maps a compose project to a stack of services, and a lone container to a service of its own', async () => {
    const stack = await findOne(t, '/api/app/v1/stack/?name=dpshop');
    expect(stack.state).toBe('Running');
    expect(stack.services).toHaveLength(1);
    const web = (await t.api('GET', stack.services[0])).body;
    expect(web).toMatchObject({ name: 'web', stack: stack.resource_uri, target_num_containers: 2, running_num_containers: 2, image_name: IMAGE });
    const names = await Promise.all(web.containers.map(async (uri: string) => (await t.api('GET', uri)).body.name));
    expect(names.sort()).toEqual([`${PREFIX}shop-web-1`, `${PREFIX}shop-web-2`]);
    const lone = await findOne(t, `/api/app/v1/container/?name=${PREFIX}lone`);
    expect(lone).toMatchObject({ state: 'Running', docker_id: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(lone.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(lone.container_ports).toEqual([expect.objectContaining({ inner_port: 80, outer_port: 18181, published: true, protocol: 'tcp' })]);
    expect(lone.deployed_datetime).toMatch(/^\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d \+0000$/);
    const service = (await t.api('GET', lone.service)).body;
    expect(service).toMatchObject({ name: `${PREFIX}lone`, stack: null, containers: [lone.resource_uri] });
    const node = (await t.api('GET', lone.node)).body;
    expect(node).toMatchObject({ state: 'Deployed', external_fqdn: 'dctop-plain' });
    expect(node.docker_version).toMatch(/^\d+\.\d+/);
  });

  it('gives the same UUIDs after a restart of the server', async () => {
    const before = await findOne(t, `/api/app/v1/container/?name=${PREFIX}lone`);
    const again = await startDockerServer(PLAIN_ENGINE);
    try {
      expect((await findOne(again, `/api/app/v1/container/?name=${PREFIX}lone`)).resource_uri).toBe(before.resource_uri);
    } finally {
      await again.close();
    }
  });

  it('announces what the engine does on its own (a docker stop from the CLI), with the parents', async () => {
    const events = await openSocket(`${t.wsUrl}/api/audit/v1/events`);
    const lone = await findOne(t, `/api/app/v1/container/?name=${PREFIX}lone`);
    const started = Date.now();
    docker(PLAIN_ENGINE, 'stop', '-t', '1', `${PREFIX}lone`);
    await eventually(() => collect(events).frames.some((e) => e.resource_uri === lone.resource_uri && e.state === 'Stopped'), 10_000, 'the event');
    const event = collect(events).frames.find((e) => e.resource_uri === lone.resource_uri && e.state === 'Stopped');
    expect(event.parents).toEqual(expect.arrayContaining([lone.service, lone.node]));
    expect(Date.now() - started).toBeLessThan(5000);
    events.close();
    docker(PLAIN_ENGINE, 'start', `${PREFIX}lone`);
  });

  it('loses nothing when the engine event stream drops: it reconnects, relists and reconciles', async () => {
    const proxy = await socketProxy(PLAIN_ENGINE.replace('unix://', ''));
    const via = await startDockerServer(`tcp://127.0.0.1:${proxy.port}`);
    try {
      const events = await openSocket(`${via.wsUrl}/api/audit/v1/events`);
      proxy.cut(); // every connection to the engine drops, and new ones are refused for a while
      run('--name', `${PREFIX}while-away`, IMAGE, 'sleep', '1000');
      docker(PLAIN_ENGINE, 'stop', '-t', '1', `${PREFIX}shop-web-2`);
      await new Promise((r) => setTimeout(r, 1500));
      proxy.resume();
      const created = await eventually(async () => {
        const res = await via.api('GET', `/api/app/v1/container/?name=${PREFIX}while-away`);
        return res.body.objects?.[0]?.state === 'Running' ? res.body.objects[0] : undefined;
      }, 15_000, 'the container made while away');
      const stopped = await findOne(via, `/api/app/v1/container/?name=${PREFIX}shop-web-2`);
      await eventually(async () => (await via.api('GET', stopped.resource_uri)).body.state === 'Stopped', 10_000, 'the stop made while away');
      const frames = collect(events).frames;
      expect(frames.some((e) => e.resource_uri === created.resource_uri && e.action === 'create')).toBe(true);
      expect(frames.some((e) => e.resource_uri === stopped.resource_uri && e.state === 'Stopped')).toBe(true);
      events.close();
    } finally {
      await via.close();
      proxy.close();
      docker(PLAIN_ENGINE, 'start', `${PREFIX}shop-web-2`);
    }
  });

  it('exec with a tty: a real terminal in the container', async () => {
    const lone = await findOne(t, `/api/app/v1/container/?name=${PREFIX}shop-web-1`);
    const ws = await openSocket(`${t.wsUrl}${lone.resource_uri}exec/?command=sh&tty=true`);
    ws.send('tty; exit\r');
    const { closed, frames } = collect(ws);
    await closed;
    expect(frames.map((f) => f.output).join('')).toMatch(/\/dev\/pts\/\d+/);
  });
});

/** A TCP proxy to a unix socket that can cut every connection and refuse new ones until resumed. */
async function socketProxy(socketPath: string): Promise<{ port: number; cut(): void; resume(): void; close(): void }> {
  const open = new Set<net.Socket>();
  let refusing = false;
  const server = net.createServer((client) => {
    if (refusing) return client.destroy();
    const upstream = net.connect(socketPath);
    open.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    cut: () => {
      refusing = true;
      for (const s of open) s.destroy();
    },
    resume: () => {
      refusing = false;
    },
    close: () => {
      for (const s of open) s.destroy();
      server.close();
    },
  };
}
