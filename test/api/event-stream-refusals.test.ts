// The event stream against the real server when the API refuses us: wrong credentials are retried slowly (the key
// may be fixed on the server meanwhile) instead of stopping for good; a namespace that does not exist, or that the
// user may not see, stops the retries (they cannot help); reconnect() tries at once from either.
import { afterEach, describe, expect, it } from 'vitest';
import type { ClientOptions } from '../../src/api/client.js';
import type { EventStream, StreamHealth } from '../../src/api/events.js';
import { clientFor } from '../helpers/client.js';
import { eventually, startTestServer, type TestServer } from '../helpers/server.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(user: string, options: ClientOptions & { namespace?: string } = {}) {
  const t = await startTestServer({ fleet: 'empty' });
  cleanups.push(() => t.close());
  const client = await clientFor(t, user, options);
  cleanups.push(() => client.close());
  const stream = client.events();
  cleanups.push(() => stream.close());
  const log: (StreamHealth & { seenAt: number })[] = [];
  stream.onHealth((h) => log.push({ ...h, seenAt: Date.now() }));
  return { t, client, stream, log };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the server counts as the handshakes of `stream` (its own counter of attempts). */
const attempts = (stream: EventStream) => stream.attempts;

function addUser(t: TestServer, user: string, key: string): void {
  t.server.options.accounts.users.set(user, key); // the operator fixes the account; no restart
}

describe('wrong credentials', () => {
  it('auth_failed says when the next attempt comes, and it comes after authRetryMs, again and again', async () => {
    const { stream, log } = await setup('mallory', { authRetryMs: 300 });
    const before = Date.now();
    stream.start();
    await eventually(() => stream.health.state === 'auth_failed', 5000, 'auth_failed');
    const first = stream.health;
    if (first.state !== 'auth_failed') throw new Error('unreachable');
    expect(first.attempt).toBe(1);
    expect(first.delayMs).toBe(300);
    expect(first.nextAttemptAt).toBeGreaterThanOrEqual(before + 300);
    expect(first.error).toMatch(/Authentication required/);
    // The retry comes on its own, no earlier than announced.
    await eventually(() => attempts(stream) >= 3, 5000, 'two retries');
    const failures = log.filter((h) => h.state === 'auth_failed');
    expect(failures.length).toBeGreaterThanOrEqual(2);
    const connects = log.filter((h) => h.state === 'connecting');
    expect(connects[1]!.seenAt).toBeGreaterThanOrEqual((first.nextAttemptAt) - 5);
    expect(failures.map((h) => (h as { attempt: number }).attempt).slice(0, 2)).toEqual([1, 2]);
  });

  it('by default the next attempt is a minute away, and reconnect() tries at once', async () => {
    const { t, stream } = await setup('mallory');
    stream.start();
    await eventually(() => stream.health.state === 'auth_failed', 5000, 'auth_failed');
    const health = stream.health as Extract<StreamHealth, { state: 'auth_failed' }>;
    expect(health.nextAttemptAt - Date.now()).toBeGreaterThan(55_000);
    expect(attempts(stream)).toBe(1);
    expect(stream.reconnect()).toBe(true);
    await eventually(() => attempts(stream) === 2 && stream.health.state === 'auth_failed', 5000, 'a second attempt at once');
    expect((stream.health as { attempt: number }).attempt).toBe(1); // reconnect() reset the count
    // The key is fixed on the server: the next try (here reconnect(); else the slow retry) is live.
    addUser(t, 'mallory', 'wrong');
    expect(stream.reconnect()).toBe(true);
    await eventually(() => stream.health.state === 'live', 5000, 'live with the fixed key');
    expect(stream.reconnect()).toBe(false); // nothing to do when live
  });

  it('a key fixed on the server is picked up by the slow retry alone', async () => {
    const { t, stream } = await setup('mallory', { authRetryMs: 200 });
    stream.start();
    await eventually(() => stream.health.state === 'auth_failed', 5000, 'auth_failed');
    addUser(t, 'mallory', 'wrong');
    await eventually(() => stream.health.state === 'live', 5000, 'live after the retry');
  });
});

describe('a namespace the API refuses', () => {
  it('one that does not exist: namespace_refused, and no further attempts', async () => {
    const { stream, log } = await setup('alice', { namespace: 'nope' });
    stream.start();
    await eventually(() => stream.health.state === 'namespace_refused', 5000, 'namespace_refused');
    expect(stream.health).toMatchObject({ state: 'namespace_refused', namespace: 'nope' });
    expect((stream.health as { error: string }).error).toMatch(/No such stream/);
    await sleep(3000); // with a 20–200 ms backoff, a retry would have come many times by now
    expect(attempts(stream)).toBe(1);
    expect(log.map((h) => h.state)).toEqual(['connecting', 'namespace_refused']);
    // Asked to, it tries again (once).
    expect(stream.reconnect()).toBe(true);
    await eventually(() => attempts(stream) === 2 && stream.health.state === 'namespace_refused', 5000, 'asked again');
    await sleep(300);
    expect(attempts(stream)).toBe(2);
  });

  it('one the user may not see (an organisation of others) is refused the same way', async () => {
    const { stream } = await setup('carol', { namespace: 'acme' });
    stream.start();
    await eventually(() => stream.health.state === 'namespace_refused', 5000, 'namespace_refused');
    expect(stream.health).toMatchObject({ state: 'namespace_refused', namespace: 'acme' });
  });

  it('one the user belongs to is live', async () => {
    const { stream } = await setup('alice', { namespace: 'acme' });
    stream.start();
    await eventually(() => stream.health.state === 'live', 5000, 'live');
  });
});
