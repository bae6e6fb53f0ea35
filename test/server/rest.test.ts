// The REST API of `dctop serve` over the simulated `demo` fleet: authentication and namespaces, list envelopes,
// pagination and filters, the catalogue, repositories, errors, mutations and their actions, triggers, BYO node
// tokens and rate limiting. Every test talks real HTTP to a server on a loopback port.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually, findOne, settled, startTestServer, type ApiResponse, type RequestOptions, type TestServer,
} from '../helpers/server.js';

const UA = 'dctop-rest-test/1.0';

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
});

afterAll(async () => {
  await t?.close();
});

// ── helpers ──────────────────────────────────────────────────────────────────────────────────────────

let counter = 0;
/** A name no other test uses. */
function fresh(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}-${randomUUID().slice(0, 6)}`;
}

/** REST as alice (unless told otherwise) with a recognisable User-Agent. */
function api(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<ApiResponse> {
  return t.api(method, path, body, { ...options, headers: { 'User-Agent': UA, ...options.headers } });
}

/** Asserts an error response: the status, and a JSON `{"error": "<non-empty text>"}` body. */
function expectError(res: ApiResponse, status: number): string {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  expect(res.body).toEqual({ error: expect.any(String) });
  expect(res.body.error.length).toBeGreaterThan(0);
  return res.body.error as string;
}

function expectOk(res: ApiResponse, status = 200): any {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body;
}

/** Every object of a list (one page of up to 1000). */
async function all(path: string, options: RequestOptions = {}): Promise<any[]> {
  const sep = path.includes('?') ? '&' : '?';
  const res = await api('GET', `${path}${sep}limit=1000`, undefined, options);
  expectOk(res);
  expect(res.body.meta.next).toBeNull();
  return res.body.objects;
}

/** A new standalone service (Not running) in alice's namespace, or `namespace` when given. */
async function createService(body: Record<string, unknown> = {}, namespace?: string): Promise<any> {
  const path = namespace ? `/api/app/v1/${namespace}/service/` : '/api/app/v1/service/';
  const res = await api('POST', path, { image: 'tutum/hello-world', name: fresh('svc'), ...body });
  return expectOk(res, 201);
}

/** A new service, started and Running with all its containers. */
async function runningService(body: Record<string, unknown> = {}): Promise<any> {
  const service = await createService(body);
  const res = await api('POST', `${service.resource_uri}start/`);
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  const action = await settled(t, res.headers.get('x-dockercloud-action-uri')!);
  expect(action.state).toBe('Success');
  return eventually(async () => {
    const s = (await api('GET', service.resource_uri)).body;
    return s.state === 'Running' && s.running_num_containers === s.target_num_containers ? s : undefined;
  }, 8000, `service ${service.name} Running`);
}

/** The action a mutation names in its X-DockerCloud-Action-URI header. */
async function actionOf(res: ApiResponse): Promise<any> {
  const uri = res.headers.get('x-dockercloud-action-uri');
  expect(uri, 'X-DockerCloud-Action-URI header').toMatch(/^\/api\/audit\/v1\/action\/[0-9a-f-]{36}\/$/);
  const action = await api('GET', uri!);
  expectOk(action);
  expect(action.body.resource_uri).toBe(uri);
  return action.body;
}

/**
 * What every 2xx mutation must satisfy: a JSON object body, and an action header naming an existing action that
 * records the request (object, method, path, user, user agent, client address).
 */
async function expectMutation(
  res: ApiResponse, expected: { method: string; path: string; object: string; user?: string },
): Promise<any> {
  expect(res.status, JSON.stringify(res.body)).toBeGreaterThanOrEqual(200);
  expect(res.status).toBeLessThan(300);
  expect(res.body !== null && typeof res.body === 'object' && !Array.isArray(res.body), 'body is a JSON object').toBe(true);
  const action = await actionOf(res);
  expect(action).toMatchObject({
    object: expected.object,
    method: expected.method,
    path: expected.path,
    user: expected.user ?? 'alice',
    user_agent: UA,
    ip: '127.0.0.1',
    is_user_action: true,
  });
  return action;
}

const uuids = (objects: any[]) => objects.map((o) => o.uuid);

// ── authentication and namespaces ────────────────────────────────────────────────────────────────────

describe('authentication and namespaces', () => {
  it('answers 401 with a JSON error when credentials are missing', async () => {
    const res = await api('GET', '/api/app/v1/service/', undefined, { user: '' });
    expectError(res, 401);
  });

  it('answers 401 for a wrong key, an unknown user and a malformed header', async () => {
    expectError(await api('GET', '/api/app/v1/service/', undefined, { user: 'alice', key: 'not-the-key' }), 401);
    expectError(await api('GET', '/api/app/v1/service/', undefined, { user: 'mallory', key: 'alice-key' }), 401);
    expectError(await api('GET', '/api/app/v1/service/', undefined, { user: '', headers: { Authorization: 'Bearer alice-key' } }), 401);
    expectError(await api('GET', '/api/app/v1/service/', undefined, { user: '', headers: { Authorization: 'Basic !!!' } }), 401);
  });

  it('does not let a 401 mutate anything', async () => {
    const name = fresh('unauth');
    expectError(await api('POST', '/api/app/v1/service/', { image: 'nginx', name }, { key: 'wrong' }), 401);
    expect(await all(`/api/app/v1/service/?name=${name}`)).toEqual([]);
  });

  it('accepts the user namespace given explicitly or left out', async () => {
    const implicit = await all('/api/app/v1/service/');
    const explicit = await all('/api/app/v1/alice/service/');
    expect(implicit.length).toBeGreaterThan(0);
    expect(uuids(explicit)).toEqual(uuids(implicit));
  });

  it('answers 404, revealing nothing, for a namespace the user is not a member of', async () => {
    const foreign = await api('GET', '/api/app/v1/alice/service/', undefined, { user: 'bob' });
    const ghost = await api('GET', '/api/app/v1/ghost/service/', undefined, { user: 'bob' });
    const foreignError = expectError(foreign, 404);
    const ghostError = expectError(ghost, 404);
    // Indistinguishable from a namespace that does not exist.
    expect(foreignError.replaceAll('alice', 'NS')).toBe(ghostError.replaceAll('ghost', 'NS'));
    const web = await findOne(t, '/api/app/v1/service/?name=web');
    expect(JSON.stringify(foreign.body)).not.toContain(web.uuid);
  });

  it("hides another user's objects by their URI and by their UUID", async () => {
    const web = await findOne(t, '/api/app/v1/service/?name=web');
    expectError(await api('GET', web.resource_uri, undefined, { user: 'bob' }), 404);
    expectError(await api('GET', `/api/app/v1/service/${web.uuid}/`, undefined, { user: 'bob' }), 404);
    expectError(await api('POST', `${web.resource_uri}stop/`, undefined, { user: 'bob' }), 404);
    expect((await api('GET', web.resource_uri)).body.state).toBe(web.state);
  });

  it('refuses to create objects in a foreign namespace', async () => {
    const name = fresh('intruder');
    expectError(await api('POST', '/api/app/v1/alice/service/', { image: 'nginx', name }, { user: 'carol' }), 404);
    expect(await all(`/api/app/v1/service/?name=${name}`)).toEqual([]);
  });

  it('serves the org namespace to its members, and 404 to others', async () => {
    for (const user of ['alice', 'bob']) {
      const res = await api('GET', '/api/app/v1/acme/service/', undefined, { user });
      expectOk(res);
      expect(res.body).toHaveProperty('meta');
      expect(Array.isArray(res.body.objects)).toBe(true);
    }
    expectError(await api('GET', '/api/app/v1/acme/service/', undefined, { user: 'carol' }), 404);
    expectError(await api('GET', '/api/infra/v1/acme/nodecluster/', undefined, { user: 'carol' }), 404);
  });

  it('creates objects in the org namespace, with the namespace in resource_uri, shared with members only', async () => {
    const name = fresh('acme-svc');
    const res = await api('POST', '/api/app/v1/acme/service/', { image: 'nginx', name });
    const created = expectOk(res, 201);
    expect(created.resource_uri).toBe(`/api/app/v1/acme/service/${created.uuid}/`);
    await expectMutation(res, { method: 'POST', path: '/api/app/v1/acme/service/', object: created.resource_uri });

    // bob (a member) sees it, by URI and in the org list; alice's own namespace does not have it.
    expect(expectOk(await api('GET', created.resource_uri, undefined, { user: 'bob' })).uuid).toBe(created.uuid);
    expect(uuids(await all('/api/app/v1/acme/service/', { user: 'bob' }))).toContain(created.uuid);
    expect(await all(`/api/app/v1/service/?name=${name}`)).toEqual([]);
    expectError(await api('GET', `/api/app/v1/service/${created.uuid}/`), 404);

    // carol does not, nor the action that created it.
    expectError(await api('GET', created.resource_uri, undefined, { user: 'carol' }), 404);
    expectError(await api('GET', res.headers.get('x-dockercloud-action-uri')!, undefined, { user: 'carol' }), 404);
    expectOk(await api('GET', res.headers.get('x-dockercloud-action-uri')!, undefined, { user: 'bob' }));
  });

  it('creates stacks in the org namespace with namespaced service URIs', async () => {
    const res = await api('POST', '/api/app/v1/acme/stack/', {
      name: fresh('acme-stack'), services: [{ name: 'web', image: 'nginx' }],
    });
    const stack = expectOk(res, 201);
    expect(stack.resource_uri).toBe(`/api/app/v1/acme/stack/${stack.uuid}/`);
    expect(stack.services).toHaveLength(1);
    expect(stack.services[0]).toMatch(/^\/api\/app\/v1\/acme\/service\/[0-9a-f-]{36}\/$/);
    const service = expectOk(await api('GET', stack.services[0], undefined, { user: 'bob' }));
    expect(service.stack).toBe(stack.resource_uri);
  });
});

// ── lists and pagination ─────────────────────────────────────────────────────────────────────────────

describe('lists and pagination', () => {
  it('wraps lists in {meta, objects} with a default limit of 25', async () => {
    const res = await api('GET', '/api/app/v1/container/');
    const body = expectOk(res);
    expect(Object.keys(body).sort()).toEqual(['meta', 'objects']);
    expect(body.meta).toMatchObject({ limit: 25, offset: 0, previous: null });
    expect(body.meta.total_count).toBeGreaterThan(25); // the demo fleet has about 40 containers
    expect(body.objects).toHaveLength(25);
    expect(body.meta.next).toBe('/api/app/v1/container/?limit=25&offset=25');
  });

  it('applies limit and offset, with root-relative next and previous', async () => {
    const everything = await all('/api/app/v1/container/');
    const res = await api('GET', '/api/app/v1/container/?limit=5&offset=5');
    const body = expectOk(res);
    expect(body.meta).toMatchObject({ limit: 5, offset: 5, total_count: everything.length });
    expect(uuids(body.objects)).toEqual(uuids(everything.slice(5, 10)));
    for (const link of [body.meta.next, body.meta.previous]) {
      expect(link).toMatch(/^\/api\/app\/v1\/container\/\?/);
    }
    const next = new URL(body.meta.next, 'http://x').searchParams;
    const previous = new URL(body.meta.previous, 'http://x').searchParams;
    expect([next.get('limit'), next.get('offset')]).toEqual(['5', '10']);
    expect([previous.get('limit'), previous.get('offset')]).toEqual(['5', '0']);
  });

  it('has null next on the last page and null previous on the first', async () => {
    const total = (await all('/api/app/v1/container/')).length;
    const last = expectOk(await api('GET', `/api/app/v1/container/?limit=5&offset=${total - 3}`));
    expect(last.objects).toHaveLength(3);
    expect(last.meta.next).toBeNull();
    expect(last.meta.previous).not.toBeNull();
    const first = expectOk(await api('GET', '/api/app/v1/container/?limit=5'));
    expect(first.meta.previous).toBeNull();
    const beyond = expectOk(await api('GET', `/api/app/v1/container/?offset=${total + 10}`));
    expect(beyond.objects).toEqual([]);
    expect(beyond.meta.next).toBeNull();
  });

  it('keeps the other filters in next and previous', async () => {
    const running = await all('/api/app/v1/container/?state=Running');
    expect(running.length).toBeGreaterThan(6);
    const page1 = expectOk(await api('GET', '/api/app/v1/container/?state=Running&limit=3'));
    expect(page1.meta.total_count).toBe(running.length);
    const next = new URL(page1.meta.next, 'http://x').searchParams;
    expect(next.get('state')).toBe('Running');
    const page2 = expectOk(await api('GET', page1.meta.next));
    expect(page2.objects.every((c: any) => c.state === 'Running')).toBe(true);
    expect(uuids(page2.objects)).toEqual(uuids(running.slice(3, 6)));
    expect(new URL(page2.meta.previous, 'http://x').searchParams.get('state')).toBe('Running');
  });

  it('keeps the namespace in next when the request had one', async () => {
    const body = expectOk(await api('GET', '/api/app/v1/alice/container/?limit=2'));
    expect(body.meta.next).toMatch(/^\/api\/app\/v1\/alice\/container\/\?/);
  });

  it('caps limit at 1000', async () => {
    const body = expectOk(await api('GET', '/api/app/v1/container/?limit=5000'));
    expect(body.meta.limit).toBe(1000);
    expect(body.objects).toHaveLength(body.meta.total_count);
    expect(body.meta.next).toBeNull();
  });

  it('does not loop on limit=0: next (and offset + limit) move forward', async () => {
    const body = expectOk(await api('GET', '/api/app/v1/container/?limit=0'));
    expect(body.meta.limit).toBeGreaterThan(0);
    if (body.meta.next !== null) {
      expect(Number(new URL(body.meta.next, 'http://x').searchParams.get('offset'))).toBeGreaterThan(0);
    }
    // Follow next as the Go SDK does, and offset + limit as the Python SDK does: both end.
    let path: string | null = '/api/app/v1/container/?limit=0';
    let pages = 0;
    while (path !== null && pages < 50) {
      path = expectOk(await api('GET', path)).meta.next;
      pages++;
    }
    expect(path).toBeNull();
    const small = expectOk(await api('GET', '/api/app/v1/container/?limit=0&offset=0'));
    expect(small.meta.offset + small.meta.limit).toBeGreaterThan(small.meta.offset);
  });

  it('pages through every container with limit 7 without repeats or skips', async () => {
    const everything = await all('/api/app/v1/container/');
    const seen: string[] = [];
    let path: string | null = '/api/app/v1/container/?limit=7';
    let pages = 0;
    while (path !== null && pages < 100) {
      const body: any = expectOk(await api('GET', path));
      expect(body.objects.length).toBeLessThanOrEqual(7);
      seen.push(...uuids(body.objects));
      path = body.meta.next;
      pages++;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(uuids(everything));
    expect(pages).toBe(Math.ceil(everything.length / 7));

    // Python-style paging (offset = meta.offset + meta.limit) gives the same order.
    const python: string[] = [];
    for (let offset = 0; offset < everything.length;) {
      const body = expectOk(await api('GET', `/api/app/v1/container/?limit=7&offset=${offset}`));
      python.push(...uuids(body.objects));
      offset = body.meta.offset + body.meta.limit;
    }
    expect(python).toEqual(uuids(everything));
  });

  it('lists actions newest first', async () => {
    const first = await api('POST', '/api/app/v1/service/', { image: 'nginx', name: fresh('order-a') });
    const second = await api('POST', '/api/app/v1/service/', { image: 'nginx', name: fresh('order-b') });
    expectOk(first, 201);
    expectOk(second, 201);
    const body = expectOk(await api('GET', '/api/audit/v1/action/?limit=2'));
    expect(body.objects.map((a: any) => a.resource_uri)).toEqual([
      second.headers.get('x-dockercloud-action-uri'), first.headers.get('x-dockercloud-action-uri'),
    ]);
    const actions = await all('/api/audit/v1/action/');
    const times = actions.map((a) => Date.parse(a.start_date));
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeLessThanOrEqual(times[i - 1]!);
  });
});

// ── filters ──────────────────────────────────────────────────────────────────────────────────────────

describe('filters', () => {
  const KINDS: [string, string, boolean][] = [
    // kind, collection, has a name
    ['nodecluster', '/api/infra/v1/nodecluster/', true],
    ['node', '/api/infra/v1/node/', false],
    ['stack', '/api/app/v1/stack/', true],
    ['service', '/api/app/v1/service/', true],
    ['container', '/api/app/v1/container/', true],
  ];

  for (const [kind, collection, named] of KINDS) {
    it(`filters ${kind}s by uuid, uuid__startswith, name and state`, async () => {
      const everything = await all(collection);
      expect(everything.length).toBeGreaterThan(1);
      const target = everything[everything.length - 1];

      const byUuid = await all(`${collection}?uuid=${target.uuid}`);
      expect(uuids(byUuid)).toEqual([target.uuid]);

      const prefix = target.uuid.slice(0, 8);
      const byPrefix = await all(`${collection}?uuid__startswith=${prefix}`);
      expect(uuids(byPrefix)).toContain(target.uuid);
      expect(byPrefix.every((o) => o.uuid.startsWith(prefix))).toBe(true);
      expect(byPrefix.length).toBe(everything.filter((o) => o.uuid.startsWith(prefix)).length);

      if (named) {
        const byName = await all(`${collection}?name=${encodeURIComponent(target.name)}`);
        expect(uuids(byName)).toContain(target.uuid);
        expect(byName.every((o) => o.name === target.name)).toBe(true);
      }

      const byState = await all(`${collection}?state=${encodeURIComponent(target.state)}`);
      expect(uuids(byState)).toContain(target.uuid);
      expect(byState.every((o) => o.state === target.state)).toBe(true);
      expect(byState.length).toBe(everything.filter((o) => o.state === target.state).length);
    });
  }

  it('filters actions by uuid', async () => {
    const actions = await all('/api/audit/v1/action/');
    expect(actions.length).toBeGreaterThan(0);
    const target = actions[0];
    expect(uuids(await all(`/api/audit/v1/action/?uuid=${target.uuid}`))).toEqual([target.uuid]);
  });

  it('reads state=Partly+running as "Partly running"', async () => {
    const services = await all('/api/app/v1/service/');
    const partly = services.filter((s) => s.state === 'Partly running');
    expect(partly.length).toBeGreaterThan(0); // the demo has a worker and a logstash with one exited container
    const plus = await all('/api/app/v1/service/?state=Partly+running');
    const encoded = await all('/api/app/v1/service/?state=Partly%20running');
    expect(uuids(plus)).toEqual(uuids(partly));
    expect(uuids(encoded)).toEqual(uuids(partly));
  });

  it('filters services by stack URI and by stack__name', async () => {
    const shop = await findOne(t, '/api/app/v1/stack/?name=shop');
    const byUri = await all(`/api/app/v1/service/?stack=${encodeURIComponent(shop.resource_uri)}`);
    expect(byUri.map((s) => s.name).sort()).toEqual(['api', 'cache', 'db', 'mailer', 'web', 'worker']);
    expect(byUri.every((s) => s.stack === shop.resource_uri)).toBe(true);
    expect(uuids(await all(`/api/app/v1/service/?stack=${shop.resource_uri}`))).toEqual(uuids(byUri));
    const byName = await all('/api/app/v1/service/?stack__name=shop');
    expect(uuids(byName)).toEqual(uuids(byUri));
    const web = await all('/api/app/v1/service/?stack__name=shop&name=web');
    expect(web).toHaveLength(1);
    expect(web[0].stack).toBe(shop.resource_uri);
  });

  it('filters containers by service URI, node URI and service__stack__name', async () => {
    const web = await findOne(t, '/api/app/v1/service/?name=web');
    const ofWeb = await all(`/api/app/v1/container/?service=${encodeURIComponent(web.resource_uri)}`);
    expect(ofWeb).toHaveLength(4);
    expect(ofWeb.every((c) => c.service === web.resource_uri)).toBe(true);

    const containers = await all('/api/app/v1/container/');
    const node = containers[0].node;
    const onNode = await all(`/api/app/v1/container/?node=${encodeURIComponent(node)}`);
    expect(uuids(onNode)).toEqual(uuids(containers.filter((c) => c.node === node)));
    expect(onNode.length).toBeGreaterThan(0);

    const blog = await findOne(t, '/api/app/v1/stack/?name=blog');
    const blogServices = new Set(await all(`/api/app/v1/service/?stack=${encodeURIComponent(blog.resource_uri)}`)
      .then((services) => services.map((s) => s.resource_uri)));
    const ofBlog = await all('/api/app/v1/container/?service__stack__name=blog');
    expect(ofBlog.length).toBe(3); // wordpress ×2, mariadb ×1
    expect(ofBlog.every((c) => blogServices.has(c.service))).toBe(true);
    expect(ofBlog.map((c) => c.name).sort()).toEqual(['mariadb-1', 'wordpress-1', 'wordpress-2']);
  });

  it('filters nodes by node_cluster URI', async () => {
    const production = await findOne(t, '/api/infra/v1/nodecluster/?name=production');
    const nodes = await all(`/api/infra/v1/node/?node_cluster=${encodeURIComponent(production.resource_uri)}`);
    expect(nodes).toHaveLength(4);
    expect(nodes.every((n) => n.node_cluster === production.resource_uri)).toBe(true);
    expect(uuids(nodes).sort()).toEqual(production.nodes.map((u: string) => u.split('/').at(-2)).sort());
  });

  it('filters node clusters by region and node_type URIs', async () => {
    const inUsEast = await all('/api/infra/v1/nodecluster/?region=/api/infra/v1/region/aws/us-east-1/');
    expect(inUsEast.map((c) => c.name)).toEqual(['production']);
    const fourGb = await all('/api/infra/v1/nodecluster/?node_type=/api/infra/v1/nodetype/digitalocean/4gb/');
    expect(fourGb.map((c) => c.name)).toEqual(['staging']);
  });

  it('filters regions by provider and node types by region', async () => {
    const aws = await all('/api/infra/v1/region/?provider=/api/infra/v1/provider/aws/');
    expect(aws.length).toBeGreaterThan(3);
    expect(aws.every((r) => r.provider === '/api/infra/v1/provider/aws/')).toBe(true);
    expect(aws.map((r) => r.name)).toContain('us-east-1');

    const saEast = await all('/api/infra/v1/nodetype/?regions=/api/infra/v1/region/aws/sa-east-1/');
    const names = saEast.map((nt) => nt.name);
    expect(names).toContain('t2.micro');
    expect(names).not.toContain('c4.large'); // not offered in sa-east-1
    expect(saEast.every((nt) => nt.regions.includes('/api/infra/v1/region/aws/sa-east-1/'))).toBe(true);
  });

  it('filters registries by is_docker_registry', async () => {
    const docker = await all('/api/repo/v1/registry/?is_docker_registry=true');
    expect(docker.map((r) => r.host)).toEqual(['registry-1.docker.io']);
    const others = await all('/api/repo/v1/registry/?is_docker_registry=false');
    expect(others.length).toBeGreaterThan(0);
    expect(others.every((r) => r.is_docker_registry === false)).toBe(true);
    const hosts = (list: any[]) => list.map((r) => r.host);
    expect(hosts(await all('/api/repo/v1/registry/?is_docker_registry=False'))).toEqual(hosts(others));
  });

  it('ignores unknown query parameters', async () => {
    const plain = await all('/api/app/v1/service/');
    const noisy = await all('/api/app/v1/service/?foo=bar&format=json&ordering=-name&whatever__icontains=x');
    expect(uuids(noisy)).toEqual(uuids(plain));
  });

  it('answers an empty list, not an error, when nothing matches', async () => {
    for (const path of [
      '/api/app/v1/service/?name=no-such-service',
      '/api/app/v1/container/?uuid__startswith=ffffffff-none',
      '/api/app/v1/stack/?state=Terminated&name=shop',
      '/api/app/v1/container/?service__stack__name=no-such-stack',
      '/api/infra/v1/nodecluster/?region=/api/infra/v1/region/packet/ewr1/',
      '/api/infra/v1/region/?provider=/api/infra/v1/provider/nope/',
    ]) {
      const res = await api('GET', path);
      expect(res.status, path).toBe(200);
      expect(res.body.objects, path).toEqual([]);
      expect(res.body.meta, path).toMatchObject({ total_count: 0, next: null, previous: null });
    }
  });
});

// ── the catalogue ────────────────────────────────────────────────────────────────────────────────────

describe('catalogue', () => {
  it('lists the six providers', async () => {
    const providers = await all('/api/infra/v1/provider/');
    expect(providers.map((p) => p.name).sort()).toEqual(['aws', 'azure', 'byon', 'digitalocean', 'packet', 'softlayer']);
    const aws = expectOk(await api('GET', '/api/infra/v1/provider/aws/'));
    expect(aws).toMatchObject({ name: 'aws', resource_uri: '/api/infra/v1/provider/aws/' });
    expect(aws.regions).toContain('/api/infra/v1/region/aws/us-east-1/');
  });

  it('gets a region by provider and name', async () => {
    const lon1 = expectOk(await api('GET', '/api/infra/v1/region/digitalocean/lon1/'));
    expect(lon1).toMatchObject({
      name: 'lon1', resource_uri: '/api/infra/v1/region/digitalocean/lon1/', provider: '/api/infra/v1/provider/digitalocean/',
    });
    expect(lon1.node_types).toContain('/api/infra/v1/nodetype/digitalocean/1gb/');
  });

  it('gets an availability zone by provider, region and name', async () => {
    const az = expectOk(await api('GET', '/api/infra/v1/az/aws/us-east-1/us-east-1a/'));
    expect(az).toMatchObject({
      name: 'us-east-1a', resource_uri: '/api/infra/v1/az/aws/us-east-1/us-east-1a/', region: '/api/infra/v1/region/aws/us-east-1/',
    });
    const zones = await all('/api/infra/v1/az/?region=/api/infra/v1/region/aws/us-east-1/');
    expect(zones.map((z) => z.name).sort()).toEqual(['us-east-1a', 'us-east-1b', 'us-east-1c']);
  });

  it('gets a node type by provider and name', async () => {
    const nt = expectOk(await api('GET', '/api/infra/v1/nodetype/aws/t2.micro/'));
    expect(nt).toMatchObject({
      name: 't2.micro', resource_uri: '/api/infra/v1/nodetype/aws/t2.micro/', provider: '/api/infra/v1/provider/aws/',
    });
    expect(nt.regions).toContain('/api/infra/v1/region/aws/us-east-1/');
  });

  it('answers 404 for unknown catalogue entries', async () => {
    expectError(await api('GET', '/api/infra/v1/provider/nope/'), 404);
    expectError(await api('GET', '/api/infra/v1/region/aws/lon1/'), 404);
    expectError(await api('GET', '/api/infra/v1/nodetype/aws/1gb/'), 404);
    expectError(await api('GET', '/api/infra/v1/az/aws/us-east-1/us-east-1z/'), 404);
  });

  it('is not namespaced', async () => {
    expectError(await api('GET', '/api/infra/v1/alice/provider/'), 404);
    expectError(await api('GET', '/api/infra/v1/alice/region/digitalocean/lon1/'), 404);
    expectError(await api('GET', '/api/infra/v1/alice/nodetype/'), 404);
    expectError(await api('GET', '/api/infra/v1/alice/az/'), 404);
    // The same for everyone, even a user without any fleet.
    const forCarol = await all('/api/infra/v1/provider/', { user: 'carol' });
    expect(forCarol.map((p) => p.resource_uri)).toEqual((await all('/api/infra/v1/provider/')).map((p) => p.resource_uri));
  });
});

// ── registries and external repositories ─────────────────────────────────────────────────────────────

describe('registries and external repositories', () => {
  it('lists registries per namespace and gets one by host', async () => {
    const registries = await all('/api/repo/v1/registry/');
    expect(registries.map((r) => r.host)).toContain('registry-1.docker.io');
    const hub = expectOk(await api('GET', '/api/repo/v1/registry/registry-1.docker.io/'));
    expect(hub).toMatchObject({ host: 'registry-1.docker.io', is_docker_registry: true });
    expect(hub.resource_uri).toBe('/api/repo/v1/alice/registry/registry-1.docker.io/');
    const bobs = await all('/api/repo/v1/registry/', { user: 'bob' });
    expect(bobs.find((r) => r.host === 'registry-1.docker.io').resource_uri).toBe('/api/repo/v1/bob/registry/registry-1.docker.io/');
    expectError(await api('GET', '/api/repo/v1/alice/registry/', undefined, { user: 'bob' }), 404);
  });

  it('registers, reads, updates and removes a repository, never returning its credentials', async () => {
    const name = `registry.local/user1/${fresh('image')}`;
    const secretUser = `user-${randomUUID()}`;
    const secretPass = `pass-${randomUUID()}`;
    const noCredentials = (body: unknown) => {
      const text = JSON.stringify(body);
      expect(text).not.toContain(secretUser);
      expect(text).not.toContain(secretPass);
      expect(text).not.toMatch(/"password"/);
      expect(text).not.toMatch(/"username"/);
    };

    const created = await api('POST', '/api/repo/v1/repository/', { name, username: secretUser, password: secretPass });
    const repo = expectOk(created, 201);
    noCredentials(repo);
    expect(repo).toMatchObject({ name, resource_uri: `/api/repo/v1/alice/repository/${name}/`, in_use: false });
    expect(repo.registry).toBe('/api/repo/v1/alice/registry/registry.local/');
    await expectMutation(created, { method: 'POST', path: '/api/repo/v1/repository/', object: repo.resource_uri });

    // By name with slashes, with and without the namespace.
    const got = expectOk(await api('GET', `/api/repo/v1/repository/${name}/`));
    noCredentials(got);
    expect(got.name).toBe(name);
    expect(expectOk(await api('GET', repo.resource_uri)).name).toBe(name);
    const listed = expectOk(await api('GET', '/api/repo/v1/repository/?limit=1000'));
    noCredentials(listed);
    expect(listed.objects.map((r: any) => r.name)).toContain(name);
    expect(await all(`/api/repo/v1/repository/?name=${name}`)).toHaveLength(1);
    // Its registry now exists too.
    expect(expectOk(await api('GET', '/api/repo/v1/registry/registry.local/')).host).toBe('registry.local');

    const newPass = `new-${randomUUID()}`;
    const patched = await api('PATCH', repo.resource_uri, { username: 'other', password: newPass });
    expectOk(patched);
    expect(JSON.stringify(patched.body)).not.toContain(newPass);
    noCredentials(patched.body);
    expect(patched.body.name).toBe(name);
    await expectMutation(patched, { method: 'PATCH', path: repo.resource_uri, object: repo.resource_uri });

    expectError(await api('POST', '/api/repo/v1/repository/', { name, username: 'u', password: 'p' }), 409);

    const removed = await api('DELETE', repo.resource_uri);
    expect(removed.body.name).toBe(name);
    noCredentials(removed.body);
    await expectMutation(removed, { method: 'DELETE', path: repo.resource_uri, object: repo.resource_uri });
    expectError(await api('GET', repo.resource_uri), 404);
    expect(await all(`/api/repo/v1/repository/?name=${name}`)).toEqual([]);
  });

  it('rejects a bad repository name with 400 naming the field', async () => {
    for (const name of ['no-slash', '', '/leading/slash', 'bad name/with space']) {
      const error = expectError(await api('POST', '/api/repo/v1/repository/', { name, username: 'u', password: 'p' }), 400);
      expect(error).toContain('name');
    }
    expect(expectError(await api('POST', '/api/repo/v1/repository/', { username: 'u' }), 400)).toContain('name');
  });

  it('answers 404 for a repository that was never registered', async () => {
    expectError(await api('GET', '/api/repo/v1/repository/registry.local/nobody/nothing/'), 404);
    expectError(await api('DELETE', '/api/repo/v1/repository/registry.local/nobody/nothing/'), 404);
  });
});

// ── errors ───────────────────────────────────────────────────────────────────────────────────────────

describe('errors', () => {
  it('answers 404 for unknown objects and endpoints', async () => {
    for (const path of [
      `/api/app/v1/service/${randomUUID()}/`,
      `/api/app/v1/container/${randomUUID()}/`,
      `/api/infra/v1/nodecluster/${randomUUID()}/`,
      `/api/audit/v1/action/${randomUUID()}/`,
      '/api/app/v1/nothing/',
      '/api/app/v2/service/',
      '/api/nothing/v1/service/',
      '/not-the-api/',
    ]) {
      expectError(await api('GET', path), 404);
    }
    const web = await findOne(t, '/api/app/v1/service/?name=web');
    expectError(await api('POST', `${web.resource_uri}explode/`), 404);
    expectError(await api('GET', `${web.resource_uri}start/extra/`), 404);
  });

  it('answers 405 with a JSON error for a method the endpoint does not implement', async () => {
    const web = await findOne(t, '/api/app/v1/service/?name=web');
    const container = await findOne(t, '/api/app/v1/container/?limit=1');
    for (const [method, path] of [
      ['PUT', '/api/app/v1/service/'],
      ['DELETE', '/api/app/v1/service/'],
      ['DELETE', '/api/infra/v1/provider/aws/'],
      ['POST', '/api/infra/v1/provider/'],
      ['PATCH', '/api/infra/v1/region/digitalocean/lon1/'],
      ['POST', web.resource_uri],
      ['GET', `${web.resource_uri}start/`],
      ['PATCH', container.resource_uri],
      ['DELETE', '/api/audit/v1/action/'],
    ] as const) {
      const res = await api(method, path, method === 'GET' || method === 'DELETE' ? undefined : {});
      expect(res.status, `${method} ${path}`).toBe(405);
      expectError(res, 405);
    }
    // Nothing happened to the service.
    expect((await api('GET', web.resource_uri)).body.state).toBe(web.state);
  });

  it('answers 415 for a body that is not JSON', async () => {
    const name = fresh('form');
    const form = await api('POST', '/api/app/v1/service/', undefined, {
      rawBody: `image=nginx&name=${name}`, headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expectError(form, 415);
    const broken = await api('POST', '/api/app/v1/service/', undefined, {
      rawBody: '{"image": "nginx", ', headers: { 'Content-Type': 'application/json' },
    });
    expectError(broken, 415);
    expect(await all(`/api/app/v1/service/?name=${name}`)).toEqual([]);
  });

  it('answers 400 naming the field for a bad body', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ name: fresh('noimage') }, 'image'],
      [{ image: 'nginx', name: fresh('abc'), target_num_containers: 'abc' }, 'target_num_containers'],
      [{ image: 'nginx', name: fresh('neg'), target_num_containers: -1 }, 'target_num_containers'],
      [{ image: 'nginx', name: fresh('restart'), autorestart: 'SOMETIMES' }, 'autorestart'],
      [{ image: 'nginx', name: fresh('ports'), container_ports: [{ inner_port: 'eighty' }] }, 'inner_port'],
      [{ image: 'nginx', name: 'bad name!' }, 'name'],
    ];
    for (const [body, field] of cases) {
      const error = expectError(await api('POST', '/api/app/v1/service/', body), 400);
      expect(error, JSON.stringify(body)).toContain(field);
    }
    expectError(await api('POST', '/api/app/v1/service/', ['nginx']), 400);
    expect((await all('/api/app/v1/service/')).some((s) => String(s.name).startsWith('noimage-'))).toBe(false);
  });

  it('answers 409 for a duplicate stack name', async () => {
    const name = fresh('dup-stack');
    expectOk(await api('POST', '/api/app/v1/stack/', { name, services: [] }), 201);
    const error = expectError(await api('POST', '/api/app/v1/stack/', { name, services: [{ name: 'x', image: 'nginx' }] }), 409);
    expect(error).toContain(name);
    expect(await all(`/api/app/v1/stack/?name=${name}`)).toHaveLength(1);
    // The demo's own names count too.
    expectError(await api('POST', '/api/app/v1/stack/', { name: 'shop' }), 409);
  });

  it('answers 409 for a duplicate node cluster name', async () => {
    const name = fresh('dup-cluster');
    const body = {
      name, region: '/api/infra/v1/region/digitalocean/lon1/', node_type: '/api/infra/v1/nodetype/digitalocean/1gb/',
      target_num_nodes: 1,
    };
    const created = expectOk(await api('POST', '/api/infra/v1/nodecluster/', body), 201);
    expect(created.state).toBe('Init');
    expectError(await api('POST', '/api/infra/v1/nodecluster/', body), 409);
    expectError(await api('POST', '/api/infra/v1/nodecluster/', { ...body, name: 'production' }), 409);
    expect(await all(`/api/infra/v1/nodecluster/?name=${name}`)).toHaveLength(1);
  });

  it('answers 400 for a node cluster in an unknown region', async () => {
    const error = expectError(await api('POST', '/api/infra/v1/nodecluster/', {
      name: fresh('nowhere'), region: '/api/infra/v1/region/digitalocean/mars1/', node_type: '/api/infra/v1/nodetype/digitalocean/1gb/',
    }), 400);
    expect(error).toContain('region');
  });
});

// ── mutations and their actions ──────────────────────────────────────────────────────────────────────

describe('mutations', () => {
  it('creates a service: 201, Not running, with an action recording the request', async () => {
    const name = fresh('create');
    const res = await api('POST', '/api/app/v1/service/', { image: 'nginx', name, target_num_containers: 2 });
    const service = expectOk(res, 201);
    expect(service).toMatchObject({ name, state: 'Not running', target_num_containers: 2, current_num_containers: 0 });
    expect(service.resource_uri).toBe(`/api/app/v1/alice/service/${service.uuid}/`);
    const action = await expectMutation(res, { method: 'POST', path: '/api/app/v1/service/', object: service.resource_uri });
    expect(action.state).toBe('Success');
    expect(expectOk(await api('GET', service.resource_uri))).toMatchObject({ uuid: service.uuid, state: 'Not running' });
  });

  it('starts, stops, redeploys, scales, updates and terminates a service, each with its action', async () => {
    const service = await createService({ target_num_containers: 1 });
    const uri = service.resource_uri;

    const start = await api('POST', `${uri}start/`);
    expect(start.body.uuid).toBe(service.uuid);
    const startAction = await expectMutation(start, { method: 'POST', path: `${uri}start/`, object: uri });
    expect(startAction.action).toMatch(/start/i);
    expect((await settled(t, startAction.resource_uri)).state).toBe('Success');
    await eventually(async () => (await api('GET', uri)).body.state === 'Running', 8000, 'Running');

    const patch = await api('PATCH', uri, { target_num_containers: 2, tags: [{ name: 'production' }] });
    expect(patch.body).toMatchObject({ uuid: service.uuid, target_num_containers: 2, tags: [{ name: 'production' }] });
    await expectMutation(patch, { method: 'PATCH', path: uri, object: uri });

    const scale = await api('POST', `${uri}scale/`);
    const scaleAction = await expectMutation(scale, { method: 'POST', path: `${uri}scale/`, object: uri });
    expect((await settled(t, scaleAction.resource_uri)).state).toBe('Success');
    await eventually(async () => {
      const s = (await api('GET', uri)).body;
      return s.state === 'Running' && s.running_num_containers === 2;
    }, 8000, 'two running containers');

    const redeploy = await api('POST', `${uri}redeploy/`);
    const redeployAction = await expectMutation(redeploy, { method: 'POST', path: `${uri}redeploy/`, object: uri });
    expect((await settled(t, redeployAction.resource_uri)).state).toBe('Success');
    await eventually(async () => (await api('GET', uri)).body.state === 'Running', 8000, 'Running after redeploy');

    const stop = await api('POST', `${uri}stop/`);
    const stopAction = await expectMutation(stop, { method: 'POST', path: `${uri}stop/`, object: uri });
    expect((await settled(t, stopAction.resource_uri)).state).toBe('Success');
    await eventually(async () => (await api('GET', uri)).body.state === 'Stopped', 8000, 'Stopped');

    const del = await api('DELETE', uri);
    expect(del.body.uuid).toBe(service.uuid);
    expect(['Terminating', 'Terminated']).toContain(del.body.state);
    const delAction = await expectMutation(del, { method: 'DELETE', path: uri, object: uri });
    expect((await settled(t, delAction.resource_uri)).state).toBe('Success');
    expect((await api('GET', uri)).body.state).toBe('Terminated');
  });

  it('records mutations of stacks, node clusters and nodes as actions', async () => {
    const stackRes = await api('POST', '/api/app/v1/stack/', { name: fresh('mut-stack'), services: [{ name: 'web', image: 'nginx' }] });
    const stack = expectOk(stackRes, 201);
    await expectMutation(stackRes, { method: 'POST', path: '/api/app/v1/stack/', object: stack.resource_uri });
    const stackPatch = await api('PATCH', stack.resource_uri, { nickname: 'renamed' });
    expect(stackPatch.body.nickname).toBe('renamed');
    await expectMutation(stackPatch, { method: 'PATCH', path: stack.resource_uri, object: stack.resource_uri });

    const clusterRes = await api('POST', '/api/infra/v1/nodecluster/', {
      name: fresh('mut-cluster'), region: '/api/infra/v1/region/aws/us-east-1/', node_type: '/api/infra/v1/nodetype/aws/t2.micro/',
    });
    const cluster = expectOk(clusterRes, 201);
    await expectMutation(clusterRes, { method: 'POST', path: '/api/infra/v1/nodecluster/', object: cluster.resource_uri });
    const del = await api('DELETE', cluster.resource_uri);
    expect(del.body.uuid).toBe(cluster.uuid);
    await expectMutation(del, { method: 'DELETE', path: cluster.resource_uri, object: cluster.resource_uri });

    const node = await findOne(t, '/api/infra/v1/node/?state=Deployed');
    const nodePatch = await api('PATCH', node.resource_uri, { nickname: 'rest-test-node' });
    expect(nodePatch.body).toMatchObject({ uuid: node.uuid, nickname: 'rest-test-node' });
    await expectMutation(nodePatch, { method: 'PATCH', path: node.resource_uri, object: node.resource_uri });
  });

  it('records operations on containers, stacks, clusters and nodes as actions', async () => {
    const service = await runningService({ target_num_containers: 1 });
    const container = expectOk(await api('GET', service.containers[0]));
    const cStop = await api('POST', `${container.resource_uri}stop/`);
    expect(cStop.body.uuid).toBe(container.uuid);
    const cStopAction = await expectMutation(cStop, { method: 'POST', path: `${container.resource_uri}stop/`, object: container.resource_uri });
    expect((await settled(t, cStopAction.resource_uri)).state).toBe('Success');
    expect(expectOk(await api('GET', container.resource_uri)).state).toBe('Stopped');
    const cStart = await api('POST', `${container.resource_uri}start/`);
    const cStartAction = await expectMutation(cStart, { method: 'POST', path: `${container.resource_uri}start/`, object: container.resource_uri });
    expect((await settled(t, cStartAction.resource_uri)).state).toBe('Success');
    expect(expectOk(await api('GET', container.resource_uri)).state).toBe('Running');

    const stack = expectOk(await api('POST', '/api/app/v1/stack/', { name: fresh('ops-stack'), services: [{ name: 'a', image: 'nginx' }] }), 201);
    const sStart = await api('POST', `${stack.resource_uri}start/`);
    const sStartAction = await expectMutation(sStart, { method: 'POST', path: `${stack.resource_uri}start/`, object: stack.resource_uri });
    expect((await settled(t, sStartAction.resource_uri)).state).toBe('Success');
    await eventually(async () => (await api('GET', stack.resource_uri)).body.state === 'Running', 8000, 'stack Running');
    const sStop = await api('POST', `${stack.resource_uri}stop/`);
    const sStopAction = await expectMutation(sStop, { method: 'POST', path: `${stack.resource_uri}stop/`, object: stack.resource_uri });
    expect((await settled(t, sStopAction.resource_uri)).state).toBe('Success');
    await eventually(async () => (await api('GET', stack.resource_uri)).body.state === 'Stopped', 8000, 'stack Stopped');

    const cluster = expectOk(await api('POST', '/api/infra/v1/nodecluster/', {
      name: fresh('ops-cluster'), region: '/api/infra/v1/region/packet/ewr1/', node_type: '/api/infra/v1/nodetype/packet/baremetal_0/',
      target_num_nodes: 1, tags: [{ name: 'ops-only' }],
    }), 201);
    const deploy = await api('POST', `${cluster.resource_uri}deploy/`);
    expect(deploy.body.uuid).toBe(cluster.uuid);
    const deployAction = await expectMutation(deploy, { method: 'POST', path: `${cluster.resource_uri}deploy/`, object: cluster.resource_uri });
    expect((await settled(t, deployAction.resource_uri)).state).toBe('Success');
    expect(expectOk(await api('GET', cluster.resource_uri))).toMatchObject({ state: 'Deployed', current_num_nodes: 1 });
    expectError(await api('POST', `${cluster.resource_uri}deploy/`), 400); // only from Init

    const node = await findOne(t, `/api/infra/v1/node/?node_cluster=${encodeURIComponent(cluster.resource_uri)}`);
    const check = await api('POST', `${node.resource_uri}health-check/`);
    const checkAction = await expectMutation(check, { method: 'POST', path: `${node.resource_uri}health-check/`, object: node.resource_uri });
    expect((await settled(t, checkAction.resource_uri)).state).toBe('Success');
    expect(expectOk(await api('GET', node.resource_uri)).state).toBe('Deployed');
  });

  it('refuses stop on a Not running service with 400, leaving it unchanged', async () => {
    const service = await createService();
    const before = expectOk(await api('GET', service.resource_uri));
    const error = expectError(await api('POST', `${service.resource_uri}stop/`), 400);
    expect(error).toMatch(/stop/i);
    expect(error).toContain('Not running');
    expect(expectOk(await api('GET', service.resource_uri))).toEqual(before);
  });

  it('refuses start on a Running service with 400, leaving it unchanged', async () => {
    const service = await runningService();
    const error = expectError(await api('POST', `${service.resource_uri}start/`), 400);
    expect(error).toMatch(/start/i);
    expect(error).toContain('Running');
    const after = expectOk(await api('GET', service.resource_uri));
    expect(after.state).toBe('Running');
    expect(after.containers).toEqual(service.containers);
  });

  it('refuses docker-upgrade on an Unreachable node with 400, leaving it unchanged', async () => {
    const node = await findOne(t, '/api/infra/v1/node/?state=Unreachable');
    const error = expectError(await api('POST', `${node.resource_uri}docker-upgrade/`), 400);
    expect(error).toContain('Unreachable');
    const after = expectOk(await api('GET', node.resource_uri));
    expect(after.state).toBe('Unreachable');
    expect(after.docker_version).toBe(node.docker_version);
  });

  it('records a refused operation as a Failed action but answers without an action header', async () => {
    const service = await createService();
    const res = await api('POST', `${service.resource_uri}stop/`);
    expectError(res, 400);
    expect(res.headers.get('x-dockercloud-action-uri')).toBeNull();
  });

  it('refuses operations a kind does not have with 404', async () => {
    const stack = await findOne(t, '/api/app/v1/stack/?name=shop');
    expectError(await api('POST', `${stack.resource_uri}scale/`), 404);
    const cluster = await findOne(t, '/api/infra/v1/nodecluster/?name=production');
    expectError(await api('POST', `${cluster.resource_uri}start/`), 404);
  });
});

// ── triggers ─────────────────────────────────────────────────────────────────────────────────────────

describe('triggers', () => {
  const call = (url: string) => t.api('POST', url, undefined, { user: '', headers: { Accept: 'application/json' } });

  it('creates, lists, gets and deletes a trigger', async () => {
    const service = await createService();
    const res = await api('POST', `${service.resource_uri}trigger/`, { name: 't', operation: 'REDEPLOY' });
    const trigger = expectOk(res, 201);
    expect(trigger).toMatchObject({ name: 't', operation: 'REDEPLOY' });
    expect(trigger.uuid).toMatch(/^[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89ab][a-f0-9]{3}-[a-f0-9]{12}$/);
    expect(trigger.resource_uri).toBe(`${service.resource_uri}trigger/${trigger.uuid}/`);
    expect(trigger.url).toBe(`${trigger.resource_uri}call/`);
    expect(trigger.url).toMatch(/^\/api\/.*\/call\/$/);
    await expectMutation(res, { method: 'POST', path: `${service.resource_uri}trigger/`, object: trigger.resource_uri });

    const listed = expectOk(await api('GET', `${service.resource_uri}trigger/`));
    expect(listed.meta.total_count).toBe(1);
    expect(listed.objects).toEqual([trigger]);
    expect(expectOk(await api('GET', trigger.resource_uri))).toEqual(trigger);

    const del = await api('DELETE', trigger.resource_uri);
    expect(del.body.uuid).toBe(trigger.uuid);
    await expectMutation(del, { method: 'DELETE', path: trigger.resource_uri, object: trigger.resource_uri });
    expectError(await api('GET', trigger.resource_uri), 404);
    expect(expectOk(await api('GET', `${service.resource_uri}trigger/`)).objects).toEqual([]);
    expectError(await call(trigger.url), 404);
  });

  it('keeps triggers to their service', async () => {
    const a = await createService();
    const b = await createService();
    const trigger = expectOk(await api('POST', `${a.resource_uri}trigger/`, { name: 'mine' }), 201);
    expect(trigger.operation).toBe('REDEPLOY'); // the default
    expect(expectOk(await api('GET', `${b.resource_uri}trigger/`)).objects).toEqual([]);
    expectError(await api('GET', `${b.resource_uri}trigger/${trigger.uuid}/`), 404);
    expectError(await call(`${b.resource_uri}trigger/${trigger.uuid}/call/`), 404);
    expectError(await api('GET', `${a.resource_uri}trigger/`, undefined, { user: 'bob' }), 404);
  });

  it('redeploys the service when its url is POSTed without credentials', async () => {
    const service = await runningService();
    const trigger = expectOk(await api('POST', `${service.resource_uri}trigger/`, { name: 't', operation: 'REDEPLOY' }), 201);
    const res = await call(trigger.url);
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body).toMatchObject({ uuid: service.uuid });
    const action = await actionOf(res);
    expect(action).toMatchObject({ object: service.resource_uri, is_user_action: false, method: 'POST' });
    expect(action.action).toMatch(/redeploy/i);
    expect((await settled(t, action.resource_uri)).state).toBe('Success');
    const after = await eventually(async () => {
      const s = (await api('GET', service.resource_uri)).body;
      return s.state === 'Running' ? s : undefined;
    }, 8000, 'Running after redeploy');
    // A redeploy replaces every container.
    expect(after.containers).toHaveLength(service.containers.length);
    for (const uri of service.containers) expect(after.containers).not.toContain(uri);
  });

  it('scales up by the count given after call/', async () => {
    const service = await runningService({ target_num_containers: 1 });
    const trigger = expectOk(await api('POST', `${service.resource_uri}trigger/`, { name: 'up', operation: 'SCALEUP' }), 201);
    expect(trigger.operation).toBe('SCALEUP');
    const res = await call(`${trigger.url}3/`);
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.target_num_containers).toBe(4);
    const action = await actionOf(res);
    expect(action.is_user_action).toBe(false);
    expect(expectOk(await api('GET', service.resource_uri)).target_num_containers).toBe(4);
    await eventually(async () => {
      const s = (await api('GET', service.resource_uri)).body;
      return s.current_num_containers === 4 && s.running_num_containers === 4;
    }, 8000, 'four containers');
    // Without a count, SCALEUP adds one.
    const once = await call(trigger.url);
    expect(once.status).toBe(202);
    expect(expectOk(await api('GET', service.resource_uri)).target_num_containers).toBe(5);
  });

  it('answers 404 for a made-up trigger', async () => {
    const service = await createService();
    expectError(await call(`${service.resource_uri}trigger/${randomUUID()}/call/`), 404);
    expectError(await call(`/api/app/v1/service/${randomUUID()}/trigger/${randomUUID()}/call/`), 404);
    expectError(await api('GET', `${service.resource_uri}trigger/${randomUUID()}/`), 404);
  });
});

// ── BYO node tokens ──────────────────────────────────────────────────────────────────────────────────

describe('BYO node token', () => {
  it('answers POST /api/infra/v1/token/ with {"token": …}', async () => {
    const res = await api('POST', '/api/infra/v1/token/');
    expect(res.status).toBeGreaterThanOrEqual(200);
    expect(res.status).toBeLessThan(300);
    expect(typeof res.body.token).toBe('string');
    expect(res.body.token.length).toBeGreaterThan(8);
    const again = expectOk(await api('POST', '/api/infra/v1/alice/token/'), res.status);
    expect(again.token).not.toBe(res.body.token);
  });

  it('answers 401 without credentials and 404 in a foreign namespace', async () => {
    expectError(await api('POST', '/api/infra/v1/token/', undefined, { user: '' }), 401);
    expectError(await api('POST', '/api/infra/v1/alice/token/', undefined, { user: 'carol' }), 404);
  });
});

// ── rate limiting ────────────────────────────────────────────────────────────────────────────────────

describe('rate limit', () => {
  let limited: TestServer;

  beforeAll(async () => {
    limited = await startTestServer({ fleet: 'empty', rateLimit: 5 });
  });

  afterAll(async () => {
    await limited?.close();
  });

  it('answers 429 with Retry-After and a JSON error after a burst', async () => {
    const responses = await Promise.all(Array.from({ length: 20 }, () => limited.api('GET', '/api/infra/v1/provider/')));
    const ok = responses.filter((r) => r.status === 200);
    const throttled = responses.filter((r) => r.status === 429);
    expect(ok.length).toBeGreaterThan(0);
    expect(ok.length).toBeLessThanOrEqual(6);
    expect(throttled.length).toBeGreaterThan(0);
    expect(ok.length + throttled.length).toBe(20);
    for (const res of throttled) {
      expect(res.body).toEqual({ error: expect.any(String) });
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
    // Per user: bob is not throttled by alice's burst.
    expect((await limited.api('GET', '/api/infra/v1/provider/', undefined, { user: 'bob' })).status).toBe(200);
  });
});
