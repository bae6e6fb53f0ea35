// The typed client against the real server on loopback: every endpoint family, typed errors, actions, streams.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionTracker } from '../../src/api/actions.js';
import type { DockerCloudClient } from '../../src/api/client.js';
import { DockerCloudError } from '../../src/api/errors.js';
import type { Action, Service } from '../../src/domain/index.js';
import { clientFor } from '../helpers/client.js';
import { eventually, startTestServer, type TestServer } from '../helpers/server.js';

let t: TestServer;
let client: DockerCloudClient;
beforeAll(async () => {
  t = await startTestServer({ fleet: 2500, seed: 3 });
  client = await clientFor(t, 'alice', { pageSize: 200, pageConcurrency: 3 });
});
afterAll(async () => {
  await client.close();
  await t.close();
});

async function failure(promise: Promise<unknown>): Promise<DockerCloudError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DockerCloudError);
    return error as DockerCloudError;
  }
  throw new Error('expected a failure');
}

describe('reading', () => {
  it('lists everything over many pages in parallel, once each and in order', async () => {
    const before = client.rest.requests;
    const all = await client.listAll('container');
    expect(all).toHaveLength(2500);
    expect(new Set(all.map((c) => c.uuid)).size).toBe(2500);
    expect(client.rest.requests - before).toBe(Math.ceil(2500 / 200));
    const direct = (await t.api('GET', '/api/app/v1/container/?limit=1000&offset=1000')).body.objects;
    expect(all.slice(1000, 2000).map((c) => c.uuid)).toEqual(direct.map((c: any) => c.uuid));
  });

  it('lists with filters, gets by key and by URI, and loads the catalogue', async () => {
    const page = await client.list('service', { limit: 5 });
    expect(page.objects).toHaveLength(5);
    expect(page.meta.total_count).toBeGreaterThan(5);
    const first = page.objects[0]!;
    expect((await client.list('service', { name: first.name, uuid__startswith: first.uuid.slice(0, 8) })).objects).toEqual([first]);
    expect((await client.get('service', first.uuid)).resource_uri).toBe(first.resource_uri);
    expect((await client.fetch<Service>(first.resource_uri)).uuid).toBe(first.uuid);
    expect((await client.get('region', ['aws', 'us-east-1'])).name).toBe('us-east-1');
    expect((await client.listAll('provider')).map((p) => p.name)).toContain('byon');
  });

  it('uses the configured namespace', async () => {
    const acme = await clientFor(t, 'bob', { namespace: 'acme' });
    const created = await acme.create('service', { image: 'nginx', name: 'in-acme' });
    expect(created.object.resource_uri).toMatch(/^\/api\/app\/v1\/acme\/service\//);
    expect((await acme.list('service', { name: 'in-acme' })).objects).toHaveLength(1);
    await acme.close();
  });
});

describe('errors are typed values with the server message', () => {
  it('auth, not found, validation, conflict, method', async () => {
    const stranger = await clientFor(t, 'mallory');
    const auth = await failure(stranger.list('service'));
    expect(auth).toMatchObject({ kind: 'auth', status: 401 });
    expect(auth.message).not.toContain('wrong');
    await stranger.close();
    expect(await failure(client.get('service', '00000000-0000-4000-8000-000000000000'))).toMatchObject({ kind: 'not_found', status: 404 });
    const invalid = await failure(client.create('service', { image: 'nginx', target_num_containers: 'many' }));
    expect(invalid).toMatchObject({ kind: 'validation', status: 400 });
    expect(invalid.message).toContain('target_num_containers');
    await client.create('stack', { name: 'typed-dup' });
    expect(await failure(client.create('stack', { name: 'typed-dup' }))).toMatchObject({ kind: 'conflict', status: 409 });
    expect(await failure(client.terminate('/api/infra/v1/provider/aws/'))).toMatchObject({ kind: 'method', status: 405 });
  });

  it('a refused operation says why', async () => {
    const running = (await client.list('service', { state: 'Running', limit: 1 })).objects[0]!;
    const error = await failure(client.operate(running.resource_uri, 'start'));
    expect(error.kind).toBe('validation');
    expect(error.message).toMatch(/Cannot start service .* while it is Running/);
  });
});

describe('operations and actions', () => {
  it('every mutation returns the object and its action; the tracker follows it to the end through events', async () => {
    const events = client.events();
    events.start();
    await eventually(() => events.health.state === 'live');
    const tracker = new ActionTracker(client, events, { pollIntervalMs: 60_000 });
    const created = await client.create('service', { image: 'redis', name: 'tracked', target_num_containers: 2 });
    expect(created.object.state).toBe('Not running');
    expect(created.actionUri).toMatch(/^\/api\/audit\/v1\/action\//);
    expect((await tracker.track(created.actionUri!)).state).toBe('Success');
    const started = await client.operate<Service>(created.object.resource_uri, 'start');
    expect(started.object.state).toBe('Starting');
    const seen: string[] = [];
    const done = await tracker.track(started.actionUri!, (a: Action) => seen.push(a.state));
    expect(done.state).toBe('Success');
    expect(seen.at(-1)).toBe('Success');
    expect(tracker.fetches).toBeLessThan(6); // events, not polling
    const scaled = await client.scale(created.object.resource_uri, 3);
    await tracker.track(scaled.actionUri!);
    expect((await client.fetch<Service>(created.object.resource_uri)).current_num_containers).toBe(3);
    const gone = await client.terminate<Service>(created.object.resource_uri);
    expect(gone.object.state).toBe('Terminating');
    expect((await tracker.track(gone.actionUri!)).state).toBe('Success');
    tracker.close();
    events.close();
  });

  it('falls back to polling without an event stream, and cancels and retries', async () => {
    const tracker = new ActionTracker(client, null, { pollIntervalMs: 50 });
    const svc = (await client.create('service', { image: 'nginx', name: 'polled', target_num_containers: 3, sequential_deployment: true })).object;
    const start = await client.operate(svc.resource_uri, 'start');
    expect((await tracker.track(start.actionUri!)).state).toBe('Success');
    const redeploy = await client.operate(svc.resource_uri, 'redeploy', { reuseVolumes: false });
    const cancel = await client.cancelAction(redeploy.actionUri!);
    expect(cancel.object.state).toBe('Canceling');
    expect((await tracker.track(redeploy.actionUri!)).state).toBe('Canceled');
    await eventually(async () => (await client.fetch<Service>(svc.resource_uri)).state === 'Running');
    await client.operate(svc.resource_uri, 'stop');
    await eventually(async () => (await client.fetch<Service>(svc.resource_uri)).state === 'Stopped');
    const retry = await client.retryAction(start.actionUri!);
    expect(retry.object.state).toBe('In progress');
    expect((await tracker.track(start.actionUri!)).state).toBe('Success');
    tracker.close();
  });

  it('exports stacks, manages triggers, issues node tokens', async () => {
    const stack = (await client.create('stack', { name: 'exp', services: [{ name: 'web', image: 'nginx', ports: ['80:80'] }] })).object;
    expect(await client.exportStack(stack.resource_uri)).toEqual({ web: { image: 'nginx:latest', ports: ['80:80'] } });
    const web = (await client.list('service', { stack: stack.resource_uri })).objects[0]!;
    const trigger = (await client.createTrigger(web.resource_uri, { name: 'ci', operation: 'SCALEUP' })).object;
    expect(await client.triggers(web.resource_uri)).toEqual([trigger]);
    await client.operate(web.resource_uri, 'start');
    await eventually(async () => (await client.fetch<Service>(web.resource_uri)).state === 'Running');
    const called = await client.callTrigger<Service>(trigger.url, 2);
    expect(called.actionUri).not.toBeNull();
    await eventually(async () => (await client.fetch<Service>(web.resource_uri)).current_num_containers === 3);
    await client.deleteTrigger(trigger.resource_uri);
    expect(await client.triggers(web.resource_uri)).toEqual([]);
    expect((await client.createNodeToken()).token).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('streams', () => {
  it('iterates container logs; follow=false ends with the server saying so', async () => {
    const web = (await client.list('container', { state: 'Running', limit: 1 })).objects[0]!;
    const logs = client.logs(web.resource_uri, { tail: 20, follow: false });
    const lines: string[] = [];
    for await (const frame of logs) lines.push(frame.log);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThanOrEqual(20);
    expect((await logs.ended).reason).toBe('end of log');
  });

  it('a followed service log closes cleanly from the client side', async () => {
    const svc = (await client.list('service', { state: 'Running', limit: 1 })).objects[0]!;
    const logs = client.logs(svc.resource_uri, { tail: 5 });
    const first = await logs[Symbol.asyncIterator]().next();
    expect(first.value.source).toMatch(new RegExp(`^${svc.name}-\\d+$`));
    logs.close();
    expect((await logs.ended).reason).toBe('closed by client');
  });

  it('exec: write raw text, read output frames, and learn how it ended', async () => {
    const c = (await client.list('container', { state: 'Running', limit: 1 })).objects[0]!;
    const session = client.exec(c.resource_uri);
    await session.write('hostname\nexit 4\n');
    let output = '';
    for await (const frame of session) output += frame.output;
    expect(output).toContain(`${c.hostname}\n`);
    expect(await session.ended).toMatchObject({ reason: 'exit 4', code: 1000 });
  });

  it('a refused stream ends with a typed error', async () => {
    const logs = client.logs('/api/app/v1/container/00000000-0000-4000-8000-000000000000/');
    const end = await logs.ended;
    expect((end.error as DockerCloudError).kind).toBe('not_found');
  });
});
