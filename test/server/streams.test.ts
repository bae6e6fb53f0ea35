// The Stream API over real websockets: events, logs (container, service, action) and exec.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  basic, collect, eventually, findOne, openSocket, settled, startTestServer, type TestServer,
} from '../helpers/server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ fleet: 'demo' });
});
afterAll(() => t.close());

const get = async (uri: string) => (await t.api('GET', uri)).body;

describe('events', () => {
  it('publishes a create and every state change, with the parents of the hierarchy table', async () => {
    const ws = await openSocket(`${t.wsUrl}/api/audit/v1/events`); // no trailing slash, as clients connect
    const { frames } = collect(ws);
    const svc = (await t.api('POST', '/api/app/v1/service/', { image: 'nginx', name: 'ev-svc', target_num_containers: 2 })).body;
    await t.api('POST', `${svc.resource_uri}start/`);
    await eventually(async () => (await get(svc.resource_uri)).state === 'Running');
    const running = await get(svc.resource_uri);
    await eventually(() => frames.some((f) => f.resource_uri === svc.resource_uri && f.state === 'Running'));
    ws.close();

    const ofService = frames.filter((f) => f.resource_uri === svc.resource_uri);
    expect(ofService[0]).toMatchObject({ type: 'service', action: 'create', state: 'Not running', parents: [] });
    const states = ofService.map((f) => f.state).filter((s, i, all) => s !== all[i - 1]);
    expect(states).toEqual(['Not running', 'Starting', 'Running']);
    for (const uri of running.containers) {
      const c = await get(uri);
      const node = await get(c.node);
      const mine = frames.filter((f) => f.resource_uri === uri);
      expect(mine.map((f) => `${f.action}:${f.state}`)).toEqual(['create:Starting', 'update:Running']);
      expect(mine[0].parents).toEqual([svc.resource_uri, c.node, node.node_cluster]);
      // Changes that are not state changes are announced too: the node's container counter moved, its state did not.
      expect(frames.some((f) => f.resource_uri === c.node && f.action === 'update' && f.state === 'Deployed')).toBe(true);
    }
    const actions = frames.filter((f) => f.type === 'action');
    expect(actions.some((f) => f.action === 'create' && f.parents[0] === svc.resource_uri)).toBe(true);
    for (const f of frames) {
      expect(f.uuid).toMatch(/^[a-f0-9-]{36}$/);
      expect(f.datetime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
  });

  it('filters by type, object, parent and parents', async () => {
    const web = await findOne(t, '/api/app/v1/service/?name=web');
    const sockets = await Promise.all([
      openSocket(`${t.wsUrl}/api/audit/v1/events/?type=service`),
      openSocket(`${t.wsUrl}/api/audit/v1/events?object=${encodeURIComponent(web.resource_uri)}`),
      openSocket(`${t.wsUrl}/api/audit/v1/events?parent=${encodeURIComponent(web.resource_uri)}`),
      openSocket(`${t.wsUrl}/api/audit/v1/events?parents=${encodeURIComponent(`/nothing/,${web.resource_uri}`)}`),
    ]);
    const [types, object, parent, parents] = sockets.map(collect);
    const res = await t.api('POST', `${web.resource_uri}redeploy/`);
    await settled(t, res.headers.get('x-dockercloud-action-uri')!);
    await eventually(() => object!.frames.length >= 2 && parent!.frames.length > 0);
    sockets.forEach((ws) => ws.close());
    expect(types!.frames.length).toBeGreaterThan(0);
    expect(types!.frames.every((f) => f.type === 'service')).toBe(true);
    expect(object!.frames.every((f) => f.resource_uri === web.resource_uri)).toBe(true);
    expect(parent!.frames.every((f) => f.parents.includes(web.resource_uri))).toBe(true);
    expect(parent!.frames.some((f) => f.type === 'container')).toBe(true);
    expect(parents!.frames.length).toBe(parent!.frames.length);
  });

  it('a user only receives events of namespaces they belong to', async () => {
    const bob = collect(await openSocket(`${t.wsUrl}/api/audit/v1/events`, 'bob'));
    const acme = collect(await openSocket(`${t.wsUrl}/api/audit/v1/acme/events`, 'bob'));
    await t.api('POST', '/api/app/v1/service/', { image: 'nginx', name: 'ev-private' }); // alice's namespace
    const shared = (await t.api('POST', '/api/app/v1/acme/service/', { image: 'nginx', name: 'ev-shared' })).body;
    await eventually(() => acme.frames.some((f) => f.resource_uri === shared.resource_uri));
    expect(bob.frames).toHaveLength(0);
    expect(acme.frames.every((f) => f.resource_uri.startsWith('/api/app/v1/acme/') || f.type === 'action')).toBe(true);
    await expect(openSocket(`${t.wsUrl}/api/audit/v1/acme/events`, 'carol')).rejects.toMatchObject({ status: 404 });
  });

  it('answers a bad credential on the handshake with 401, and accepts ?user=&token=', async () => {
    await expect(openSocket(`${t.wsUrl}/api/audit/v1/events`, null)).rejects.toMatchObject({ status: 401 });
    await expect(new Promise((resolve, reject) => {
      const ws = new WebSocket(`${t.wsUrl}/api/audit/v1/events`, { headers: { Authorization: basic('alice', 'wrong') } });
      ws.once('open', resolve);
      ws.once('unexpected-response', (_q, res) => reject(res.statusCode));
    })).rejects.toBe(401);
    const ws = await openSocket(`${t.wsUrl}/api/audit/v1/events?user=alice&token=alice-key`, null);
    ws.close();
  });

  it('answers pings', async () => {
    const ws = await openSocket(`${t.wsUrl}/api/audit/v1/events`);
    const pong = new Promise<Buffer>((resolve) => ws.once('pong', resolve));
    ws.ping('hello');
    expect((await pong).toString()).toBe('hello');
    ws.close();
  });
});

describe('logs', () => {
  it('container logs: the tail, then follow=false closes', async () => {
    const web = await findOne(t, '/api/app/v1/service/?name=web');
    const uuid = web.containers[0].split('/').at(-2);
    await new Promise((r) => setTimeout(r, 300)); // let it "write" for a while
    const ws = await openSocket(`${t.wsUrl}/api/app/v1/container/${uuid}/logs/?tail=5&follow=false`);
    const { frames, closed } = collect(ws);
    await closed;
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.length).toBeLessThanOrEqual(5);
    for (const f of frames) {
      expect(f).toMatchObject({ type: 'log', streamType: expect.stringMatching(/^std(out|err)$/) });
      expect(f.log.endsWith('\n')).toBe(true);
      expect(Number.isInteger(f.timestamp)).toBe(true);
      expect(f.source).toBeUndefined();
    }
  });

  it('follows new lines of a running container, and ends when it is terminated', async () => {
    const svc = (await t.api('POST', '/api/app/v1/service/', { image: 'nginx', name: 'log-follow' })).body;
    await t.api('POST', `${svc.resource_uri}start/`);
    const running = await eventually(async () => { const s = await get(svc.resource_uri); return s.state === 'Running' && s; });
    const uuid = running.containers[0].split('/').at(-2);
    const ws = await openSocket(`${t.wsUrl}/api/app/v1/container/${uuid}/logs/?tail=0`);
    const { frames, closed } = collect(ws);
    const initial = frames.length;
    await eventually(() => frames.length > initial, 8000, 'followed lines');
    await t.api('DELETE', running.containers[0]);
    const end = await closed;
    expect(end.code).toBe(1000);
    expect(frames.some((f) => /signal|shutting down|exit|stop/i.test(f.log))).toBe(true);
  });

  it('service logs aggregate the containers with their names as source', async () => {
    const api = await findOne(t, '/api/app/v1/service/?name=api');
    const ws = await openSocket(`${t.wsUrl}/api/app/v1/service/${api.uuid}/logs/?follow=false&tail=50`);
    const { frames, closed } = collect(ws);
    await closed;
    const sources = new Set(frames.map((f) => f.source));
    expect(sources.size).toBeGreaterThan(1);
    for (const s of sources) expect(s).toMatch(/^api-\d+$/);
    const times = frames.map((f) => f.timestamp);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('action logs: lines without streamType, closing when the action ended', async () => {
    const web = await findOne(t, '/api/app/v1/service/?name=hello-world');
    const res = await t.api('POST', `${web.resource_uri}redeploy/`);
    const uri = res.headers.get('x-dockercloud-action-uri')!;
    const ws = await openSocket(`${t.wsUrl}${uri}logs/`);
    const { frames, closed } = collect(ws);
    await closed;
    expect((await get(uri)).state).toBe('Success');
    expect(frames.some((f) => /Replacing/.test(f.log))).toBe(true);
    expect(frames.at(-1).log).toBe('Done');
    for (const f of frames) expect(f.streamType).toBeUndefined();
  });

  it('refuses logs of objects that do not exist, on the handshake', async () => {
    await expect(openSocket(`${t.wsUrl}/api/app/v1/container/00000000-0000-4000-8000-000000000000/logs/`)).rejects.toMatchObject({ status: 404 });
    await expect(openSocket(`${t.wsUrl}/api/app/v1/bob/container/x/logs/`)).rejects.toMatchObject({ status: 404 });
  });
});

describe('exec', () => {
  it('runs a one-shot command and closes when it exits', async () => {
    const web = await findOne(t, '/api/app/v1/service/?name=web');
    const c = await get(web.containers[0]);
    const ws = await openSocket(`${t.wsUrl}/api/app/v1/container/${c.uuid}/exec/?command=hostname`);
    const { frames, closed } = collect(ws);
    expect((await closed).code).toBe(1000);
    expect(frames).toEqual([{ type: 'output', output: `${c.hostname}\n`, streamType: 'stdout' }]);
  });

  it('an interactive shell: raw text in, output frames out, exit closes', async () => {
    const db = await findOne(t, '/api/app/v1/service/?name=db');
    const c = await get(db.containers[0]);
    const ws = await openSocket(`${t.wsUrl}/api/app/v1/container/${c.uuid}/exec/`);
    const { frames, closed } = collect(ws);
    await eventually(() => frames.length > 0); // the prompt
    ws.send('echo $MYSQL_DATABASE\n');
    // One frame answers one message (the echo, the output, the next prompt): the output is in the stream's text.
    await eventually(() => frames.filter((f) => f.streamType !== 'stderr').map((f) => f.output).join('').includes('\nshop\n'));
    ws.send('nosuchcommand\n');
    await eventually(() => frames.some((f) => f.streamType === 'stderr' && /not found/.test(f.output)));
    ws.send('exit 3\n');
    expect((await closed).reason).toBe('exit 3');
  });

  it('refuses to exec into a container that is not running', async () => {
    const stopped = await findOne(t, '/api/app/v1/container/?state=Stopped');
    const ws = await openSocket(`${t.wsUrl}/api/app/v1/container/${stopped.uuid}/exec/?command=ls`);
    const { frames, closed } = collect(ws);
    expect((await closed).code).toBe(1011);
    expect(frames[0]).toMatchObject({ type: 'error', data: { errorMessage: expect.stringContaining('running') } });
  });
});
