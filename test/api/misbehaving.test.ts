// The client against servers that misbehave on purpose: errors, retries, dropped and silent connections, paging
// with a server-side cap, malformed frames, refused handshakes, unanswered pings. Real sockets on 127.0.0.1 throughout.
import { once } from 'node:events';
import http, { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { DockerCloudClient, type ClientOptions } from '../../src/api/client.js';
import { resolveConfig } from '../../src/api/config.js';
import { DockerCloudError } from '../../src/api/errors.js';
import type { EventStream, EventStreamOptions, StreamHealth } from '../../src/api/events.js';
import type { ExecSession, LogStream } from '../../src/api/streams.js';

// ── helpers ──────────────────────────────────────────────────────────────────────────────────────────

const BACKOFF = { baseMs: 10, capMs: 50 };
const SERVICES = '/api/app/v1/service/';
const SERVICE = '/api/app/v1/service/0e7b0a3c-5bd5-4d1c-9d8c-2b3a4f5e6d70/';
const CONTAINER = '/api/app/v1/container/6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b/';
const EVENTS = '/api/audit/v1/events';

// Cleanup order: client-side streams first (no reconnects), then servers (frees in-flight requests), then clients.
const streams: { close(): void }[] = [];
const servers: (() => Promise<void>)[] = [];
const clients: DockerCloudClient[] = [];
afterEach(async () => {
  for (const stream of streams.splice(0)) stream.close();
  await Promise.all(servers.splice(0).map((close) => close()));
  await Promise.all(clients.splice(0).map((client) => client.close()));
  vi.restoreAllMocks();
});

interface Host { port: number; restHost: string; streamHost: string }

/** A real HTTP server on a loopback port; every socket is destroyed on cleanup. */
async function startServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  onUpgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => void,
): Promise<Host> {
  const server = http.createServer(handler);
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  if (onUpgrade) server.on('upgrade', onUpgrade);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  servers.push(() => new Promise<void>((resolve) => {
    for (const socket of sockets) socket.destroy();
    server.close(() => resolve());
  }));
  return { port, restHost: `http://127.0.0.1:${port}`, streamHost: `ws://127.0.0.1:${port}` };
}

interface Hit { method: string; url: string; at: number }

