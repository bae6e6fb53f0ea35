// The docker backend against real engines (scripts/docker-env.sh up, plain, multinode 2): `node dist/bench/run.js docker`.
//   - a plain engine with 1,000 containers: `dctop serve --backend docker` spawn to ready (its first complete
//     listing), and a client's listing of all of them
//   - a 3-node swarm with 300 tasks: the same
//   - the delay from an engine event to the Stream API event, p50/p99
//   - the backend's CPU while nothing happens
//   - live metrics (dctop's extension): the backend's CPU while one socket subscribes to 50, then 200, running
//     containers at the default 2 s (one-shot engine stats, 8 in flight)
import Docker from 'dockerode';
import WebSocket from 'ws';
import { cpuSeconds, percentile, startServer, stop, type Server } from './process.js';
const PLAIN = '/run/dctop-plain.sock';
const MAIN = '/var/run/docker.sock';
const IMAGE = 'dctop-busybox:latest';

async function listAll(s: Server): Promise<{ count: number; ms: number }> {
  const started = performance.now();
  let count = 0;
  for (let offset = 0; ; offset += 1000) {
    const res = await fetch(`${s.url}/api/app/v1/container/?limit=1000&offset=${offset}`, { headers: { Authorization: s.auth } });
    const body = await res.json() as { objects: unknown[]; meta: { next: string | null } };
    count += body.objects.length;
    if (!body.meta.next) break;
  }
  return { count, ms: performance.now() - started };
}

async function eachLimited<T>(items: readonly T[], limit: number, run: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) await run(items[next++]!);
  }));
}


/** The backend's own CPU while a metrics socket subscribes to N running containers of the main engine, at 2 s. */
async function metricsCost(rows: [string, string][]): Promise<void> {
  const main = new Docker({ socketPath: MAIN });
  const names = Array.from({ length: 200 }, (_, i) => `bench-metrics-${i}`);
  await eachLimited(names, 8, async (name) => {
    const c = await main.createContainer({ name, Image: IMAGE, Cmd: ['sleep', '1000'], HostConfig: { Init: true } });
    await c.start();
  });
  try {
    const s = await startServer(['--backend', 'docker', '--docker-host', `unix://${MAIN}`]);
    const uris: string[] = [];
    for (const name of names) {
      const body = await (await fetch(`${s.url}/api/app/v1/container/?name=${name}`, { headers: { Authorization: s.auth } })).json() as { objects: Array<{ resource_uri: string }> };
      if (body.objects[0]) uris.push(body.objects[0].resource_uri);
    }
    const ws = new WebSocket(`${s.url.replace(/^http/, 'ws')}/api/dctop/v1/metrics/?interval=2`, { headers: { Authorization: s.auth } });
    await new Promise((resolve) => ws.once('open', resolve));
    let frames = 0;
    let measured = 0;
    ws.on('message', (data) => {
      frames++;
      measured = Object.keys((JSON.parse(data.toString()) as { metrics: object }).metrics).length;
    });
    for (const n of [50, 200]) {
      ws.send(JSON.stringify({ subscribe: uris.slice(0, n) }));
      await new Promise((r) => setTimeout(r, 4000)); // the first readings (no CPU until the second)
      const before = cpuSeconds(s.child.pid!);
      const framesBefore = frames;
      await new Promise((r) => setTimeout(r, 20_000));
      rows.push([`docker: metrics of ${n} containers every 2 s (20 s)`,
        `${(((cpuSeconds(s.child.pid!) - before) / 20) * 100).toFixed(1)} % of a core (${frames - framesBefore} frames of ${measured} containers)`]);
    }
    ws.close();
    await stop(s);
  } finally {
    await eachLimited(names, 16, (name) => main.getContainer(name).remove({ force: true }).catch(() => {}));
  }
}

