// The client's metrics() subscription against the real server over loopback: frames for the set, a set changed
// or kept, a reconnect after the server went away (the set sent again), and an API without the extension.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DockerCloudClient } from '../../src/api/client.js';
import type { MetricsState } from '../../src/api/index.js';
import type { MetricsFrame } from '../../src/domain/index.js';
import { clientFor } from '../helpers/client.js';
import { eventually, startTestServer, type TestServer } from '../helpers/server.js';

let t: TestServer;
let client: DockerCloudClient;
beforeAll(async () => {
  t = await startTestServer({ fleet: 'demo' });
  client = await clientFor(t);
});
afterAll(async () => {
  await client.close();
  await t.close();
});

const running = () => t.backend.sim.world.containers('alice').filter((c) => c.state === 'Running');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('client.metrics()', () => {
  it('reports the set it is given, changes with it, and does not resend the same set', async () => {
    const frames: MetricsFrame[] = [];
    const states: MetricsState['state'][] = [];
    const m = client.metrics({ interval: 1, onFrame: (f) => frames.push(f), onState: (s) => states.push(s.state) });
    try {
      const [a, b] = running();
      m.set([a!.resource_uri]);
      await eventually(() => frames.length > 0, 5000, 'a frame');
      expect(Object.keys(frames[0]!.metrics)).toEqual([a!.resource_uri]);
      expect(states.slice(0, 2)).toEqual(['connecting', 'live']);
      const calls = t.server.metrics.sampleCalls;
      m.set([a!.resource_uri]); // the same set: no message, so no extra sample at once
      m.set([a!.resource_uri, a!.resource_uri]);
      await sleep(100);
      expect(t.server.metrics.sampleCalls).toBe(calls);
      m.set([b!.resource_uri, a!.resource_uri]);
      await eventually(() => Object.keys(frames.at(-1)!.metrics).length === 2, 5000, 'both');
      m.set([]);
      await sleep(200);
      const count = frames.length;
      await sleep(1500);
      expect(frames.length).toBe(count);
      expect(() => m.set(Array.from({ length: 2001 }, (_, i) => `/api/app/v1/container/${i}/`))).toThrow(/at most 2000/);
    } finally {
      m.close();
    }
    expect(states.at(-1)).toBe('closed');
  });

  it('reconnects after the server went away and came back on the same port, and sends its set again', async () => {
    const frames: MetricsFrame[] = [];
    const states: MetricsState[] = [];
    const m = client.metrics({ interval: 1, onFrame: (f) => frames.push(f), onState: (s) => states.push(s) });
    try {
      const c = running()[0]!;
      m.set([c.resource_uri]);
      await eventually(() => frames.length > 0, 5000, 'a frame');
      const port = t.server.port;
      await t.server.stopListening();
      await eventually(() => states.at(-1)?.state === 'reconnecting', 5000, 'reconnecting');
      const before = frames.length;
      await sleep(300);
      await t.server.listen(port, '127.0.0.1');
      await eventually(() => frames.length > before, 8000, 'frames again');
      expect(frames.at(-1)!.metrics[c.resource_uri]).toBeDefined();
      expect(states.filter((s) => s.state === 'live').length).toBeGreaterThanOrEqual(2);
    } finally {
      m.close();
    }
  });

  it('says once that an API without the extension has no metrics, and does not retry', async () => {
    let handshakes = 0;
    const other = createServer((_req, res) => res.writeHead(404).end());
    other.on('upgrade', (_req, socket) => {
      handshakes++;
      const body = JSON.stringify({ error: 'Not found' });
      socket.end(`HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    const port = (other.address() as AddressInfo).port;
    const remote = await clientFor({ ...t, url: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}` });
    const states: MetricsState[] = [];
    const m = remote.metrics({ onFrame: () => {}, onState: (s) => states.push(s) });
    m.set([running()[0]!.resource_uri]);
    await eventually(() => states.at(-1)?.state === 'unsupported', 5000, 'unsupported');
    await sleep(500);
    expect(handshakes).toBe(1);
    expect(states.map((s) => s.state)).toEqual(['connecting', 'unsupported']);
    expect((states[1] as { error: string }).error).toMatch(/no metrics/);
    m.close();
    await remote.close();
    await new Promise((r) => other.close(r));
  });

  it('is refused, not retried, for a bad interval', async () => {
    const states: MetricsState[] = [];
    const m = client.metrics({ interval: 0, onFrame: () => {}, onState: (s) => states.push(s) });
    await eventually(() => states.at(-1)?.state === 'refused', 5000, 'refused');
    expect((states.at(-1) as { error: string }).error).toMatch(/interval/);
    m.close();
  });
});