/** A REST server: `respond` gets each request and its 1-based number; `hits` records them all. */
async function restServer(respond: (req: IncomingMessage, res: ServerResponse, n: number) => void) {
  const hits: Hit[] = [];
  const host = await startServer((req, res) => {
    hits.push({ method: req.method ?? '', url: req.url ?? '', at: Date.now() });
    req.resume();
    req.on('end', () => respond(req, res, hits.length));
  });
  return { ...host, hits };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

const page = (objects: unknown[], meta: Partial<{ limit: number; offset: number; total_count: number }> = {}) => ({
  meta: { limit: 25, offset: 0, next: null, previous: null, total_count: objects.length, ...meta },
  objects,
});

async function makeClient(host: Pick<Host, 'restHost' | 'streamHost'>, options: ClientOptions = {}) {
  const config = await resolveConfig({ restHost: host.restHost, streamHost: host.streamHost, user: 'u', apikey: 'k' }, { env: {} });
  const client = new DockerCloudClient(config, {
    retries: 3, backoff: BACKOFF, requestTimeoutMs: 2_000, connectTimeoutMs: 1_000, handshakeTimeoutMs: 1_000,
    pingIntervalMs: 5_000, pongTimeoutMs: 2_000, ...options,
  });
  clients.push(client);
  return client;
}

/** The rejection of `promise`, which must be a DockerCloudError. */
async function failure(promise: Promise<unknown>): Promise<DockerCloudError> {
  const error = await promise.then(() => { throw new Error('expected a rejection'); }, (e: unknown) => e);
  expect(error).toBeInstanceOf(DockerCloudError);
  return error as DockerCloudError;
}

/** A port nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function eventually(check: () => boolean, what: string, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Answers an upgrade request with a plain HTTP error, as a server refusing the handshake does. */
function refuse(socket: Duplex, status: number, error: string): void {
  const body = JSON.stringify({ error });
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

interface WsServerOptions {
  autoPong?: boolean;
  /** Return a status to refuse the n-th (1-based) handshake with. */
  refuse?: (n: number, req: IncomingMessage) => number | undefined;
  onConnection?: (ws: WebSocket, req: IncomingMessage, n: number) => void;
}

/** A websocket server handling upgrades itself (noServer), so it can refuse them or skip pongs. */
async function wsServer(options: WsServerOptions = {}) {
  const wss = new WebSocketServer({ noServer: true, autoPong: options.autoPong ?? true });
  const upgrades: { url: string; authorization: string | undefined; at: number }[] = [];
  const host = await startServer((_req, res) => json(res, 404, { error: 'websocket only' }), (req, socket, head) => {
    upgrades.push({ url: req.url ?? '', authorization: req.headers.authorization, at: Date.now() });
    const n = upgrades.length;
    const status = options.refuse?.(n, req);
    if (status) return refuse(socket, status, `refused with ${status}`);
    wss.handleUpgrade(req, socket, head, (ws) => options.onConnection?.(ws, req, n));
  });
  servers.unshift(async () => {
    for (const ws of wss.clients) ws.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  });
  return { ...host, wss, upgrades };
}

/** Every health change of a stream, with the time it was seen. */
function healthLog(stream: EventStream): (StreamHealth & { seenAt: number })[] {
  const log: (StreamHealth & { seenAt: number })[] = [];
  stream.onHealth((health) => log.push({ ...health, seenAt: Date.now() }));
  return log;
}

const event = (n: number) => JSON.stringify({
  type: 'container', action: 'update', state: 'Running', parents: [], resource_uri: `/api/app/v1/container/${n}/`,
  uuid: String(n), datetime: '2016-02-01T16:47:28Z',
});

function track<T extends { close(): void }>(stream: T): T {
  streams.push(stream);
  return stream;
}

// ── REST: retries ────────────────────────────────────────────────────────────────────────────────────

describe('REST retries of GET', () => {
  it.each([503, 502, 504])('retries %i and succeeds on the third try', async (status) => {
    const server = await restServer((_req, res, n) => {
      if (n <= 2) json(res, status, { error: 'try again later' });
      else json(res, 200, page([{ resource_uri: SERVICE }]));
    });
    const client = await makeClient(server, { retries: 3 });
    const list = await client.list('service');
    expect(list.objects).toEqual([{ resource_uri: SERVICE }]);
    expect(server.hits).toHaveLength(3);
    expect(server.hits.every((h) => h.method === 'GET' && h.url === SERVICES)).toBe(true);
    expect(client.rest.requests).toBe(3);
  });

  it('on 429 waits at least Retry-After before trying again', async () => {
    const server = await restServer((_req, res, n) => {
      if (n === 1) json(res, 429, { error: 'slow down' }, { 'retry-after': '1' });
      else json(res, 200, page([]));
    });
    const client = await makeClient(server, { retries: 2 });
    const started = Date.now();
    await client.list('service');
    expect(server.hits).toHaveLength(2);
    expect(server.hits[1]!.at - server.hits[0]!.at).toBeGreaterThanOrEqual(950);
    expect(Date.now() - started).toBeLessThan(1_900); // the floor, not the floor plus a long backoff
  });

  it('retries a dropped connection', async () => {
    const server = await restServer((req, res, n) => {
      if (n === 1) req.socket.destroy();
      else json(res, 200, page([{ resource_uri: SERVICE }]));
    });
    const client = await makeClient(server, { retries: 2 });
    expect((await client.list('service')).objects).toHaveLength(1);
    expect(server.hits).toHaveLength(2);
  });

  it('gives up after 1 + retries tries with kind unavailable', async () => {
    const server = await restServer((_req, res) => json(res, 503, { error: 'down for maintenance' }));
    const client = await makeClient(server, { retries: 3 });
    const error = await failure(client.list('service'));
    expect(error.kind).toBe('unavailable');
    expect(error.status).toBe(503);
    expect(error.message).toContain('down for maintenance');
    expect(server.hits).toHaveLength(4);
  });

  it('retries: 0 means one try', async () => {
    const server = await restServer((_req, res) => json(res, 502, { error: 'bad gateway' }));
    const client = await makeClient(server, { retries: 0 });
    expect((await failure(client.list('service'))).kind).toBe('unavailable');
    expect(server.hits).toHaveLength(1);
  });
});

describe('REST mutations are never retried', () => {
  const mutations: [string, (c: DockerCloudClient) => Promise<unknown>][] = [
    ['POST (create)', (c) => c.create('service', { image: 'nginx' })],
    ['POST (operation)', (c) => c.operate(SERVICE, 'start')],
    ['PATCH', (c) => c.update(SERVICE, { target_num_containers: 2 })],
    ['DELETE', (c) => c.terminate(SERVICE)],
  ];

  it.each(mutations)('%s answered 503 rejects as unavailable after exactly one request', async (_name, call) => {
    const server = await restServer((_req, res) => json(res, 503, { error: 'unavailable' }));
    const client = await makeClient(server, { retries: 4 });
    const error = await failure(call(client));
    expect(error.kind).toBe('unavailable');
    expect(error.status).toBe(503);
    await sleep(100); // a retry would come within the 50 ms backoff cap
    expect(server.hits).toHaveLength(1);
  });

  it.each(mutations)('%s on a dropped connection rejects as network after exactly one request', async (_name, call) => {
    const server = await restServer((req) => req.socket.destroy());
    const client = await makeClient(server, { retries: 4 });
    expect((await failure(call(client))).kind).toBe('network');
    await sleep(100);
    expect(server.hits).toHaveLength(1);
  });

  it('a 429 on a mutation is not retried either', async () => {
    const server = await restServer((_req, res) => json(res, 429, { error: 'slow down' }, { 'retry-after': '0' }));
    const client = await makeClient(server, { retries: 4 });
    const error = await failure(client.update(SERVICE, {}));
    expect(error.kind).toBe('rate_limited');
    expect(error.retryAfterMs).toBe(0);
    expect(server.hits).toHaveLength(1);
  });
});

// ── REST: errors ─────────────────────────────────────────────────────────────────────────────────────

describe('REST errors', () => {
  it.each([
    [400, 'validation'], [401, 'auth'], [402, 'forbidden'], [403, 'forbidden'], [404, 'not_found'], [405, 'method'],
    [409, 'conflict'], [413, 'validation'], [415, 'validation'],
  ] as const)('%i is kind %s, keeps the server message and the status, and is not retried', async (status, kind) => {
    const server = await restServer((_req, res) => json(res, status, { error: `server says ${status}` }));
    const client = await makeClient(server, { retries: 3 });
    const error = await failure(client.get('service', '0e7b0a3c-5bd5-4d1c-9d8c-2b3a4f5e6d70'));
    expect(error.kind).toBe(kind);
    expect(error.status).toBe(status);
    expect(error.message).toContain(`server says ${status}`);
    expect(error.message).toContain(SERVICE); // names the path
    expect(error.message).not.toContain(Buffer.from('u:k').toString('base64'));
    expect(server.hits).toHaveLength(1);
  });

  it('a GET answered 500, or 200 with a body that is not JSON, is asked again, then fails with what it got', async () => {
    for (const [status, body, kind] of [[500, '{"error":"server says 500"}', 'server'], [200, '{"objects": [', 'protocol']] as const) {
      const server = await restServer((_req, res) => res.writeHead(status, { 'content-type': 'application/json' }).end(body));
      const client = await makeClient(server, { retries: 2 });
      const error = await failure(client.get('service', '0e7b0a3c-5bd5-4d1c-9d8c-2b3a4f5e6d70'));
      expect(error.kind).toBe(kind);
      expect(server.hits).toHaveLength(3);
    }
  });

  it('an error without a JSON body keeps the status', async () => {
    const server = await restServer((_req, res) => res.writeHead(500, { 'content-type': 'text/html' }).end('<h1>oops</h1>'));
    const client = await makeClient(server);
    const error = await failure(client.list('service'));
    expect(error.kind).toBe('server');
    expect(error.status).toBe(500);
    expect(error.message).toContain('HTTP 500');
  });

  it('a 200 whose body is not JSON is kind protocol', async () => {
    const server = await restServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>hi</html>'));
    const client = await makeClient(server);
    const error = await failure(client.list('service'));
    expect(error.kind).toBe('protocol');
    expect(error.status).toBe(200);
  });

  it('a server that never answers is kind timeout within requestTimeoutMs', async () => {
    const server = await restServer(() => { /* never answers */ });
    const client = await makeClient(server, { retries: 0, requestTimeoutMs: 300 });
    const started = Date.now();
    const error = await failure(client.list('service'));
    const elapsed = Date.now() - started;
    expect(error.kind).toBe('timeout');
    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(elapsed).toBeLessThan(1_300);
    expect(server.hits).toHaveLength(1);
  });

  it('a server that sends the headers and then stalls the body is kind timeout too', async () => {
    const server = await restServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"meta": {');
    });
    const client = await makeClient(server, { retries: 0, requestTimeoutMs: 300 });
    const started = Date.now();
    const error = await failure(client.list('service'));
    expect(error.kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(1_300);
  });

  it('GET retries a timeout like any other transient failure', async () => {
    const server = await restServer((_req, res, n) => {
      if (n > 1) json(res, 200, page([]));
    });
    const client = await makeClient(server, { retries: 1, requestTimeoutMs: 200 });
    await client.list('service');
    expect(server.hits).toHaveLength(2);
  });

  it('close() aborts a request to a server that stopped answering, retries nothing, and refuses what follows', async () => {
    const server = await restServer(() => { /* never answers */ });
    const client = await makeClient(server, { retries: 3, requestTimeoutMs: 10_000 });
    const pending = failure(client.list('service'));
    await eventually(() => server.hits.length === 1, 'the request to arrive');
    const started = Date.now();
    await client.close();
    const error = await pending;
    expect(error.kind).toBe('closed');
    expect(Date.now() - started).toBeLessThan(1_000);
    expect((await failure(client.list('service'))).kind).toBe('closed');
    await sleep(100);
    expect(server.hits).toHaveLength(1);
  });

  it('a closed port is kind network', async () => {
    const port = await closedPort();
    const client = await makeClient({ restHost: `http://127.0.0.1:${port}`, streamHost: `ws://127.0.0.1:${port}` },
      { retries: 1 });
    const error = await failure(client.list('service'));
    expect(error.kind).toBe('network');
    expect(error.status).toBeUndefined();
    expect(client.rest.requests).toBe(2); // retried once, then gave up
  });
});

// ── REST: paging ─────────────────────────────────────────────────────────────────────────────────────

describe('listAll', () => {
  const TOTAL = 2_345;
  const CAP = 100;

  async function pagingServer() {
    let inFlight = 0;
    let maxInFlight = 0;
    const asked: { limit: number; offset: number }[] = [];
    const server = await restServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const limit = Math.min(Number(url.searchParams.get('limit') ?? 25), CAP);
      const offset = Number(url.searchParams.get('offset') ?? 0);
      asked.push({ limit: Number(url.searchParams.get('limit')), offset });
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const objects: { resource_uri: string; n: number }[] = [];
      for (let i = offset; i < Math.min(offset + limit, TOTAL); i++) {
        objects.push({ resource_uri: `/api/app/v1/container/${i}/`, n: i });
      }
      setTimeout(() => { // long enough for the requests of parallel workers to overlap
        inFlight--;
        json(res, 200, page(objects, { limit, offset, total_count: TOTAL }));
      }, 15);
    });
    return { server, asked, maxInFlight: () => maxInFlight };
  }

  it('pages 2,345 objects through a server capping pages at 100: all of them, in order, once each, in parallel', async () => {
    const { server, asked, maxInFlight } = await pagingServer();
    const client = await makeClient(server, { pageConcurrency: 3 });
    const all = (await client.listAll('container')) as unknown as { n: number; resource_uri: string }[];

    expect(all).toHaveLength(TOTAL);
    expect(all.map((o) => o.n)).toEqual(Array.from({ length: TOTAL }, (_, i) => i));
    expect(new Set(all.map((o) => o.resource_uri)).size).toBe(TOTAL);

    expect(asked[0]).toEqual({ limit: 1000, offset: 0 }); // asks for a large page first
    expect(server.hits).toHaveLength(Math.ceil(TOTAL / CAP)); // then follows the server's page size
    expect(asked.slice(1).every((a) => a.limit === CAP && a.offset % CAP === 0)).toBe(true);
    expect(maxInFlight()).toBeGreaterThan(1);
    expect(maxInFlight()).toBeLessThanOrEqual(3);
  });

  it('with pageConcurrency 1 the pages run one at a time', async () => {
    const { server, maxInFlight } = await pagingServer();
    const client = await makeClient(server, { pageConcurrency: 1 });
    expect(await client.listAll('container')).toHaveLength(TOTAL);
    expect(maxInFlight()).toBe(1);
  });
});

