// The store never lies about being fresh: an outage longer than its retention leaves no ghosts, a re-fetch that
// keeps failing is retried (and the data says stale meanwhile), and a periodic relist repairs what events missed.
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ActionHandle } from '../../src/server/backend.js';
import { FleetStore } from '../../src/store/fleet-store.js';
import { clientFor } from '../helpers/client.js';
import { eventually, findOne, startTestServer, type TestServer } from '../helpers/server.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const quietHandle: ActionHandle = {
  uri: '', log() {}, succeed() {}, fail() {}, setCancelable() {}, cancelRequested: false, canceled() {}, setObject() {},
};

describe('freshness', () => {
  it('an outage longer than the retention of terminated objects leaves no ghost Running', async () => {
    const t = await startTestServer({ fleet: 'demo' });
    cleanups.push(() => t.close());
    const client = await clientFor(t);
    const store = new FleetStore(client, { maxFps: 50, batchDelayMs: 10, terminatedRetentionMs: 300 });
    cleanups.push(() => { store.close(); return client.close(); });
    await store.start();
    const victim = await findOne(t, '/api/app/v1/container/?name=web-1');
    expect(store.getSnapshot().objects.container.get(victim.resource_uri)?.['state']).toBe('Running');
    const port = t.server.port;
    await t.server.stopListening();
    await t.backend.handlers.container!.terminate!('alice', [victim.uuid], quietHandle);
    await eventually(() => t.backend.getByUri(victim.resource_uri)?.['state'] === 'Terminated', 10_000, 'terminated on the server');
    await new Promise((r) => setTimeout(r, 600)); // longer than the store's retention
    const relists = store.stats.relists;
    await t.server.listen(port, '127.0.0.1');
    await eventually(() => store.stats.relists > relists && !store.getSnapshot().stale, 15_000, 'resynced');
    const held = store.getSnapshot().objects.container.get(victim.resource_uri);
    expect(held?.['state'] === 'Running').toBe(false);
  });

  it('a re-fetch that keeps failing is retried, and the data says stale until it succeeds', async () => {
    const t = await startTestServer({ fleet: 'demo', plainEvents: true }); // events that make the store fetch
    cleanups.push(() => t.close());
    const victim = await findOne(t, '/api/app/v1/container/?name=cache-1');
    const proxy = await failingProxy(t.url, (req) => req.method === 'GET' && req.url!.startsWith(victim.resource_uri));
    cleanups.push(() => proxy.close());
    const client = await clientFor({ ...t, url: proxy.url, wsUrl: proxy.url.replace(/^http/, 'ws') } as TestServer, 'alice', { retries: 0 });
    const store = new FleetStore(client, { maxFps: 50, batchDelayMs: 10 });
    cleanups.push(() => { store.close(); return client.close(); });
    await store.start();
    proxy.failing = true;
    const stop = await t.api('POST', `${victim.resource_uri}stop/`);
    expect(stop.status).toBeLessThan(300);
    await eventually(() => proxy.failed > 0 && store.getSnapshot().stale, 10_000, 'stale while the fetch fails');
    proxy.failing = false;
    await eventually(() => {
      const s = store.getSnapshot();
      return !s.stale && s.objects.container.get(victim.resource_uri)?.['state'] === (t.backend.getByUri(victim.resource_uri)?.['state']);
    }, 15_000, 'repaired, and fresh again');
  });

  it('relists every resyncIntervalMs while live', async () => {
    const t = await startTestServer({ fleet: 'empty' });
    cleanups.push(() => t.close());
    const client = await clientFor(t);
    const store = new FleetStore(client, { maxFps: 50, resyncIntervalMs: 200 });
    cleanups.push(() => { store.close(); return client.close(); });
    await store.start();
    const relists = store.stats.relists;
    await eventually(() => store.stats.relists >= relists + 2, 5000, 'two more relists');
  });
});

/** An HTTP proxy (websockets passed through) that answers 500 to the requests `matches` picks while failing. */
async function failingProxy(target: string, matches: (req: http.IncomingMessage) => boolean) {
  const upstream = new URL(target);
  const state = { failing: false, failed: 0 };
  const server = http.createServer((req, res) => {
    if (state.failing && matches(req)) {
      state.failed++;
      res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"injected"}');
      return;
    }
    const forward = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    req.pipe(forward);
  });
  server.on('upgrade', (req, socket, head) => {
    const up = net.connect(Number(upstream.port), upstream.hostname, () => {
      up.write(`${req.method} ${req.url} HTTP/1.1\r\n${Object.entries(req.headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`);
      up.write(head);
      socket.pipe(up).pipe(socket);
    });
    const drop = () => { socket.destroy(); up.destroy(); };
    socket.on('error', drop);
    up.on('error', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  });
}
