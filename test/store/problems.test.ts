// The store against the real server when something is wrong: one readable line in the snapshot (`problem`) that
// says what and where to fix it, a health that says when the next attempt comes, retries that make sense (slow
// after refused credentials, none for a refused namespace), and reconnect() to try at once.
import { afterEach, describe, expect, it } from 'vitest';
import { DockerCloudClient, type ClientOptions } from '../../src/api/client.js';
import { resolveConfig } from '../../src/api/config.js';
import { FleetStore } from '../../src/store/fleet-store.js';
import type { Snapshot } from '../../src/store/snapshot.js';
import { clientFor } from '../helpers/client.js';
import { eventually, startTestServer, USERS, type TestServer } from '../helpers/server.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function server(fleet: 'demo' | 'empty' = 'empty', plainEvents = false): Promise<TestServer> {
  const t = await startTestServer({ fleet, plainEvents });
  cleanups.push(() => t.close());
  return t;
}

function storeOf(client: DockerCloudClient): FleetStore {
  cleanups.push(() => client.close());
  const store = new FleetStore(client, { maxFps: 50, batchDelayMs: 10 });
  cleanups.push(() => store.close());
  return store;
}

/** A client configured from the environment, as a user of the monitor would. */
async function envClient(t: TestServer, env: NodeJS.ProcessEnv, options: ClientOptions = {}): Promise<DockerCloudClient> {
  const config = await resolveConfig({ restHost: t.url }, { env, home: '/nonexistent' });
  return new DockerCloudClient(config, { backoff: { baseMs: 20, capMs: 200 }, ...options });
}

/** Every code-like word (ECONNREFUSED, UND_ERR_SOCKET …) at most once, and no stack. */
function expectReadable(text: string | null | undefined): void {
  expect(text).toBeTruthy();
  const codes = text!.match(/\b[A-Z][A-Z_]{4,}\b/g) ?? [];
  expect(new Set(codes).size, text!).toBe(codes.length);
  expect(text).not.toMatch(/\n\s+at /);
}

const health = (store: FleetStore) => store.getSnapshot().health;

describe('refused credentials', () => {
  it('start() rejects with the problem; the stream retries slowly on its own; reconnect() tries at once', async () => {
    const t = await server();
    const client = await envClient(t, { DOCKERCLOUD_USER: 'mallory', DOCKERCLOUD_APIKEY: 'not-a-key' }, { authRetryMs: 400 });
    const store = storeOf(client);
    const problem = 'the API refused the credentials of user mallory (from DOCKERCLOUD_USER and DOCKERCLOUD_APIKEY): check them';
    await expect(store.start()).rejects.toThrow(problem);
    const s = store.getSnapshot();
    expect(s.problem).toBe(problem);
    const h = s.health;
    if (h.state !== 'auth_failed') throw new Error(`expected auth_failed, got ${h.state}`);
    expect(h.attempt).toBe(1);
    expect(h.nextAttemptAt).toBeGreaterThan(Date.now());
    expect(h.nextAttemptAt - Date.now()).toBeLessThanOrEqual(400);
    // The retry comes after the interval, by itself; the problem stays meanwhile (no blinking while it tries).
    const problems = new Set<string | null>();
    store.subscribe((snapshot) => problems.add(snapshot.problem));
    await eventually(() => store.events.attempts >= 2 && health(store).state === 'auth_failed', 5000, 'a retry');
    expect((health(store) as { attempt: number }).attempt).toBe(2);
    expect([...problems]).toEqual([problem]);
    // reconnect() tries now, not in 400 ms … and once the operator fixed the account, it is live and listed.
    t.server.options.accounts.users.set('mallory', 'not-a-key');
    const attempts = store.events.attempts;
    store.reconnect();
    expect(store.events.attempts).toBe(attempts + 1); // the handshake began there and then
    await eventually(() => store.getSnapshot().complete && health(store).state === 'live', 5000, 'live and listed');
    expect(store.getSnapshot().problem).toBeNull();
  });

  it('a 401 on REST while the socket is open (the key was revoked) says so, and recovers when it is back', async () => {
    const t = await server('demo', true); // events that make the store fetch (and be refused)
    const client = await clientFor(t, 'alice', { authRetryMs: 1000 });
    const store = storeOf(client);
    await store.start();
    t.server.options.accounts.users.set('alice', 'revoked'); // the open event socket stays; REST now says 401
    // Events on several objects: the store re-fetches them (and their parents), and every fetch is refused.
    for (const c of t.backend.list('container', 'alice').slice(0, 5)) t.backend.sim.world.emit(c.resource_uri);
    await eventually(() => health(store).state === 'auth_failed', 5000, 'auth_failed');
    await sleep(100);
    // One refusal, however many fetches were refused: the next attempt is still the first one, authRetryMs away.
    expect(health(store)).toMatchObject({ state: 'auth_failed', attempt: 1 });
    expect(store.events.attempts).toBe(1);
    expect(store.getSnapshot().problem).toBe('the API refused the credentials of user alice (from --user and --apikey): check them');
    expect(store.getSnapshot().stale).toBe(true);
    t.server.options.accounts.users.set('alice', USERS['alice']!);
    await eventually(() => health(store).state === 'live' && !store.getSnapshot().stale, 5000, 'live and fresh again');
    expect(store.getSnapshot().problem).toBeNull();
  });
});

