// Hostile input stays harmless: exec messages are bounded and echoed whole, so one client cannot hold the server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, findOne, openSocket, startTestServer, type TestServer } from '../helpers/server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ fleet: 'demo' });
});
afterAll(() => t.close());

describe('exec input', () => {
  it('a paste is echoed as one frame, not one per byte, and the server keeps answering', async () => {
    const c = await findOne(t, '/api/app/v1/container/?name=db-1');
    const ws = await openSocket(`${t.wsUrl}${c.resource_uri}exec/`);
    const paste = 'x'.repeat(32 * 1024);
    const started = Date.now();
    ws.send(paste);
    const res = await t.api('GET', '/api/app/v1/service/?limit=1');
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1000);
    await new Promise((r) => setTimeout(r, 200));
    const echoes = collect(ws).frames.filter((f) => f.type === 'output' && f.output.includes('x'));
    expect(echoes).toHaveLength(1);
    expect(echoes[0].output).toBe(paste);
    ws.close();
  });

  it('a message over 64 KiB closes the socket (1009) instead of being read', async () => {
    const c = await findOne(t, '/api/app/v1/container/?name=db-1');
    const ws = await openSocket(`${t.wsUrl}${c.resource_uri}exec/`);
    ws.send('y'.repeat(1024 * 1024));
    const end = await collect(ws).closed;
    expect(end.code).toBe(1009);
    expect((await t.api('GET', '/api/app/v1/service/?limit=1')).status).toBe(200);
  });
});