// ── Stream API: events ───────────────────────────────────────────────────────────────────────────────

describe('events', () => {
  it('connects to the events path with the credential', async () => {
    const server = await wsServer();
    const client = await makeClient(server);
    const stream = track(client.events());
    stream.start();
    await eventually(() => stream.health.state === 'live', 'live');
    expect(server.upgrades).toHaveLength(1);
    expect(new URL(server.upgrades[0]!.url, 'ws://x').pathname).toBe(EVENTS);
    expect(server.upgrades[0]!.authorization).toBe(client.config.authorization);
  });

  it('counts and skips malformed frames, ignores auth frames, and still delivers valid events', async () => {
    const server = await wsServer({
      onConnection: (ws) => {
        ws.send(event(1));
        ws.send('this is not json');
        ws.send(JSON.stringify({ type: 'container', action: 'update' })); // no resource_uri
        ws.send(JSON.stringify({ resource_uri: '/api/app/v1/container/9/' })); // no type
        ws.send('42');
        ws.send(JSON.stringify({ type: 'auth' }));
        ws.send(event(2));
      },
    });
    const client = await makeClient(server);
    const stream = track(client.events());
    const received: string[] = [];
    stream.onEvent((e) => received.push(e.resource_uri));
    stream.start();
    await eventually(() => received.length === 2, 'two events');
    await sleep(20);
    expect(received).toEqual(['/api/app/v1/container/1/', '/api/app/v1/container/2/']);
    expect(stream.malformedFrames).toBe(4);
    expect(stream.health.state).toBe('live');
  });

  it('a JSON null frame is counted as malformed, not thrown', async () => {
    const server = await wsServer({
      onConnection: (ws) => {
        ws.send('null');
        ws.send(event(1));
      },
    });
    const client = await makeClient(server);
    const stream = track(client.events());
    const received: string[] = [];
    stream.onEvent((e) => received.push(e.resource_uri));
    stream.start();
    await eventually(() => received.length === 1, 'one event', 1_000);
    expect(stream.malformedFrames).toBe(1);
  });

  it('keeps the last error frame of the server', async () => {
    const server = await wsServer({
      onConnection: (ws) => ws.send(JSON.stringify({ type: 'error', data: { errorMessage: 'namespace gone' } })),
    });
    const client = await makeClient(server);
    const stream = track(client.events());
    stream.start();
    await eventually(() => stream.lastServerError !== null, 'an error frame');
    expect(stream.lastServerError).toBe('namespace gone');
    expect(stream.malformedFrames).toBe(0);
  });

  it('a handshake answered 401 means auth_failed, and no further attempt before authRetryMs (a minute)', async () => {
    const server = await wsServer({ refuse: () => 401 });
    const client = await makeClient(server);
    const stream = track(client.events());
    const health = healthLog(stream);
    stream.start();
    await eventually(() => stream.health.state === 'auth_failed', 'auth_failed');
    await sleep(300); // with a 10–50 ms backoff, a retry would have come several times by now
    expect(server.upgrades).toHaveLength(1);
    expect(stream.health).toMatchObject({ state: 'auth_failed', attempt: 1, delayMs: 60_000, error: expect.stringContaining('refused with 401') });
    expect(health.map((h) => h.state)).toEqual(['connecting', 'auth_failed']);
  });

  it('a handshake answered 503 is retried with the backoff', async () => {
    const server = await wsServer({ refuse: (n) => (n <= 2 ? 503 : undefined) });
    const client = await makeClient(server);
    const stream = track(client.events());
    stream.start();
    await eventually(() => stream.health.state === 'live', 'live after two refusals', 5_000);
    expect(server.upgrades).toHaveLength(3);
  });

  it('reconnects when the server closes the socket, and says so', async () => {
    const server = await wsServer({
      onConnection: (ws, _req, n) => {
        if (n === 1) setTimeout(() => ws.close(1001, 'going away'), 30);
        else ws.send(event(n));
      },
    });
    const client = await makeClient(server);
    const stream = track(client.events());
    const health = healthLog(stream);
    const connected: boolean[] = [];
    stream.onConnected((reconnected) => connected.push(reconnected));
    const received: string[] = [];
    stream.onEvent((e) => received.push(e.resource_uri));
    stream.start();
    await eventually(() => received.length === 1, 'an event on the second connection', 5_000);

    expect(server.upgrades).toHaveLength(2);
    expect(connected).toEqual([false, true]);
    expect(health.map((h) => h.state)).toEqual(['connecting', 'live', 'reconnecting', 'connecting', 'live']);
    const reconnecting = health[2]!;
    if (reconnecting.state !== 'reconnecting') throw new Error('unreachable');
    expect(reconnecting.attempt).toBe(1);
    expect(reconnecting.error).toContain('1001');
    expect(reconnecting.nextAttemptAt).toBeGreaterThanOrEqual(reconnecting.seenAt);
    // The second connection comes no earlier than announced.
    expect(server.upgrades[1]!.at).toBeGreaterThanOrEqual(reconnecting.nextAttemptAt - 5);
    expect(stream.health.state).toBe('live');
  });

  it('terminates and reconnects when the server does not answer pings', async () => {
    const PING = 60;
    const PONG = 120;
    const closedAt: number[] = [];
    const server = await wsServer({
      autoPong: false,
      onConnection: (ws) => ws.on('close', () => closedAt.push(Date.now())),
    });
    const client = await makeClient(server, { pingIntervalMs: PING, pongTimeoutMs: PONG });
    const stream = track(client.events());
    const health = healthLog(stream);
    stream.start();
    await eventually(() => server.upgrades.length === 2, 'a second connection', 5_000);

    const firstLive = health.find((h) => h.state === 'live')!;
    expect(closedAt.length).toBeGreaterThanOrEqual(1);
    // Not before a ping went unanswered for pongTimeoutMs.
    expect(closedAt[0]! - firstLive.seenAt).toBeGreaterThanOrEqual(PING + PONG - 10);
    expect(health.map((h) => h.state).slice(0, 4)).toEqual(['connecting', 'live', 'reconnecting', 'connecting']);
  });

  it('stays connected to a server that answers pings', async () => {
    const server = await wsServer({ autoPong: true });
    const client = await makeClient(server, { pingIntervalMs: 30, pongTimeoutMs: 60 });
    const stream = track(client.events());
    stream.start();
    await eventually(() => stream.health.state === 'live', 'live');
    await sleep(300); // ten pings
    expect(stream.health.state).toBe('live');
    expect(server.upgrades).toHaveLength(1);
  });

  describe('reconnect backoff against a closed port', () => {
    /** The announced delays of the first `count` reconnects. */
    async function delays(count: number, options: EventStreamOptions = {}): Promise<number[]> {
      const port = await closedPort();
      const client = await makeClient({ restHost: `http://127.0.0.1:${port}`, streamHost: `ws://127.0.0.1:${port}` });
      const stream = track(client.events(options));
      const found: number[] = [];
      stream.onHealth((health) => {
        // The delay the backoff chose (measuring nextAttemptAt against the clock would add the machine's load).
        if (health.state === 'reconnecting') found.push(health.delayMs);
      });
      stream.start();
      // Stop early when a delay is beyond the cap: the test has failed already, and the next one would be longer.
      await eventually(() => found.length >= count || found.some((d) => d > BACKOFF.capMs + 5), `${count} retries`, 8_000);
      stream.close();
      return found.slice(0, count);
    }

    it('follows the backoff option the client was made with: every delay within [0, capMs]', async () => {
      const found = await delays(8);
      for (const delay of found) {
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(BACKOFF.capMs + 2);
      }
      expect(found.length).toBeGreaterThanOrEqual(8);
    });

    it('the delay ceiling doubles per failure up to the cap (jitter pinned to its maximum)', async () => {
      vi.spyOn(Math, 'random').mockReturnValue(1);
      const found = await delays(6, { backoff: BACKOFF });
      const expected = [10, 20, 40, 50, 50, 50];
      expect(found).toHaveLength(6);
      found.forEach((delay, i) => {
        expect(delay).toBeGreaterThanOrEqual(expected[i]! - 2);
        expect(delay).toBeLessThanOrEqual(expected[i]!);
      });
    });

    it('with real jitter every delay stays within [0, capMs] and the stream keeps trying', async () => {
      const found = await delays(10, { backoff: BACKOFF });
      expect(found).toHaveLength(10);
      for (const delay of found) {
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(BACKOFF.capMs);
      }
    });
  });
});

