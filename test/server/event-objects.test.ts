// The dctop extension of the Stream API: a subscriber that asks (?dctop_objects=true) gets each event with its
// object as GET returns it (dctop_object), after the change, or its summary (?dctop_objects=summary); deletes carry
// none; others get the reference's frames. Listings of summaries too, for a client that sends x-dctop-summaries.
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { summaryOf } from '../../src/domain/index.js';
import { basic, findOne, settled, startTestServer, type TestServer } from '../helpers/server.js';

const servers: TestServer[] = [];
afterEach(async () => {
  for (const t of servers.splice(0)) await t.close();
});

async function listen(t: TestServer, objects: 'true' | 'summary' | false = 'true'): Promise<{ frames: any[]; close(): void }> {
  const frames: any[] = [];
  const ws = new WebSocket(`${t.wsUrl}/api/audit/v1/events${objects ? `?dctop_objects=${objects}` : ''}`, { headers: { Authorization: basic('alice') } });
  ws.on('message', (data) => frames.push(JSON.parse(data.toString())));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return { frames, close: () => ws.close() };
}

describe('events that carry their object', () => {
  it('each event has the object as a GET right after returns it; the last one of an object is what GET says now', async () => {
    const t = await startTestServer({ fleet: 'demo' });
    servers.push(t);
    const events = await listen(t);
    const c = await findOne(t, '/api/app/v1/container/?name=web-1');
    await settled(t, (await t.api('POST', `${c.resource_uri}stop/`)).headers.get('x-dockercloud-action-uri')!);
    await new Promise((r) => setTimeout(r, 100));
    events.close();
    const mine = events.frames.filter((f) => f.resource_uri === c.resource_uri);
    expect(mine.map((f) => f.state)).toEqual(expect.arrayContaining(['Stopping', 'Stopped']));
    for (const f of events.frames.filter((x) => x.action !== 'delete')) {
      expect(f.dctop_object?.resource_uri, JSON.stringify(f).slice(0, 200)).toBe(f.resource_uri);
    }
    expect(mine.at(-1).dctop_object).toEqual((await t.api('GET', c.resource_uri)).body);
    // A parent whose counters moved is announced with its body too: a client needs no GET for it.
    const svc = events.frames.filter((f) => f.resource_uri === c.service).at(-1);
    expect(svc.dctop_object).toEqual((await t.api('GET', c.service)).body);
  });

  it('a change in the turn after an object was announced gets an event of its own, with the change in its body', async () => {
    const t = await startTestServer({ fleet: 'demo' });
    servers.push(t);
    const events = await listen(t);
    const world = t.backend.sim.world;
    const node = t.backend.list('node', 'alice')[0]! as { resource_uri: string; docker_version: string };
    const service = t.backend.list('service', 'alice')[0]!;
    world.emit(service.resource_uri); // an event of this turn: the hub sends this turn's events at its end
    node.docker_version = 'first';
    world.touch(node); // announced by the world's flush at the end of this turn, with the events above
    await new Promise((r) => setTimeout(r, 0)); // the next turn
    node.docker_version = 'second';
    world.touch(node);
    await new Promise((r) => setTimeout(r, 200));
    events.close();
    const mine = events.frames.filter((f) => f.resource_uri === node.resource_uri);
    expect(mine.at(-1)?.dctop_object?.docker_version).toBe('second');
  });

  it('with dctop_objects=summary, the objects come without their details, while another subscriber gets them whole', async () => {
    const t = await startTestServer({ fleet: 'demo' });
    servers.push(t);
    const [summaries, wholes] = [await listen(t, 'summary'), await listen(t, 'true')];
    const c = await findOne(t, '/api/app/v1/container/?name=web-1');
    await settled(t, (await t.api('POST', `${c.resource_uri}stop/`)).headers.get('x-dockercloud-action-uri')!);
    await new Promise((r) => setTimeout(r, 100));
    summaries.close();
    wholes.close();
    const last = (frames: any[], uri: string) => frames.filter((f) => f.resource_uri === uri).at(-1).dctop_object;
    for (const uri of [c.resource_uri, c.service]) {
      const whole = (await t.api('GET', uri)).body;
      expect(last(wholes.frames, uri)).toEqual(whole);
      expect(last(summaries.frames, uri)).toEqual(summaryOf(uri === c.service ? 'service' : 'container', whole));
    }
    expect(last(summaries.frames, c.resource_uri)).not.toHaveProperty('container_envvars');
  });

  it('a listing asked for with x-dctop-summaries: true is of summaries, in the order and pages of the whole one', async () => {
    const t = await startTestServer({ fleet: 'demo' });
    servers.push(t);
    const list = async (headers: Record<string, string>) =>
      (await (await fetch(`${t.url}/api/app/v1/container/?limit=5&offset=2`, { headers: { Authorization: basic('alice'), ...headers } })).json()) as any;
    const [whole, summaries] = [await list({}), await list({ 'x-dctop-summaries': 'true' })];
    expect(whole.objects[0]).toHaveProperty('container_envvars');
    expect(summaries.meta).toEqual(whole.meta);
    expect(summaries.objects).toEqual(whole.objects.map((o: any) => summaryOf('container', o)));
  });

  it('a subscriber that does not ask gets the reference: no dctop_object', async () => {
    const t = await startTestServer({ fleet: 'demo' });
    servers.push(t);
    const events = await listen(t, false);
    const c = await findOne(t, '/api/app/v1/container/?name=web-2');
    await settled(t, (await t.api('POST', `${c.resource_uri}stop/`)).headers.get('x-dockercloud-action-uri')!);
    await new Promise((r) => setTimeout(r, 100));
    events.close();
    expect(events.frames.length).toBeGreaterThan(2);
    for (const f of events.frames) expect(f).not.toHaveProperty('dctop_object');
  });
});
