// Tenants stay apart: a reference (a link, volumes_from) resolves only in the caller's own namespace, and the answer
// is the same whether the other tenant's object exists or not (no existence oracle).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findOne, startTestServer, type TestServer } from '../helpers/server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ fleet: 'demo' });
});
afterAll(() => t.close());

describe('references across namespaces', () => {
  it("bob cannot link to alice's db, by URI or UUID, in a service, a PATCH or a stack file; the answer reveals nothing", async () => {
    const db = await findOne(t, '/api/app/v1/service/?name=db');
    const missing = db.resource_uri.replace(db.uuid, '00000000-0000-4000-8000-000000000000');
    const attempts = (ref: string) => [
      t.api('POST', '/api/app/v1/service/', { image: 'mysql', name: `spy-${Math.random().toString(36).slice(2, 8)}`, linked_to_service: [{ to_service: ref, name: 'db' }] }, { user: 'bob' }),
      t.api('POST', '/api/app/v1/service/', { image: 'mysql', name: `spy-${Math.random().toString(36).slice(2, 8)}`, bindings: [{ volumes_from: ref }] }, { user: 'bob' }),
      t.api('POST', '/api/app/v1/stack/', { name: `spy${Math.random().toString(36).slice(2, 8)}`, services: [{ name: 'x', image: 'mysql', links: [ref] }] }, { user: 'bob' }),
    ];
    const real = await Promise.all(attempts(db.resource_uri));
    const none = await Promise.all(attempts(missing));
    for (const [i, res] of real.entries()) {
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.replace(db.resource_uri, 'REF')).toBe(none[i]!.body.error.replace(missing, 'REF'));
    }
    // A PATCH of bob's own service, too.
    const own = await t.api('POST', '/api/app/v1/service/', { image: 'nginx', name: 'bobs-web' }, { user: 'bob' });
    const patch = await t.api('PATCH', own.body.resource_uri, { linked_to_service: [{ to_service: db.resource_uri, name: 'db' }] }, { user: 'bob' });
    expect(patch.status).toBe(400);
    expect((await t.api('GET', own.body.resource_uri, undefined, { user: 'bob' })).body.calculated_envvars
      .some((e: { key: string }) => e.key.startsWith('DB_'))).toBe(false);
    expect((await t.api('GET', db.resource_uri)).body.linked_from_service).toEqual(db.linked_from_service);
  });

  it('alice still links within her own namespace', async () => {
    const db = await findOne(t, '/api/app/v1/service/?name=db');
    const res = await t.api('POST', '/api/app/v1/service/', { image: 'nginx', name: 'alice-app', linked_to_service: [{ to_service: db.resource_uri, name: 'db' }] });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  });
});

describe('the audit log', () => {
  it("bob's requests never evict alice's history, in the organisation they share or anywhere else", async () => {
    const small = await startTestServer({ fleet: 'demo', actionsPerUser: 20 });
    try {
      const web = await findOne(small, '/api/app/v1/service/?name=web');
      const mine = await small.api('PATCH', web.resource_uri, { nickname: 'alice was here' });
      const aliceAction = mine.headers.get('x-dockercloud-action-uri')!;
      const org = await small.api('POST', '/api/app/v1/acme/service/', { image: 'nginx', name: 'shared' });
      const aliceInOrg = org.headers.get('x-dockercloud-action-uri')!;
      // 60 cheap actions of bob's: PATCHes in his own namespace and in acme.
      const bobs = (await small.api('POST', '/api/app/v1/service/', { image: 'nginx', name: 'bobs' }, { user: 'bob' })).body.resource_uri;
      for (let i = 0; i < 30; i++) {
        await small.api('PATCH', bobs, { nickname: `n${i}` }, { user: 'bob' });
        await small.api('PATCH', org.body.resource_uri, { nickname: `n${i}` }, { user: 'bob' });
      }
      expect((await small.api('GET', aliceAction)).status).toBe(200);
      expect((await small.api('GET', aliceInOrg)).status).toBe(200);
      // bob's own history is what was trimmed, to at most 20 per namespace.
      const bobsActions = (await small.api('GET', '/api/audit/v1/action/?limit=200', undefined, { user: 'bob' })).body.objects
        .filter((a: { user: string }) => a.user === 'bob');
      expect(bobsActions.length).toBeLessThanOrEqual(40);
      expect(bobsActions.length).toBeGreaterThan(20);
    } finally {
      await small.close();
    }
  });
});

describe('object UUIDs', () => {
  it('do not follow from the seed: the same seed gives the same fleet with other UUIDs', async () => {
    const [a, b] = await Promise.all([startTestServer({ fleet: 'demo', seed: 7 }), startTestServer({ fleet: 'demo', seed: 7 })]);
    try {
      const list = async (s: TestServer) => (await s.api('GET', '/api/app/v1/container/?limit=100')).body.objects as Array<{ name: string; uuid: string }>;
      const [first, second] = await Promise.all([list(a), list(b)]);
      expect(first.map((c) => c.name).sort()).toEqual(second.map((c) => c.name).sort());
      const uuids = new Set(first.map((c) => c.uuid));
      expect(second.some((c) => uuids.has(c.uuid))).toBe(false);
      for (const c of first) expect(c.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
