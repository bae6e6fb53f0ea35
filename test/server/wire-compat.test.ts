// The request and response shapes of the official clients (docker-cloud CLI, python-dockercloud, go-dockercloud),
// as wire-compat.md lists them. Requests that need exact headers (no Accept, no Content-Type, a GET with a body)
// go through node:http, which sends only what it is given.
import { randomUUID } from 'node:crypto';
import { request, type IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  basic, collect, eventually, findOne, openSocket, settled, startTestServer, type ApiResponse, type TestServer,
} from '../helpers/server.js';

const UUID_V4 = /^[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89ab][a-f0-9]{3}-[a-f0-9]{12}$/;
const RFC_2822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} \+0000$/;

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
});

afterAll(async () => {
  await t?.close();
});

// ── helpers ──────────────────────────────────────────────────────────────────────────────────────────

interface RawResponse { status: number; headers: IncomingHttpHeaders; text: string; body: any }

/** One HTTP request with exactly these headers (plus Host, Connection and a Content-Length for a body). */
function raw(method: string, path: string, headers: Record<string, string>, body?: string): Promise<RawResponse> {
  const url = new URL(path, t.url);
  return new Promise((resolve, reject) => {
    const all: Record<string, string> = { ...headers };
    if (body !== undefined) all['Content-Length'] = String(Buffer.byteLength(body));
    const req = request(url, { method, headers: all }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          parsed = text;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const AUTH = { Authorization: basic('alice') };

let counter = 0;
function fresh(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}-${randomUUID().slice(0, 6)}`;
}

function expectOk(res: ApiResponse | RawResponse, status = 200): any {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body;
}

function expectJsonObject(body: unknown): void {
  expect(body !== null && typeof body === 'object' && !Array.isArray(body), `JSON object: ${JSON.stringify(body)}`).toBe(true);
}

async function all(path: string): Promise<any[]> {
  const sep = path.includes('?') ? '&' : '?';
  const res = await t.api('GET', `${path}${sep}limit=1000`);
  expectOk(res);
  return res.body.objects;
}

async function createService(body: Record<string, unknown> = {}): Promise<any> {
  return expectOk(await t.api('POST', '/api/app/v1/service/', { image: 'tutum/hello-world', name: fresh('wire'), ...body }), 201);
}

async function runningService(body: Record<string, unknown> = {}): Promise<any> {
  const service = await createService(body);
  const res = await t.api('POST', `${service.resource_uri}start/`);
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  expect((await settled(t, res.headers.get('x-dockercloud-action-uri')!)).state).toBe('Success');
  return eventually(async () => {
    const s = (await t.api('GET', service.resource_uri)).body;
    return s.state === 'Running' && s.running_num_containers === s.target_num_containers ? s : undefined;
  }, 8000, `${service.name} Running`);
}

/** The text of an action's log, read as the CLI does (follow=false: backlog, then the server closes). */
async function actionLog(actionUri: string): Promise<string[]> {
  const ws = await openSocket(`${t.wsUrl}${actionUri}logs/?follow=false`);
  const { frames, closed } = collect(ws);
  await closed;
  return frames.filter((f) => f.type === 'log').map((f) => String(f.log));
}

// ── requests the server must accept ──────────────────────────────────────────────────────────────────

describe('request headers', () => {
  it('does not require an Accept header', async () => {
    const res = await raw('GET', '/api/app/v1/service/', { ...AUTH });
    expectOk(res);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(Array.isArray(res.body.objects)).toBe(true);
    expect(res.body.objects.length).toBeGreaterThan(0);
  });

  it('accepts Accept: */* (the Python SDK)', async () => {
    const res = await raw('GET', '/api/app/v1/service/', { ...AUTH, Accept: '*/*' });
    expectOk(res);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body.meta.total_count).toBeGreaterThan(0);
  });

  it('accepts action POSTs with an empty body and Content-Type: application/json', async () => {
    const service = await createService();
    const res = await raw('POST', `${service.resource_uri}start/`, {
      ...AUTH, Accept: 'application/json', 'Content-Type': 'application/json',
    }, '');
    expect(res.status, res.text).toBeGreaterThanOrEqual(200);
    expect(res.status).toBeLessThan(300);
    expectJsonObject(res.body);
    expect(res.body.uuid).toBe(service.uuid);
    expect(res.headers['x-dockercloud-action-uri']).toMatch(/^\/api\/audit\/v1\/action\/[0-9a-f-]{36}\/$/);
  });

  it('accepts a GET carrying {}', async () => {
    const list = await raw('GET', '/api/app/v1/service/', { ...AUTH, 'Content-Type': 'application/json' }, '{}');
    expectOk(list);
    expect(list.body.objects.length).toBeGreaterThan(0);
    const web = await findOne(t, '/api/app/v1/service/?name=web');
    const one = await raw('GET', web.resource_uri, { ...AUTH, Accept: '*/*', 'Content-Type': 'application/json' }, '{}');
    expect(expectOk(one).uuid).toBe(web.uuid);
  });

  it('accepts a JSON POST and PATCH without Content-Type (the Go SDK)', async () => {
    const name = fresh('noct');
    const created = await raw('POST', '/api/app/v1/service/', { ...AUTH }, JSON.stringify({ image: 'nginx', name }));
    expect(expectOk(created, 201)).toMatchObject({ name, image_name: 'nginx:latest' });
    const patched = await raw('PATCH', created.body.resource_uri, { ...AUTH }, JSON.stringify({ target_num_containers: 3 }));
    expect(expectOk(patched).target_num_containers).toBe(3);
  });
});

// ── paths ────────────────────────────────────────────────────────────────────────────────────────────

describe('paths', () => {
  it('accepts collection paths with and without the trailing slash', async () => {
    const withSlash = await t.api('GET', '/api/app/v1/service/');
    const withoutSlash = await t.api('GET', '/api/app/v1/service');
    expectOk(withSlash);
    expectOk(withoutSlash);
    expect(withoutSlash.body.objects.map((s: any) => s.uuid)).toEqual(withSlash.body.objects.map((s: any) => s.uuid));
    const filtered = expectOk(await t.api('GET', '/api/app/v1/service?name=web'));
    expect(filtered.objects.map((s: any) => s.name)).toEqual(['web']);
    expect(expectOk(await t.api('GET', '/api/infra/v1/provider')).meta.total_count).toBe(6);
  });

  it('accepts object and operation paths without the trailing slash', async () => {
    const web = await findOne(t, '/api/app/v1/service/?name=web');
    expect(expectOk(await t.api('GET', web.resource_uri.slice(0, -1))).uuid).toBe(web.uuid);
    expect(expectOk(await t.api('GET', '/api/infra/v1/region/digitalocean/lon1')).name).toBe('lon1');
    const service = await createService();
    const started = await t.api('POST', `${service.resource_uri}start`);
    expect(started.status, JSON.stringify(started.body)).toBeLessThan(300);
    expect(started.body.uuid).toBe(service.uuid);
  });

  it('takes follow-up calls on resource_uri (GET, PATCH, <resource_uri>start/, DELETE)', async () => {
    const created = expectOk(await t.api('POST', '/api/app/v1/service/', { image: 'nginx', name: fresh('follow') }), 201);
    const uri: string = created.resource_uri;
    expect(uri).toMatch(/^\/api\/app\/v1\/alice\/service\/[0-9a-f-]{36}\/$/);
    expect(expectOk(await t.api('GET', uri)).uuid).toBe(created.uuid);
    expect(expectOk(await t.api('PATCH', uri, { target_num_containers: 2 })).target_num_containers).toBe(2);
    const start = await t.api('POST', `${uri}start/`);
    expect(start.status).toBeLessThan(300);
    expect((await settled(t, start.headers.get('x-dockercloud-action-uri')!)).state).toBe('Success');
    const del = await t.api('DELETE', uri);
    expect(del.status).toBeLessThan(300);
    expect(del.body.uuid).toBe(created.uuid);
  });

  it('gives every listed object a resource_uri that answers GET with the same object', async () => {
    for (const collection of [
      '/api/infra/v1/provider/', '/api/infra/v1/region/', '/api/infra/v1/az/', '/api/infra/v1/nodetype/',
      '/api/infra/v1/nodecluster/', '/api/infra/v1/node/', '/api/repo/v1/registry/', '/api/app/v1/stack/',
      '/api/app/v1/service/', '/api/app/v1/container/', '/api/audit/v1/action/',
    ]) {
      const objects = await all(collection);
      expect(objects.length, collection).toBeGreaterThan(0);
      for (const object of [objects[0], objects[objects.length - 1]]) {
        expect(object.resource_uri, collection).toMatch(/^\/api\/(app|infra|audit|repo)\/v1\/.+\/$/);
        const got = await t.api('GET', object.resource_uri);
        expect(got.status, object.resource_uri).toBe(200);
        expect(got.body.resource_uri).toBe(object.resource_uri);
      }
    }
  });

  it('puts the namespace in resource_uri when one was used, so follow-ups work for members', async () => {
    const created = expectOk(await t.api('POST', '/api/app/v1/acme/service/', { image: 'nginx', name: fresh('org') }), 201);
    expect(created.resource_uri).toBe(`/api/app/v1/acme/service/${created.uuid}/`);
    const start = await t.api('POST', `${created.resource_uri}start/`, undefined, { user: 'bob' });
    expect(start.status, JSON.stringify(start.body)).toBeLessThan(300);
    expect(start.body.uuid).toBe(created.uuid);
  });
});

// ── create bodies as the CLI sends them ──────────────────────────────────────────────────────────────

describe('create bodies', () => {
  it('accepts port numbers as strings and answers numbers', async () => {
    const res = await t.api('POST', '/api/app/v1/service/', {
      image: 'nginx', name: fresh('ports'),
      container_ports: [{ protocol: 'tcp', inner_port: '8080', outer_port: '80', published: true }],
    });
    const service = expectOk(res, 201);
    expect(service.container_ports).toHaveLength(1);
    const [port] = service.container_ports;
    expect(port).toMatchObject({ protocol: 'tcp', inner_port: 8080, outer_port: 80, published: true });
    expect(typeof port.inner_port).toBe('number');
    expect(typeof port.outer_port).toBe('number');
  });

  it('accepts stack-file keys in stack create', async () => {
    const name = fresh('stackfile');
    const res = await t.api('POST', '/api/app/v1/stack/', {
      name,
      services: [
        { name: 'web', image: 'nginx', ports: ['80:80'], environment: ['FOO=bar'], links: ['db'], target_num_containers: 2 },
        { name: 'db', image: 'redis' },
      ],
    });
    const stack = expectOk(res, 201);
    expect(stack.name).toBe(name);
    expect(stack.services).toHaveLength(2);
    const services = await all(`/api/app/v1/service/?stack=${encodeURIComponent(stack.resource_uri)}`);
    const web = services.find((s) => s.name === 'web');
    const db = services.find((s) => s.name === 'db');
    expect(web).toBeDefined();
    expect(db).toBeDefined();
    expect(web.target_num_containers).toBe(2);
    expect(web.container_ports).toHaveLength(1);
    expect(web.container_ports[0]).toMatchObject({ protocol: 'tcp', inner_port: 80, outer_port: 80, published: true });
    expect(web.container_envvars).toContainEqual(expect.objectContaining({ key: 'FOO', value: 'bar' }));
    expect(web.linked_to_service).toHaveLength(1);
    expect(web.linked_to_service[0]).toMatchObject({ to_service: db.resource_uri, from_service: web.resource_uri, name: 'db' });
    expect(db.linked_from_service.map((l: any) => l.from_service)).toContain(web.resource_uri);
    // The user's variable shows among the calculated ones too.
    expect(web.calculated_envvars).toContainEqual({ key: 'FOO', value: 'bar', origin: 'user' });
  });
});

// ── operations as the clients send them ──────────────────────────────────────────────────────────────

describe('operations', () => {
  it('accepts reuse_volumes=True and reuse_volumes=False on redeploy', async () => {
    const service = await runningService();
    const reuse = await t.api('POST', `${service.resource_uri}redeploy/?reuse_volumes=True`);
    expect(reuse.status, JSON.stringify(reuse.body)).toBeGreaterThanOrEqual(200);
    expect(reuse.status).toBeLessThan(300);
    expectJsonObject(reuse.body);
    const reuseAction = reuse.headers.get('x-dockercloud-action-uri')!;
    expect((await settled(t, reuseAction)).state).toBe('Success');
    await eventually(async () => (await t.api('GET', service.resource_uri)).body.state === 'Running', 8000, 'Running');

    const fresh = await t.api('POST', `${service.resource_uri}redeploy/?reuse_volumes=False`);
    expect(fresh.status, JSON.stringify(fresh.body)).toBeLessThan(300);
    expectJsonObject(fresh.body);
    const freshAction = fresh.headers.get('x-dockercloud-action-uri')!;
    expect((await settled(t, freshAction)).state).toBe('Success');

    // The two redeploys differ as asked: one reused the volumes, the other did not.
    const reuseLog = (await actionLog(reuseAction)).join('\n');
    const freshLog = (await actionLog(freshAction)).join('\n');
    expect(reuseLog).toMatch(/reusing volumes/i);
    expect(freshLog).not.toMatch(/reusing volumes/i);
    expect(freshLog).toMatch(/fresh volumes/i);
  });

  it('scales as `service scale` does: PATCH target_num_containers, then POST scale/ with an empty body', async () => {
    const service = await runningService({ target_num_containers: 1 });
    const patch = await t.api('PATCH', service.resource_uri, { target_num_containers: 3 });
    expect(expectOk(patch).target_num_containers).toBe(3);
    const scale = await raw('POST', `${service.resource_uri}scale/`, {
      ...AUTH, Accept: 'application/json', 'Content-Type': 'application/json',
    }, '');
    expect(scale.status, scale.text).toBeGreaterThanOrEqual(200);
    expect(scale.status).toBeLessThan(300);
    expectJsonObject(scale.body);
    expect(scale.body.uuid).toBe(service.uuid);
    const action = String(scale.headers['x-dockercloud-action-uri']);
    expect((await settled(t, action)).state).toBe('Success');
    await eventually(async () => {
      const s = (await t.api('GET', service.resource_uri)).body;
      return s.state === 'Running' && s.current_num_containers === 3 && s.running_num_containers === 3;
    }, 8000, 'three running containers');
    const containers = await all(`/api/app/v1/container/?service=${encodeURIComponent(service.resource_uri)}&state=Running`);
    expect(containers).toHaveLength(3);
  });

  it('answers start/stop/redeploy/scale with a JSON object, not an empty body', async () => {
    const service = await runningService();
    for (const op of ['stop', 'start', 'redeploy', 'scale']) {
      await eventually(async () => ['Running', 'Stopped'].includes((await t.api('GET', service.resource_uri)).body.state),
        8000, `settled before ${op}`);
      const res = await t.api('POST', `${service.resource_uri}${op}/`);
      expect(res.status, `${op}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
      expectJsonObject(res.body);
      expect(res.body.uuid).toBe(service.uuid);
      await settled(t, res.headers.get('x-dockercloud-action-uri')!);
    }
  });
});

