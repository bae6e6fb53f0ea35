// Test harness: a real `dctop serve` (sim backend) on a loopback port, and small HTTP/websocket clients for it.
import WebSocket from 'ws';
import { ApiServer } from '../../src/server/api-server.js';
import { createAccounts, type Accounts } from '../../src/server/auth.js';
import type { Backend } from '../../src/server/backend.js';
import type { FleetSpec } from '../../src/server/sim/fleet.js';
import { SimBackend } from '../../src/server/sim/sim-backend.js';

export interface ServedApi {
  url: string;
  wsUrl: string;
  server: ApiServer;
  /** REST as `user` (default: alice). */
  api(method: string, path: string, body?: unknown, options?: RequestOptions): Promise<ApiResponse>;
  close(): Promise<void>;
}

export interface TestServer extends ServedApi {
  backend: SimBackend;
}

export interface RequestOptions { user?: string; key?: string; headers?: Record<string, string>; rawBody?: string }
export interface ApiResponse { status: number; body: any; headers: Headers }

export const USERS: Record<string, string> = { alice: 'alice-key', bob: 'bob-key', carol: 'carol-key' };

export function basic(user: string, key = USERS[user] ?? ''): string {
  return `Basic ${Buffer.from(`${user}:${key}`).toString('base64')}`;
}

export async function startTestServer(options: {
  fleet?: FleetSpec; speed?: number; seed?: number; rateLimit?: number; churn?: number; actionsPerUser?: number;
  /** Events without their object (the reference alone, as other APIs speak it). */
  plainEvents?: boolean;
} = {}): Promise<TestServer> {
  // Fast enough for tests, slow enough that transitional states are observable.
  const backend = new SimBackend({ seed: options.seed ?? 42, speed: options.speed ?? 50 });
  const served = await serve(backend, testAccounts(), options.rateLimit ?? 0, options.actionsPerUser, !options.plainEvents);
  const { server, url } = served;
  backend.setApiBase(url);
  backend.populate('alice', options.fleet ?? 'demo');
  if (options.churn) backend.startChurn('alice', options.churn);
  const close = async () => {
    // Every change must reach the serialization cache: a stale entry here means a mutation without world.touch().
    const stale = [];
    for (const namespace of backend.sim.world.namespaces()) {
      for (const kind of ['nodecluster', 'node', 'stack', 'service', 'container', 'repository'] as const) {
        for (const object of backend.list(kind, namespace)) if (server.json.isStale(object)) stale.push(object.resource_uri);
      }
    }
    await server.close();
    if (stale.length) throw new Error(`stale serializations (a change without world.touch): ${stale.join(', ')}`);
  };
  return { ...served, backend, close };
}

/** alice, bob and carol, and the organisation acme of alice and bob. */
export function testAccounts(): Accounts {
  return createAccounts(Object.entries(USERS).map(([u, k]) => `${u}:${k}`), ['acme:alice,bob']);
}

/** The API server over any backend, on a free loopback port, with a REST helper. */
export async function serve(backend: Backend, accounts: Accounts, rateLimit = 0, actionsPerUser?: number, eventObjects = true): Promise<ServedApi> {
  const server = new ApiServer({ backend, accounts, rateLimit, eventObjects, ...(actionsPerUser ? { actionsPerUser } : {}) });
  const url = await server.listen(0, '127.0.0.1');
  const api = async (method: string, path: string, body?: unknown, o: RequestOptions = {}): Promise<ApiResponse> => {
    const headers: Record<string, string> = { Accept: 'application/json', ...o.headers };
    if (o.user !== '') headers['Authorization'] = basic(o.user ?? 'alice', o.key);
    let payload: string | undefined = o.rawBody;
    if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['Content-Type'] ??= 'application/json';
    }
    const res = await fetch(url + path, { method, headers, body: payload });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // leave as text
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
  return { url, wsUrl: url.replace(/^http/, 'ws'), server, api, close: () => server.close() };
}

/** Polls until `check` returns a truthy value (state changes take simulated time). */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 8000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

interface Collected { frames: any[]; closed: Promise<{ code: number; reason: string }> }
const collectors = new WeakMap<WebSocket, Collected>();

/**
 * Opens a websocket with Basic auth (or none); resolves once open, or rejects with the handshake status.
 * Frames are collected from the start: a server may send them in the same packet as the handshake.
 */
export function openSocket(url: string, user: string | null = 'alice'): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, user ? { headers: { Authorization: basic(user) } } : {});
    const frames: any[] = [];
    ws.on('message', (data) => frames.push(JSON.parse(data.toString())));
    const closed = new Promise<{ code: number; reason: string }>((done) =>
      ws.on('close', (code, reason) => done({ code, reason: reason.toString() })));
    collectors.set(ws, { frames, closed });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
    ws.once('error', reject);
  });
}

/** Every JSON frame the socket received since it was opened, and its close. */
export function collect(ws: WebSocket): Collected {
  return collectors.get(ws)!;
}

/** The first object of a filtered list. */
export async function findOne(t: ServedApi, path: string): Promise<any> {
  const res = await t.api('GET', path);
  if (res.status !== 200 || !res.body.objects?.length) throw new Error(`nothing at ${path}: ${res.status}`);
  return res.body.objects[0];
}

/** Waits for an action to finish and returns it. */
export async function settled(t: ServedApi, actionUri: string): Promise<any> {
  return eventually(async () => {
    const res = await t.api('GET', actionUri);
    return ['Success', 'Failed', 'Canceled'].includes(res.body.state) ? res.body : undefined;
  }, 10000, `action ${actionUri}`);
}