describe('a refused namespace', () => {
  it('does not exist: start() rejects, the problem says so, and nothing more is tried until reconnect()', async () => {
    const t = await server();
    const client = await clientFor(t, 'alice', { namespace: 'nope' });
    const store = storeOf(client);
    await expect(store.start()).rejects.toThrow('namespace nope does not exist or you may not see it');
    expect(health(store)).toMatchObject({ state: 'namespace_refused', namespace: 'nope' });
    expect(store.getSnapshot().problem).toBe('namespace nope does not exist or you may not see it');
    await sleep(3000); // with a 20–200 ms backoff, retries would have come many times
    expect(store.events.attempts).toBe(1);
    store.reconnect();
    await eventually(() => store.events.attempts === 2 && health(store).state === 'namespace_refused', 5000, 'tried again');
  });

  it('one the user may not see: the same', async () => {
    const t = await server();
    const store = storeOf(await clientFor(t, 'carol', { namespace: 'acme' }));
    await expect(store.start()).rejects.toThrow('namespace acme does not exist or you may not see it');
  });
});

describe('an API that is not there', () => {
  it('a closed port: reconnecting, with a readable problem; reconnect() once it listens is live at once', async () => {
    const t = await server('demo');
    const port = t.server.port;
    await t.server.stopListening();
    // A slow backoff: the natural retry would be far away.
    const client = await clientFor(t, 'alice', { backoff: { baseMs: 600_000, capMs: 600_000 } });
    const store = storeOf(client);
    void store.start().catch(() => {});
    await eventually(() => health(store).state === 'reconnecting', 5000, 'reconnecting');
    const s: Snapshot = store.getSnapshot();
    expect(s.problem).toBe(`the API is unreachable at http://127.0.0.1:${port}: connection refused`);
    expectReadable(s.problem);
    const h = s.health;
    if (h.state !== 'reconnecting') throw new Error('unreachable');
    expectReadable(h.error);
    expect(h.error).not.toMatch(/ECONNREFUSED/);
    await t.server.listen(port, '127.0.0.1');
    const attempts = store.events.attempts;
    store.reconnect();
    expect(store.events.attempts).toBe(attempts + 1); // now, not at nextAttemptAt (minutes away, most likely)
    await eventually(() => store.getSnapshot().complete && !store.getSnapshot().stale, 5000, 'live and listed');
    expect(store.getSnapshot().problem).toBeNull();
    expect(store.getSnapshot().objects.container.size).toBeGreaterThan(0);
  });
});
