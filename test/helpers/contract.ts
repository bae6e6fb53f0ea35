// One contract, every backend (the sim, a plain Docker engine, a swarm: test/contract/*), over real HTTP and
// websockets. What a client may rely on whatever serves the API: listings whose references resolve, a created service that runs,
// events (with parents) for its changes, scaling, logs, exec, redeploy, terminate.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { cleanUp, IMAGE, liveWorkers, needsEngine, PLAIN_ENGINE, startDockerServer, SWARM_ENGINE } from './docker.js';
import { collect, eventually, openSocket, settled, startTestServer, type ServedApi } from './server.js';

export interface Subject {
  name: string;
  skip: boolean;
  start(): Promise<ServedApi>;
  image: string;
  /** Whether a container of a service can be stopped and started on its own (a swarm task cannot be started). */
  restartsContainers: boolean;
  cleanUp?(): void;
}

const PREFIX = 'ct-';
export const SIM: Subject = { name: 'sim', skip: false, start: () => startTestServer({ fleet: 'demo' }), image: 'tutum/hello-world', restartsContainers: true };
export const PLAIN: Subject = {
  name: 'docker (plain engine)', skip: needsEngine(PLAIN_ENGINE), start: () => startDockerServer(PLAIN_ENGINE), image: IMAGE,
  restartsContainers: true, cleanUp: () => cleanUp(PLAIN_ENGINE, PREFIX),
};
export const SWARM: Subject = {
  name: 'docker (swarm)', skip: needsEngine(SWARM_ENGINE), start: () => startDockerServer(SWARM_ENGINE, liveWorkers()), image: IMAGE,
  restartsContainers: false, cleanUp: () => cleanUp(SWARM_ENGINE, PREFIX),
};

const TICKS = 'i=0; while true; do i=$((i+1)); echo "tick $i"; echo "warn $i" >&2; sleep 0.3; done';