export async function dockerLoads(parts: readonly ('loads' | 'metrics')[] = ['loads', 'metrics']): Promise<[string, string][]> {
  const rows: [string, string][] = [];
  if (parts.includes('metrics')) await metricsCost(rows);
  if (!parts.includes('loads')) return rows;
  const plain = new Docker({ socketPath: PLAIN });
  const names = Array.from({ length: 1000 }, (_, i) => `bench-${i}`);
  await eachLimited(names, 16, (name) => plain.createContainer({ name, Image: IMAGE, Cmd: ['sleep', '1000'], HostConfig: { Init: true } }));
  try {
    const s = await startServer(['--backend', 'docker', '--docker-host', `unix://${PLAIN}`]);
    const listed = await listAll(s);
    rows.push(['docker, plain engine, 1,000 containers: serve to ready', `${Math.round(s.readyMs)} ms (its first complete listing of the engine)`]);
    rows.push(['… a client lists all the containers', `${Math.round(listed.ms)} ms (${listed.count} containers)`]);

    // Engine event → Stream API event: start containers one by one, compare the engine's event time with arrival.
    const ws = new WebSocket(`${s.url.replace(/^http/, 'ws')}/api/audit/v1/events`, { headers: { Authorization: s.auth } });
    await new Promise((resolve) => ws.once('open', resolve));
    const engineEvents = await plain.getEvents({ filters: { type: ['container'], event: ['start'] } });
    const engineAt = new Map<string, number>();
    engineEvents.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        const e = JSON.parse(line) as { id: string; timeNano: number };
        engineAt.set(e.id, e.timeNano / 1e6);
      }
    });
    const delays: number[] = [];
    const waiting = new Map<string, (at: number) => void>();
    ws.on('message', (data) => {
      const e = JSON.parse(data.toString()) as { type: string; state: string; resource_uri: string };
      if (e.type === 'container' && e.state === 'Running') waiting.get(e.resource_uri)?.(Date.now());
    });
    for (const name of names.slice(0, 30)) {
      const c = plain.getContainer(name);
      const info = await c.inspect();
      const listedObject = await (await fetch(`${s.url}/api/app/v1/container/?name=${name}`, { headers: { Authorization: s.auth } })).json() as { objects: Array<{ resource_uri: string }> };
      const arrived = new Promise<number>((resolve) => waiting.set(listedObject.objects[0]!.resource_uri, resolve));
      await c.start();
      const at = await arrived;
      delays.push(at - (engineAt.get(info.Id) ?? at));
    }
    rows.push(['docker: engine event → Stream API event', `p50 ${percentile(delays.sort((a, b) => a - b), 0.5).toFixed(1)} ms, p99 ${percentile(delays, 0.99).toFixed(1)} ms (${delays.length} starts)`]);
    (engineEvents as unknown as { destroy(): void }).destroy();
    ws.close();

    const before = cpuSeconds(s.child.pid!);
    await new Promise((r) => setTimeout(r, 10_000));
    rows.push(['docker: the backend idle (10 s, 1,000 containers)', `${(((cpuSeconds(s.child.pid!) - before) / 10) * 100).toFixed(2)} % of a core`]);
    await stop(s);
  } finally {
    await eachLimited(names, 16, (name) => plain.getContainer(name).remove({ force: true }).catch(() => {}));
  }

  const main = new Docker({ socketPath: MAIN });
  const nodes = (await main.listNodes()).length;
  const service = await main.createService({
    Name: 'bench-tasks', TaskTemplate: { ContainerSpec: { Image: IMAGE, Args: ['sleep', '1000'], Init: true } as never },
    Mode: { Replicated: { Replicas: 300 } }, EndpointSpec: { Mode: 'dnsrr' },
  } as never) as unknown as { id: string };
  try {
    const started = Date.now();
    for (;;) {
      const tasks = await main.listTasks({ filters: { service: [service.id], 'desired-state': ['running'] } }) as Array<{ Status: { State: string } }>;
      if (tasks.filter((t) => t.Status.State === 'running').length >= 300 || Date.now() - started > 180_000) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    const s = await startServer(['--backend', 'docker', '--docker-host', `unix://${MAIN}`]);
    const listed = await listAll(s);
    rows.push([`docker, swarm of ${nodes} nodes, 300 tasks: serve to ready`, `${Math.round(s.readyMs)} ms (tasks up after ${Math.round((Date.now() - started) / 1000)} s)`]);
    rows.push(['… a client lists all the containers', `${Math.round(listed.ms)} ms (${listed.count} containers)`]);
    await stop(s);
  } finally {
    await main.getService(service.id).remove().catch(() => {});
  }
  return rows;
}
