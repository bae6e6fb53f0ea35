// Hostile input stays harmless: exec messages are bounded and echoed whole, so one client cannot hold the server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, eventually, findOne, openSocket, startTestServer, type TestServer } from '../helpers/server.js';

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

describe('logins and streams', () => {
  it('wrong keys are slowed: after 20 for a user (or an address), 429 with Retry-After, on REST and handshakes', async () => {
    const own = await startTestServer({ fleet: 'empty' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 25; i++) statuses.push((await own.api('GET', '/api/app/v1/service/', undefined, { user: 'carol', key: `wrong-${i}` })).status);
      expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
      expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
      const blocked = await own.api('GET', '/api/app/v1/service/', undefined, { user: 'carol', key: 'nope' });
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
      await expect(openSocket(`${own.wsUrl}/api/audit/v1/events`, null)).rejects.toMatchObject({ status: 429 });
    } finally {
      await own.close();
    }
  });

  it('a peer that resets its connection during a refused handshake is no error of the server, which goes on', async () => {
    const { connect } = await import('node:net');
    const port = Number(new URL(t.url).port);
    for (let i = 0; i < 20; i++) {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => {});
      await new Promise((r) => socket.once('connect', r));
      socket.write('GET /api/audit/v1/events HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nAuthorization: Basic bm86bm8=\r\n\r\n');
      socket.resetAndDestroy(); // RST, while the server answers 401
    }
    await new Promise((r) => setTimeout(r, 300));
    expect((await t.api('GET', '/api/app/v1/stack/')).status).toBe(200);
  });

  it('a 401 carries the challenge', async () => {
    const res = await t.api('GET', '/api/app/v1/service/', undefined, { user: 'bob', key: 'not-bobs' });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic /);
  });

  it('one user may hold 64 streams; the next handshake is refused with 429', async () => {
    const own = await startTestServer({ fleet: 'empty' });
    const sockets = [];
    try {
      for (let i = 0; i < 64; i++) sockets.push(await openSocket(`${own.wsUrl}/api/audit/v1/events`, 'bob'));
      await expect(openSocket(`${own.wsUrl}/api/audit/v1/events`, 'bob')).rejects.toMatchObject({ status: 429 });
      expect((await openSocket(`${own.wsUrl}/api/audit/v1/events`, 'alice')).readyState).toBe(1); // others are not affected
      sockets.pop()!.close();
      await new Promise((r) => setTimeout(r, 100));
      sockets.push(await openSocket(`${own.wsUrl}/api/audit/v1/events`, 'bob'));
    } finally {
      for (const s of sockets) s.close();
      await own.close();
    }
  });

  it('handshakes count against the rate limit', async () => {
    const own = await startTestServer({ fleet: 'empty', rateLimit: 5 });
    try {
      const results = await Promise.allSettled(Array.from({ length: 12 }, () => openSocket(`${own.wsUrl}/api/audit/v1/events`, 'alice')));
      const refused = results.filter((r) => r.status === 'rejected' && (r.reason as { status?: number }).status === 429);
      expect(refused.length).toBeGreaterThan(0);
      for (const r of results) if (r.status === 'fulfilled') r.value.close();
    } finally {
      await own.close();
    }
  });
});