/** The contract's tests, for one backend. */
export function contract(subject: Subject): void {
  describe.skipIf(subject.skip)(`the contract: ${subject.name}`, () => {
    let t: ServedApi;
    let events: WebSocket;
    const name = `${PREFIX}${subject.name.replace(/\W+/g, '').slice(0, 10)}`;
    let service: { resource_uri: string; uuid: string };

    beforeAll(async () => {
      subject.cleanUp?.();
      t = await subject.start();
      events = await openSocket(`${t.wsUrl}/api/audit/v1/events`);
    }, 60_000);
    afterAll(async () => {
      events?.close();
      await t?.close();
      subject.cleanUp?.();
    });

    const get = async (uri: string) => (await t.api('GET', uri)).body;
    const state = async (uri: string) => (await get(uri)).state as string;
    const containersOf = async (uri: string) => ((await get(uri)).containers as string[]);

    it('lists every kind in the envelope, and every reference resolves', async () => {
      for (const kind of ['infra/v1/nodecluster', 'infra/v1/node', 'app/v1/stack', 'app/v1/service', 'app/v1/container']) {
        const res = await t.api('GET', `/api/${kind}/?limit=5`);
        expect(res.status, kind).toBe(200);
        expect(res.body.meta).toMatchObject({ limit: 5, offset: 0 });
        expect(Array.isArray(res.body.objects)).toBe(true);
      }
      const nodes = (await t.api('GET', '/api/infra/v1/node/')).body.objects;
      expect(nodes.length).toBeGreaterThan(0);
      for (const node of nodes) expect((await t.api('GET', node.node_cluster)).status).toBe(200);
      for (const c of (await t.api('GET', '/api/app/v1/container/?limit=20')).body.objects) {
        expect((await t.api('GET', c.service)).status).toBe(200);
        if (c.node) expect((await t.api('GET', c.node)).status).toBe(200);
      }
      expect((await t.api('GET', '/api/app/v1/service/00000000-0000-4000-8000-000000000000/')).status).toBe(404);
    });

    it('creates a service that runs, and announces it with events that name their parents', async () => {
      const res = await t.api('POST', '/api/app/v1/service/', {
        image: subject.image, name, target_num_containers: 2, run_command: TICKS, autorestart: 'ALWAYS',
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      service = res.body;
      expect(res.headers.get('x-dockercloud-action-uri')).toMatch(/^\/api\/audit\/v1\/action\//);
      expect((await settled(t, res.headers.get('x-dockercloud-action-uri')!)).state).toBe('Success');
      // Created Not running, as the reference says; it runs once started.
      expect(await state(service.resource_uri)).toBe('Not running');
      const start = await t.api('POST', `${service.resource_uri}start/`);
      expect(start.status, JSON.stringify(start.body)).toBeLessThan(300);
      expect((await settled(t, start.headers.get('x-dockercloud-action-uri')!)).state).toBe('Success');
      await eventually(async () => (await state(service.resource_uri)) === 'Running', 30_000, 'Running');
      const body = await get(service.resource_uri);
      expect(body).toMatchObject({ name, target_num_containers: 2, running_num_containers: 2 });
      expect(body.containers).toHaveLength(2);
      await eventually(() => collect(events).frames.some((e) => e.type === 'service' && e.resource_uri === service.resource_uri && e.state === 'Running'),
        10_000, 'a service event in state Running');
      const frames = collect(events).frames;
      expect(frames.some((e) => e.type === 'service' && e.action === 'create' && e.resource_uri === service.resource_uri)).toBe(true);
      const ofContainers = frames.filter((e) => e.type === 'container' && body.containers.includes(e.resource_uri));
      expect(ofContainers.length).toBeGreaterThan(0);
      for (const e of ofContainers) expect(e.parents).toContain(service.resource_uri);
    });

    it('tails container logs, and service logs name their sources', async () => {
      const [container] = await containersOf(service.resource_uri);
      await eventually(async () => {
        const ws = await openSocket(`${t.wsUrl}${container}logs/?tail=5&follow=false`);
        const { closed, frames } = collect(ws);
        await closed;
        return frames.length >= 2 && frames.every((f) => f.type === 'log') && frames.some((f) => f.streamType === 'stderr');
      }, 15_000, 'logs of both streams');
      const ws = await openSocket(`${t.wsUrl}${service.resource_uri}logs/?tail=20`);
      await eventually(() => collect(ws).frames.length >= 4, 15_000, 'service log lines');
      ws.close();
      const sources = new Set(collect(ws).frames.map((f) => f.source));
      expect([...sources].every((s) => typeof s === 'string' && s.length > 0)).toBe(true);
    });

    it('runs a command in a container and says how it ended', async () => {
      const [container] = await containersOf(service.resource_uri);
      const ws = await openSocket(`${t.wsUrl}${container}exec/?command=sh`);
      ws.send('echo hello from exec\n');
      ws.send('exit 3\n');
      const { closed, frames } = collect(ws);
      const end = await closed;
      expect(frames.filter((f) => f.type === 'output').map((f) => f.output).join('')).toContain('hello from exec');
      expect(end.reason).toMatch(/exit 3/);
    });

    it('scales the service up and down', async () => {
      await t.api('PATCH', service.resource_uri, { target_num_containers: 3 });
      const scaled = await t.api('POST', `${service.resource_uri}scale/`);
      expect(scaled.status, JSON.stringify(scaled.body)).toBeLessThan(300);
      expect((await settled(t, scaled.headers.get('x-dockercloud-action-uri')!)).state).toBe('Success');
      await eventually(async () => (await get(service.resource_uri)).running_num_containers === 3, 30_000, '3 running');
      await t.api('PATCH', service.resource_uri, { target_num_containers: 1 });
      await t.api('POST', `${service.resource_uri}scale/`);
      await eventually(async () => {
        const s = await get(service.resource_uri);
        return s.running_num_containers === 1 && s.containers.length === 1 && s.state === 'Running';
      }, 30_000, 'back to 1');
    });

    it('stops a container; starts it again where the backend can', async () => {
      const [container] = await containersOf(service.resource_uri);
      const stop = await t.api('POST', `${container}stop/`);
      expect(stop.status, JSON.stringify(stop.body)).toBeLessThan(300);
      await eventually(async () => ['Stopped', 'Terminated'].includes(await state(container!)), 30_000, 'stopped');
      const start = await t.api('POST', `${container}start/`);
      if (subject.restartsContainers) {
        expect(start.status, JSON.stringify(start.body)).toBeLessThan(300);
        await eventually(async () => (await state(container!)) === 'Running', 30_000, 'running again');
      } else {
        // A swarm replaces a stopped task with a new one; the old one cannot be started, and the answer says why.
        expect(start.status).toBe(400);
        expect(start.body.error).toMatch(/swarm task|Cannot start container/);
        await eventually(async () => (await get(service.resource_uri)).running_num_containers === 1, 30_000, 'replaced');
      }
    });

    it('redeploys the service: its containers are replaced, and it runs again', async () => {
      const before = (await get(service.resource_uri)).containers as string[];
      const beforeIds = await Promise.all(before.map(async (uri) => (await get(uri)).docker_id));
      const res = await t.api('POST', `${service.resource_uri}redeploy/`);
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
      expect((await settled(t, res.headers.get('x-dockercloud-action-uri')!)).state).toBe('Success');
      await eventually(async () => {
        const s = await get(service.resource_uri);
        if (s.state !== 'Running' || s.running_num_containers !== 1) return false;
        const ids = await Promise.all((s.containers as string[]).map(async (uri) => (await get(uri)).docker_id));
        return ids.every((id) => !beforeIds.includes(id));
      }, 30_000, 'new containers, running');
    });

    it('terminates the service, and says so in an event', async () => {
      const res = await t.api('DELETE', service.resource_uri);
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
      await eventually(async () => (await state(service.resource_uri)) === 'Terminated', 30_000, 'Terminated');
      await eventually(() => collect(events).frames.some((e) => e.resource_uri === service.resource_uri && e.state === 'Terminated'), 10_000, 'the event');
    });

    it('says which backend it is and what it cannot do', async () => {
      const res = await t.api('GET', '/api/dctop/v1/backend/');
      expect(res.status).toBe(200);
      expect(res.body.backend).toBe(subject.name === 'sim' ? 'sim' : 'docker');
      expect((await t.api('GET', '/api/dctop/v1/backend/', undefined, { user: '' })).status).toBe(401);
    });
  });
}