// ── identifier resolution as the CLI does it ─────────────────────────────────────────────────────────

describe('name resolution', () => {
  it('resolves by uuid__startswith with 8 characters, then by name', async () => {
    const hello = await findOne(t, '/api/app/v1/service/?name=hello-world');
    const byPrefix = expectOk(await t.api('GET', `/api/app/v1/service/?uuid__startswith=${hello.uuid.slice(0, 8)}`));
    expect(byPrefix.objects.map((s: any) => s.uuid)).toEqual([hello.uuid]);

    // The CLI tries the name as a uuid prefix first: no match is an empty list, then it tries the name.
    const asPrefix = expectOk(await t.api('GET', '/api/app/v1/service/?uuid__startswith=hello-world'));
    expect(asPrefix.objects).toEqual([]);
    const byName = expectOk(await t.api('GET', '/api/app/v1/service/?name=hello-world'));
    expect(byName.objects.map((s: any) => s.uuid)).toEqual([hello.uuid]);
  });

  it('resolves containers, stacks, nodes and clusters the same way', async () => {
    for (const [collection, sample] of [
      ['/api/app/v1/container/', '/api/app/v1/container/?name=web-1'],
      ['/api/app/v1/stack/', '/api/app/v1/stack/?name=shop'],
      ['/api/infra/v1/nodecluster/', '/api/infra/v1/nodecluster/?name=staging'],
      ['/api/infra/v1/node/', '/api/infra/v1/node/?limit=1'],
    ]) {
      const object = await findOne(t, sample!);
      const res = expectOk(await t.api('GET', `${collection}?uuid__startswith=${object.uuid.slice(0, 8)}`));
      expect(res.objects.map((o: any) => o.uuid), collection).toEqual([object.uuid]);
    }
  });

  it('resolves name.stack identifiers with stack__name and service__stack__name', async () => {
    const web = expectOk(await t.api('GET', '/api/app/v1/service/?name=web&stack__name=shop'));
    expect(web.objects).toHaveLength(1);
    const container = expectOk(await t.api('GET', '/api/app/v1/container/?name=web-1&service__stack__name=shop'));
    expect(container.objects).toHaveLength(1);
    expect(container.objects[0].service).toBe(web.objects[0].resource_uri);
  });

  it('answers 200 with empty objects when nothing matches', async () => {
    for (const path of [
      '/api/app/v1/service/?uuid__startswith=00000000',
      '/api/app/v1/service/?name=no-such-thing',
      '/api/app/v1/container/?uuid__startswith=zzzzzzzz',
      '/api/app/v1/stack/?name=no-such-stack',
      '/api/app/v1/service/?name=web&stack__name=no-such-stack',
      '/api/infra/v1/node/?uuid__startswith=nothing',
    ]) {
      const res = await t.api('GET', path);
      expect(res.status, path).toBe(200);
      expect(res.body.objects, path).toEqual([]);
    }
  });
});

