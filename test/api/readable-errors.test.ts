// What the client says when the network fails is one readable phrase, said once: "connection refused", not
// "ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:80" (node's message repeats its code), and no stack.
import net, { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DockerCloudClient } from '../../src/api/client.js';
import { resolveConfig } from '../../src/api/config.js';
import { describeNetworkError, DockerCloudError } from '../../src/api/errors.js';
import type { EventStream } from '../../src/api/events.js';
import { eventually } from '../helpers/server.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function clientAt(restHost: string): Promise<DockerCloudClient> {
  const config = await resolveConfig({ restHost, user: 'u', apikey: 'k' }, { env: {} });
  const client = new DockerCloudClient(config, { retries: 0, backoff: { baseMs: 20, capMs: 100 }, connectTimeoutMs: 2000 });
  cleanups.push(() => client.close());
  return client;
}

/** Every code-like word (ECONNREFUSED, UND_ERR_SOCKET, ENOTFOUND …) appears at most once. */
function expectNoRepeatedCodes(text: string): void {
  const codes = text.match(/\b[A-Z][A-Z_]{4,}\b/g) ?? [];
  expect(new Set(codes).size, text).toBe(codes.length);
  expect(text).not.toMatch(/\n\s+at /); // no stack
}

describe('network failures, readable', () => {
  it('a closed port: REST says "connection refused" once, with the method and path', async () => {
    const port = await closedPort();
    const client = await clientAt(`http://127.0.0.1:${port}`);
    const error = await client.list('service').then(() => null, (e: unknown) => e as DockerCloudError);
    expect(error).toBeInstanceOf(DockerCloudError);
    expect(error!.kind).toBe('network');
    expect(error!.message).toBe('GET /api/app/v1/service/: connection refused');
    expect(error!.detail).toBe('connection refused');
    expectNoRepeatedCodes(error!.message);
  });

  it('a closed port: the event stream reconnects, and its health says "connection refused" once', async () => {
    const port = await closedPort();
    const client = await clientAt(`http://127.0.0.1:${port}`);
    const stream: EventStream = client.events();
    cleanups.push(() => stream.close());
    stream.start();
    await eventually(() => stream.health.state === 'reconnecting', 5000, 'reconnecting');
    const health = stream.health;
    if (health.state !== 'reconnecting') throw new Error('unreachable');
    expect(health.error).toBe('/api/audit/v1/events: connection refused');
    expect(health.cause).toBe('connection refused');
    expect(health.kind).toBe('network');
    expectNoRepeatedCodes(health.error);
  });

  it('a host that does not resolve: "host not found", once', async () => {
    const client = await clientAt('http://dctop-test.invalid:1');
    const error = await client.list('service').then(() => null, (e: unknown) => e as DockerCloudError);
    expect(error!.kind).toBe('network');
    expect(error!.message).toMatch(/^GET \/api\/app\/v1\/service\/: (host not found|name lookup failed for now)$/);
    expectNoRepeatedCodes(error!.message);
  });

  it('describeNetworkError: one phrase per code, whatever shape the error comes in', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8080'), { code: 'ECONNREFUSED' });
    expect(describeNetworkError(refused)).toBe('connection refused');
    // undici wraps node's error in `cause`; happy eyeballs gathers several in `errors`, with an empty message.
    expect(describeNetworkError(Object.assign(new TypeError('fetch failed'), { cause: refused }))).toBe('connection refused');
    expect(describeNetworkError(Object.assign(new AggregateError([refused, refused], ''), { code: 'ECONNREFUSED' }))).toBe('connection refused');
    expect(describeNetworkError(new AggregateError([refused], ''))).toBe('connection refused');
    expect(describeNetworkError(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }))).toBe('the connection closed unexpectedly');
    expect(describeNetworkError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe('connection reset');
    // A code we do not know is said once, after the message (unless the message says it already).
    expect(describeNetworkError(Object.assign(new Error('write EPROTO 1234'), { code: 'EPROTO' }))).toBe('write EPROTO 1234');
    expect(describeNetworkError(Object.assign(new Error('something odd'), { code: 'EODD' }))).toBe('something odd (EODD)');
    expect(describeNetworkError(Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' }))).toBe('TLS: certificate has expired');
    // Only the first line of a message; never a stack.
    expect(describeNetworkError(new Error('first line\n    at somewhere (file.js:1:1)'))).toBe('first line');
  });
});
