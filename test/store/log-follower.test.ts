// A log follower against the real server: it says when the API went away, resumes on its own once it is back
// (when the store's event stream is live again, or after its own backoff), holds every line once (the resumed
// tail's lines already held are skipped), marks where lines may be missing, and ends for good only when the
// stream is over (the container was terminated), saying why.
import { afterEach, describe, expect, it } from 'vitest';
import type { DockerCloudClient } from '../../src/api/client.js';
import type { Container } from '../../src/domain/index.js';
import { FleetStore } from '../../src/store/fleet-store.js';
import { LogFollower, type LogFollowerOptions, type LogLine } from '../../src/store/log-follower.js';
import { ApiServer } from '../../src/server/api-server.js';
import { clientFor } from '../helpers/client.js';
import { eventually, findOne, startTestServer, testAccounts, type TestServer } from '../helpers/server.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function setup() {
  const t = await startTestServer({ fleet: 'demo' });
  cleanups.push(() => t.close());
  const client: DockerCloudClient = await clientFor(t);
  cleanups.push(() => client.close());
  const store = new FleetStore(client, { maxFps: 50, batchDelayMs: 10 });
  cleanups.push(() => store.close());
  await store.start();
  // An nginx container: two lines a second.
  const container = await findOne(t, '/api/app/v1/container/?name=web-1') as Container;
  return { t, client, store, container };
}

function follow(client: DockerCloudClient, uri: string, options: LogFollowerOptions): LogFollower {
  const follower = new LogFollower(client, uri, options);
  cleanups.push(() => follower.close());
  return follower;
}

const asKey = (text: string, seconds: number) => `${seconds} ${text}`;

/** What the server holds of the container's log, as the follower would hold it. */
function serverLines(t: TestServer, uri: string): string[] {
  const container = t.backend.sim.world.container(uri)!;
  return t.backend.sim.logs.tail(container, 0).map((l) => asKey(l.log.replace(/\n$/, ''), Math.floor(l.time / 1000)));
}

const held = (lines: readonly LogLine[]) => lines.filter((l) => !l.gap).map((l) => asKey(l.text, l.time / 1000));

/** Every frame the server sent on any log stream of `client`, as the follower keys them (what went over the wire). */
function recordFrames(client: DockerCloudClient): Set<string> {
  const received = new Set<string>();
  const logs = client.logs.bind(client);
  client.logs = ((uri: string, options?: Parameters<typeof logs>[1]) => {
    const stream = logs(uri, options);
    stream.onFrame((f) => received.add(asKey(f.log.replace(/\n$/, ''), f.timestamp)));
    return stream;
  }) as typeof client.logs;
  return received;
}

/**
 * The follower's lines are the server's, in the server's order, each once (a subsequence of its log: no line
 * twice, none out of order), and every line that came over the wire since the first one held is held: what a
 * resumed tail repeated was skipped, nothing else. (Lines the server itself did not send are not the follower's
 * to have: the sim drops those written while it sends a tail, before it follows.)
 */
function expectSameAsServer(t: TestServer, uri: string, follower: LogFollower, received: Set<string>): void {
  const mine = held(follower.lines);
  const theirs = serverLines(t, uri);
  const start = theirs.indexOf(mine[0]!);
  expect(start, `first line ${mine[0]} not on the server`).toBeGreaterThanOrEqual(0);
  const short = (l: string | undefined) => (l ?? '(none)').slice(0, 70);
  let at = start;
  for (const [i, line] of mine.entries()) {
    while (at < theirs.length && theirs[at] !== line) at++;
    if (at === theirs.length) {
      throw new Error(`line ${i} of ${mine.length} (${short(line)}) is twice, or out of the server's order; held before it: ${short(mine[i - 1])}`);
    }
    at++;
  }
  const window = theirs.slice(start, at);
  const holding = new Set(mine);
  const lost = window.filter((line) => received.has(line) && !holding.has(line));
  expect(lost, 'lines that came over the wire but are not held').toEqual([]);
}

/** Stops the server, waits for the follower to say so, lets the container write for `awayMs`, starts it again. */
async function outage(t: TestServer, follower: LogFollower, awayMs: number): Promise<void> {
  const port = t.server.port;
  await t.server.stopListening();
  await eventually(() => follower.connection === 'disconnected', 5000, 'disconnected');
  expect(follower.reason).toMatch(/^disconnected: .*; it resumes when the API is back$/);
  await sleep(awayMs);
  await t.server.listen(port, '127.0.0.1'); // the same port, the same users, the same world
}