// ── Stream API: logs and exec ────────────────────────────────────────────────────────────────────────

const logFrame = (n: number) => JSON.stringify({ type: 'log', log: `line ${n}\n`, streamType: 'stdout', timestamp: 1433779324 + n });

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const frames: T[] = [];
  for await (const frame of stream) frames.push(frame);
  return frames;
}

describe('LogStream', () => {
  it('iterates the frames, skips malformed ones, and ends with the server\'s reason', async () => {
    const server = await wsServer({
      onConnection: (ws) => {
        ws.send(logFrame(1));
        ws.send('garbage');
        ws.send(logFrame(2));
        ws.send(JSON.stringify({ type: 'log' })); // no text
        ws.send(logFrame(3));
        ws.close(1000, 'end of log');
      },
    });
    const client = await makeClient(server);
    const logs: LogStream = track(client.logs(CONTAINER, { tail: 5, follow: false }));
    const frames = await collect(logs);

    expect(frames.map((f) => f.log)).toEqual(['line 1\n', 'line 2\n', 'line 3\n']);
    expect(logs.malformedFrames).toBe(2);
    const ended = await logs.ended;
    expect(ended.reason).toBe('end of log');
    expect(ended.code).toBe(1000);
    expect(ended.error).toBeUndefined();

    const url = new URL(server.upgrades[0]!.url, 'ws://x');
    expect(url.pathname).toBe(`${CONTAINER}logs/`);
    expect(url.searchParams.get('tail')).toBe('5');
    expect(url.searchParams.get('follow')).toBe('false');
    expect(server.upgrades[0]!.authorization).toBe(client.config.authorization);
  });

  it('close() from the client ends the iteration with "closed by client" and closes the socket', async () => {
    let serverSaw: { code: number; reason: string } | null = null;
    const server = await wsServer({
      onConnection: (ws) => {
        ws.on('close', (code, reason) => (serverSaw = { code, reason: reason.toString() }));
        ws.send(logFrame(1)); // and keeps following
      },
    });
    const client = await makeClient(server);
    const logs = track(client.logs(CONTAINER, { follow: true }));
    const frames = [];
    for await (const frame of logs) {
      frames.push(frame);
      logs.close();
    }
    expect(frames).toHaveLength(1);
    expect((await logs.ended).reason).toBe('closed by client');
    await eventually(() => serverSaw !== null, 'the server to see the close');
    expect(serverSaw).toEqual({ code: 1000, reason: 'closed by client' });
  });

  it('close() cuts off a peer that does not answer the close within a couple of seconds (not ws\'s 30)', async () => {
    const server = await wsServer({
      onConnection: (ws) => {
        ws.send(logFrame(1));
        (ws as unknown as { _socket: net.Socket })._socket.pause(); // reads nothing more: the close frame goes unanswered
      },
    });
    const client = await makeClient(server);
    const logs = track(client.logs(CONTAINER, { follow: true }));
    await eventually(() => (logs as unknown as { ws: WebSocket }).ws.readyState === 1, 'open');
    const started = Date.now();
    logs.close();
    await eventually(() => (logs as unknown as { ws: WebSocket }).ws.readyState === 3, 'the socket closed', 4_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
    expect((await logs.ended).reason).toBe('closed by client');
  });

  it('a 404 handshake ends it with a not_found error', async () => {
    const server = await wsServer({ refuse: () => 404 });
    const client = await makeClient(server);
    const logs = track(client.logs(CONTAINER));
    expect(await collect(logs)).toEqual([]);
    const ended = await logs.ended;
    expect(ended.error).toBeInstanceOf(DockerCloudError);
    expect((ended.error as DockerCloudError).kind).toBe('not_found');
    expect((ended.error as DockerCloudError).status).toBe(404);
    expect(ended.reason).toContain('refused with 404');
  });

  it('an error frame ends it with a server error', async () => {
    const server = await wsServer({
      onConnection: (ws) => {
        ws.send(logFrame(1));
        ws.send(JSON.stringify({ type: 'error', data: { errorMessage: 'container is gone' } }));
      },
    });
    const client = await makeClient(server);
    const logs = track(client.logs(CONTAINER));
    expect(await collect(logs)).toHaveLength(1);
    const ended = await logs.ended;
    expect(ended.reason).toBe('container is gone');
    expect((ended.error as DockerCloudError).kind).toBe('server');
  });

  it('a closed port ends it with a network error', async () => {
    const port = await closedPort();
    const client = await makeClient({ restHost: `http://127.0.0.1:${port}`, streamHost: `ws://127.0.0.1:${port}` });
    const logs = track(client.logs(CONTAINER));
    expect(await collect(logs)).toEqual([]);
    expect(((await logs.ended).error as DockerCloudError).kind).toBe('network');
  });
});

describe('ExecSession', () => {
  it('sends raw text, iterates output frames, and ends with the server\'s reason', async () => {
    const received: { text: string; binary: boolean }[] = [];
    const server = await wsServer({
      onConnection: (ws) => {
        ws.on('message', (data, isBinary) => {
          const text = data.toString();
          received.push({ text, binary: isBinary });
          ws.send(JSON.stringify({ type: 'output', output: `you said ${text}`, streamType: 'stdout' }));
          if (text.endsWith('\u0004')) ws.close(1000, 'exit 0');
        });
      },
    });
    const client = await makeClient(server);
    const session: ExecSession = track(client.exec(CONTAINER, 'cat'));
    await session.write('echo hi\n');
    await session.write('bye\u0004');
    const frames = await collect(session);

    expect(received).toEqual([{ text: 'echo hi\n', binary: false }, { text: 'bye\u0004', binary: false }]);
    expect(frames.map((f) => f.output)).toEqual(['you said echo hi\n', 'you said bye\u0004']);
    expect((await session.ended).reason).toBe('exit 0');
    const url = new URL(server.upgrades[0]!.url, 'ws://x');
    expect(url.pathname).toBe(`${CONTAINER}exec/`);
    expect(url.searchParams.get('command')).toBe('cat');
  });

  it('skips frames that are not output', async () => {
    const server = await wsServer({
      onConnection: (ws) => {
        ws.send(JSON.stringify({ type: 'log', log: 'not exec output' }));
        ws.send(JSON.stringify({ type: 'output', output: 'ok\n', streamType: 'stdout' }));
        ws.close(1000, 'exit 1');
      },
    });
    const client = await makeClient(server);
    const session = track(client.exec(CONTAINER));
    expect((await collect(session)).map((f) => f.output)).toEqual(['ok\n']);
    expect(session.malformedFrames).toBe(1);
    expect((await session.ended).reason).toBe('exit 1');
    expect(new URL(server.upgrades[0]!.url, 'ws://x').searchParams.get('command')).toBe('sh');
  });
});