describe('bounds and HTTP details', () => {
  it('a trigger cannot scale a service past 1,000 containers', async () => {
    const svc = (await t.api('POST', '/api/app/v1/service/', { image: 'nginx', name: 'big', target_num_containers: 995 })).body;
    const trigger = (await t.api('POST', `${svc.resource_uri}trigger/`, { name: 'up', operation: 'SCALEUP' })).body;
    const call = (n: number) => fetch(`${t.url}${svc.resource_uri}trigger/${trigger.uuid}/call/${n}/`, { method: 'POST' });
    expect((await call(10)).status).toBe(400);
    const body = await (await call(50)).json() as { error: string };
    expect(body.error).toMatch(/at most 1000/);
  });

  it('strings and lists have bounds, answered with a 400 naming the field', async () => {
    const long = await t.api('POST', '/api/app/v1/service/', { image: 'nginx', name: 'x1', nickname: 'n'.repeat(70_000) });
    expect(long.status).toBe(400);
    expect(long.body.error).toMatch(/'nickname': longer than 65536/);
    const many = await t.api('POST', '/api/app/v1/service/', { image: 'nginx', name: 'x2', container_envvars: Array.from({ length: 1500 }, (_, i) => ({ key: `K${i}`, value: 'v' })) });
    expect(many.status).toBe(400);
    expect(many.body.error).toMatch(/'container_envvars': more than 1000/);
  });

  it('a body nested 10,000 deep is a 400, not a 500', async () => {
    const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    const res = await t.api('POST', '/api/app/v1/service/', undefined, { rawBody: deep, headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/nested deeper/);
  });

  it('HEAD answers as GET does, without a body; a malformed request gets a JSON 400', async () => {
    const head = await fetch(`${t.url}/api/app/v1/service/`, { method: 'HEAD', headers: { Authorization: `Basic ${Buffer.from('alice:alice-key').toString('base64')}` } });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const { connect } = await import('node:net');
    const { port } = new URL(t.url);
    const answer = await new Promise<string>((resolve) => {
      const s = connect(Number(port), '127.0.0.1', () => s.write('GET / HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n'));
      let text = '';
      s.on('data', (d) => (text += d));
      s.on('close', () => resolve(text));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(answer).toMatch(/\{"error":"Bad request: malformed HTTP"\}/);
  });
});

describe('quotas', () => {
  it("a namespace's clusters may ask for 200 nodes in all; more is a 400 naming the field", async () => {
    const own = await startTestServer({ fleet: 'empty' });
    try {
      const body = (name: string, n: number) => ({ name, node_type: '/api/infra/v1/nodetype/digitalocean/1gb/', region: '/api/infra/v1/region/digitalocean/lon1/', target_num_nodes: n });
      expect((await own.api('POST', '/api/infra/v1/nodecluster/', body('a', 150))).status).toBe(201);
      const over = await own.api('POST', '/api/infra/v1/nodecluster/', body('b', 60));
      expect(over.status).toBe(400);
      expect(over.body.error).toMatch(/'target_num_nodes'.*quota is 200/);
      const a = (await own.api('GET', '/api/infra/v1/nodecluster/?name=a')).body.objects[0];
      expect((await own.api('PATCH', a.resource_uri, { target_num_nodes: 201 })).status).toBe(400);
      expect((await own.api('PATCH', a.resource_uri, { target_num_nodes: 200 })).status).toBeLessThan(300);
    } finally {
      await own.close();
    }
  });
});

describe('streams take what they are for', () => {
  it('an events or logs socket that is sent a message closes (1008)', async () => {
    const events = await openSocket(`${t.wsUrl}/api/audit/v1/events`);
    events.send('hello');
    expect((await collect(events).closed).code).toBe(1008);
    const c = await findOne(t, '/api/app/v1/container/?name=db-1');
    const logs = await openSocket(`${t.wsUrl}${c.resource_uri}logs/`);
    logs.send('hello');
    expect((await collect(logs).closed).code).toBe(1008);
  });

  it('a message of thousands of commands is answered in few frames, and the server keeps answering meanwhile', async () => {
    const c = await findOne(t, '/api/app/v1/container/?name=db-1');
    const ws = await openSocket(`${t.wsUrl}${c.resource_uri}exec/`);
    await new Promise((r) => setTimeout(r, 100));
    const before = collect(ws).frames.length;
    ws.send('echo hi\n'.repeat(8000)); // 64,000 bytes
    const started = Date.now();
    expect((await t.api('GET', '/api/app/v1/service/?limit=1')).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1000);
    await new Promise((r) => setTimeout(r, 1500));
    const frames = collect(ws).frames.length - before;
    expect(frames).toBeGreaterThan(0);
    expect(frames).toBeLessThan(100); // not one per command (8,000) or per byte (64,000)
    ws.close();
  });
});

describe('container quota', () => {
  it("a namespace's services may ask for 20,000 containers in all through the API", async () => {
    const own = await startTestServer({ fleet: 'empty' });
    try {
      const make = (name: string, n: number) => own.api('POST', '/api/app/v1/service/', { image: 'nginx', name, target_num_containers: n });
      for (let i = 0; i < 20; i++) expect((await make(`s${i}`, 1000)).status).toBe(201);
      const over = await make('one-more', 1);
      expect(over.status).toBe(400);
      expect(over.body.error).toMatch(/quota is 20000/);
      const first = (await own.api('GET', '/api/app/v1/service/?name=s0')).body.objects[0];
      expect((await own.api('PATCH', first.resource_uri, { target_num_containers: 999 })).status).toBe(200); // fewer is fine
      expect((await own.api('PATCH', first.resource_uri, { target_num_containers: 1000 })).status).toBe(200); // back to the quota
      expect((await own.api('PATCH', first.resource_uri, { target_num_containers: 1001 })).status).toBe(400);
    } finally {
      await own.close();
    }
  });
});

describe('slow readers and clients that go away', () => {
  it('an events subscriber that stops reading is cut within seconds under churn', async () => {
    const own = await startTestServer({ fleet: 500, churn: 3000, seed: 3 });
    try {
      const ws = await openSocket(`${own.wsUrl}/api/audit/v1/events`);
      expect(own.server.hub.subscriberCount()).toBe(1);
      (ws as unknown as { _socket: { pause(): void } })._socket.pause(); // reads nothing more
      await eventually(() => own.server.hub.subscriberCount() === 0, 30_000, 'the subscriber cut');
      ws.terminate();
    } finally {
      await own.close();
    }
  }, 40_000);

  it('a client that disconnects in the middle of its body is no internal error', async () => {
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void errors.push(args);
    try {
      const { connect } = await import('node:net');
      const { port } = new URL(t.url);
      await new Promise<void>((resolve) => {
        const s = connect(Number(port), '127.0.0.1', () => {
          s.write(`POST /api/app/v1/service/ HTTP/1.1\r\nHost: x\r\nAuthorization: Basic ${Buffer.from('alice:alice-key').toString('base64')}\r\n` +
            'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"image": "ng');
          setTimeout(() => { s.destroy(); resolve(); }, 100);
        });
      });
      await new Promise((r) => setTimeout(r, 200));
      expect(errors).toEqual([]);
      expect((await t.api('GET', '/api/app/v1/service/?limit=1')).status).toBe(200);
    } finally {
      console.error = original;
    }
  });

  it('an events socket refuses a message larger than a tiny one', async () => {
    const events = await openSocket(`${t.wsUrl}/api/audit/v1/events`);
    events.send('z'.repeat(4096));
    expect((await collect(events).closed).code).toBe(1009);
  });
});