// ── response shapes ──────────────────────────────────────────────────────────────────────────────────

describe('response shapes', () => {
  it('generates version-4 UUIDs', async () => {
    const service = await createService();
    const trigger = expectOk(await t.api('POST', `${service.resource_uri}trigger/`, { name: 'x' }), 201);
    const ids = [service.uuid, trigger.uuid];
    for (const collection of [
      '/api/infra/v1/nodecluster/', '/api/infra/v1/node/', '/api/app/v1/stack/', '/api/app/v1/service/',
      '/api/app/v1/container/', '/api/audit/v1/action/',
    ]) {
      const objects = await all(collection);
      expect(objects.length).toBeGreaterThan(0);
      ids.push(...objects.map((o) => o.uuid));
    }
    for (const id of ids) expect(id).toMatch(UUID_V4);
  });

  it('writes dates in RFC 2822, UTC', async () => {
    const dates: [string, unknown][] = [];
    const collect = (where: string, object: Record<string, unknown>, fields: string[]) => {
      for (const [key, value] of Object.entries(object)) {
        if (key.endsWith('_datetime') || fields.includes(key)) dates.push([`${where}.${key}`, value]);
      }
    };
    for (const collection of ['/api/infra/v1/nodecluster/', '/api/infra/v1/node/', '/api/app/v1/stack/', '/api/app/v1/service/', '/api/app/v1/container/']) {
      for (const o of await all(collection)) collect(o.resource_uri, o, ['last_seen']);
    }
    for (const a of await all('/api/audit/v1/action/')) collect(a.resource_uri, a, ['start_date', 'end_date']);
    const present = dates.filter(([, v]) => v !== null);
    expect(present.length).toBeGreaterThan(50);
    for (const [where, value] of present) expect(value, where).toMatch(RFC_2822);
    // The fields the CLI parses are there.
    const nodes = await all('/api/infra/v1/node/');
    expect(nodes.some((n) => typeof n.last_seen === 'string')).toBe(true);
    const actions = await all('/api/audit/v1/action/?state=Success');
    expect(actions.length).toBeGreaterThan(0);
    for (const a of actions) {
      expect(a.start_date).toMatch(RFC_2822);
      expect(a.end_date).toMatch(RFC_2822);
    }
    const running = await all('/api/app/v1/service/?state=Running');
    for (const s of running) expect(s.deployed_datetime).toMatch(RFC_2822);
  });

  it('gives services calculated_envvars (origin user, image or tutum) and tags', async () => {
    const services = await all('/api/app/v1/service/');
    expect(services.length).toBeGreaterThan(0);
    for (const s of services) {
      expect(Array.isArray(s.calculated_envvars), s.name).toBe(true);
      expect(s.calculated_envvars.length, s.name).toBeGreaterThan(0);
      for (const e of s.calculated_envvars) {
        expect(Object.keys(e).sort()).toEqual(['key', 'origin', 'value']);
        expect(['user', 'image', 'tutum']).toContain(e.origin);
        expect(typeof e.key).toBe('string');
        expect(typeof e.value).toBe('string');
      }
      expect(Array.isArray(s.tags), s.name).toBe(true);
      for (const tag of s.tags) expect(tag).toEqual({ name: expect.any(String) });
    }
    const api = services.find((s) => s.name === 'api');
    expect(api.calculated_envvars).toContainEqual({ key: 'NODE_ENV', value: 'production', origin: 'user' });
    expect(api.calculated_envvars.some((e: any) => e.origin === 'tutum')).toBe(true);
  });

  it('gives nodes and node clusters a tags list', async () => {
    for (const collection of ['/api/infra/v1/node/', '/api/infra/v1/nodecluster/']) {
      const objects = await all(collection);
      expect(objects.length).toBeGreaterThan(0);
      for (const o of objects) {
        expect(Array.isArray(o.tags), o.resource_uri).toBe(true);
        for (const tag of o.tags) expect(tag).toEqual({ name: expect.any(String) });
      }
    }
    const production = await findOne(t, '/api/infra/v1/nodecluster/?name=production');
    expect(production.tags).toEqual([{ name: 'production' }]);
  });

  it('gives containers a docker_id and a node that the node list returns', async () => {
    const containers = await all('/api/app/v1/container/');
    const nodes = new Set((await all('/api/infra/v1/node/')).map((n) => n.resource_uri));
    expect(containers.length).toBeGreaterThan(0);
    for (const c of containers) {
      expect(c.docker_id, c.name).toMatch(/^[0-9a-f]{12,64}$/);
      expect(nodes.has(c.node), `${c.name} on ${c.node}`).toBe(true);
    }
  });

  it('answers DELETE with the object in its new state', async () => {
    const service = await createService();
    const res = await raw('DELETE', service.resource_uri, { ...AUTH, Accept: '*/*' });
    expect(res.status, res.text).toBeGreaterThanOrEqual(200);
    expect(res.status).toBeLessThan(300);
    expect(res.status).not.toBe(204);
    expectJsonObject(res.body);
    expect(res.body.resource_uri).toBe(service.resource_uri);
    expect(['Terminating', 'Terminated']).toContain(res.body.state);
    expect(res.headers['x-dockercloud-action-uri']).toMatch(/^\/api\/audit\/v1\/action\/[0-9a-f-]{36}\/$/);

    const stack = expectOk(await t.api('POST', '/api/app/v1/stack/', { name: fresh('gone'), services: [{ name: 'a', image: 'nginx' }] }), 201);
    const delStack = await t.api('DELETE', stack.resource_uri);
    expect(delStack.status).toBeLessThan(300);
    expectJsonObject(delStack.body);
    expect(['Terminating', 'Terminated']).toContain(delStack.body.state);

    const name = `registry.local/wire/${fresh('repo')}`;
    const repo = expectOk(await t.api('POST', '/api/repo/v1/repository/', { name, username: 'u', password: 'p' }), 201);
    const delRepo = await t.api('DELETE', repo.resource_uri);
    expect(delRepo.status).toBeLessThan(300);
    expectJsonObject(delRepo.body);
    expect(delRepo.body.name).toBe(name);
  });

  it('answers every 2xx with a JSON object and mutations with an action URI', async () => {
    const service = await createService();
    const trigger = await t.api('POST', `${service.resource_uri}trigger/`, { name: 'x' });
    const token = await t.api('POST', '/api/infra/v1/token/');
    const patch = await t.api('PATCH', service.resource_uri, { target_num_containers: 2 });
    for (const res of [trigger, token, patch]) {
      expect(res.status).toBeLessThan(300);
      expectJsonObject(res.body);
      expect(res.headers.get('x-dockercloud-action-uri')).toMatch(/^\/api\/audit\/v1\/action\/[0-9a-f-]{36}\/$/);
    }
    expect(typeof token.body.token).toBe('string');
  });
});