describe('LogFollower', () => {
  it('resumes when the event stream is live again, and holds every line once', async () => {
    const { t, client, store, container } = await setup();
    const received = recordFrames(client);
    const follower = follow(client, container.resource_uri, { tail: 20, events: store.events });
    const changes: string[] = [];
    follower.onChange(() => changes.push(follower.connection));
    await eventually(() => follower.lines.length >= 22, 5000, 'the tail and a few live lines');
    expect(follower.connection).toBe('live');
    await outage(t, follower, 1500);
    await eventually(() => follower.connection === 'live' && follower.resumes >= 1, 10_000, 'live again');
    const before = follower.lines.length;
    await eventually(() => follower.lines.length >= before + 2, 5000, 'new lines after resuming');
    // The resumed tail (1,000 lines) reached back to what was held: no duplicate, nothing missed, no gap mark.
    expectSameAsServer(t, container.resource_uri, follower, received);
    expect(follower.lines.some((l) => l.gap)).toBe(false);
    expect(changes).toContain('disconnected');
    expect(changes.at(-1)).toBe('live');
    expect(follower.reason).toBeNull();
  });

  it('without an event stream, its own backoff brings it back', async () => {
    const { t, client, container } = await setup();
    const received = recordFrames(client);
    const follower = follow(client, container.resource_uri, { tail: 10, backoff: { baseMs: 50, capMs: 200 } });
    await eventually(() => follower.lines.length >= 10, 5000, 'the tail');
    await outage(t, follower, 800);
    await eventually(() => follower.connection === 'live' && follower.resumes >= 1, 10_000, 'live again');
    const before = follower.lines.length;
    await eventually(() => follower.lines.length > before, 5000, 'new lines');
    expectSameAsServer(t, container.resource_uri, follower, received);
  });

  it('resumes on a new server started on the same port, with the same users (over the same cloud)', async () => {
    const { t, client, store, container } = await setup();
    const received = recordFrames(client);
    const follower = follow(client, container.resource_uri, { tail: 10, events: store.events });
    await eventually(() => follower.lines.length >= 10, 5000, 'the tail');
    const port = t.server.port;
    await t.server.stopListening();
    await eventually(() => follower.connection === 'disconnected', 5000, 'disconnected');
    // Another server process, as `dctop serve --port N --user alice:…` would be: its own hub, logins, streams.
    const again = new ApiServer({ backend: t.backend, accounts: testAccounts(), rateLimit: 0 });
    await again.listen(port, '127.0.0.1');
    cleanups.push(() => again.stopListening());
    await eventually(() => follower.connection === 'live' && follower.resumes >= 1, 10_000, 'live again');
    const before = follower.lines.length;
    await eventually(() => follower.lines.length > before, 5000, 'new lines');
    expectSameAsServer(t, container.resource_uri, follower, received);
    expect(store.getSnapshot().health.state).toBe('live');
  });

  it('marks a gap when the resumed tail does not reach back to what it holds, and still holds nothing twice', async () => {
    const { t, client, store, container } = await setup();
    const received = recordFrames(client);
    const follower = follow(client, container.resource_uri, { tail: 5, resumeTail: 1, events: store.events });
    await eventually(() => follower.lines.length >= 5, 5000, 'the tail');
    await outage(t, follower, 2500); // about five lines written meanwhile; the resumed tail has one
    await eventually(() => follower.connection === 'live' && follower.lines.some((l) => l.gap), 10_000, 'a gap mark');
    const gap = follower.lines.find((l) => l.gap)!;
    expect(gap.text).toMatch(/^··· disconnected for \d+ s: lines may be missing here ···$/);
    expect(follower.lines.filter((l) => l.gap)).toHaveLength(1);
    const before = follower.lines.length;
    await eventually(() => follower.lines.length > before, 5000, 'new lines after the gap');
    expectSameAsServer(t, container.resource_uri, follower, received);
  });

  it('ends for good, saying why, when the container is terminated', async () => {
    const { client, store, container } = await setup();
    const follower = follow(client, container.resource_uri, { tail: 5, events: store.events, backoff: { baseMs: 20, capMs: 50 } });
    await eventually(() => follower.lines.length >= 5, 5000, 'the tail');
    await client.terminate(container.resource_uri);
    await eventually(() => follower.connection === 'ended', 10_000, 'ended');
    expect(follower.reason).toBe('the container was terminated');
    await sleep(500);
    expect(follower.resumes).toBe(0);
    expect(follower.connection).toBe('ended');
  });

  it('keeps at most maxLines, counting what it dropped', async () => {
    const { client, container } = await setup();
    const follower = follow(client, container.resource_uri, { tail: 50, maxLines: 10 });
    await eventually(() => follower.dropped >= 40, 5000, 'the tail, bounded');
    expect(follower.lines).toHaveLength(10);
  });
});
