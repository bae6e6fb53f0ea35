// Live resource metrics on the docker backend, against the real engine (a swarm manager) and its workers: a busy
// loop shows its CPU, an allocation its memory, limits come from the container's configuration, and a task on a
// node whose engine dctop cannot reach is unavailable, saying why (and measured once --node-engine names it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import type { MetricsFrame } from '../../src/domain/index.js';
import { cleanUp, docker, IMAGE, liveWorkers, needsEngine, startDockerServer, SWARM_ENGINE, type DockerServer } from '../helpers/docker.js';
import { collect, eventually, findOne, openSocket } from '../helpers/server.js';

const PREFIX = 'dm-';
const MIB = 2 ** 20;
const frames = (ws: WebSocket) => collect(ws).frames as MetricsFrame[];
const subscribe = (ws: WebSocket, uris: string[]) => ws.send(JSON.stringify({ subscribe: uris }));

/** Waits for a frame that satisfies `check` (frames come every second). */
async function frameWhere(ws: WebSocket, check: (f: MetricsFrame) => boolean, what: string, timeoutMs = 20_000): Promise<MetricsFrame> {
  return (await eventually(() => frames(ws).find(check), timeoutMs, what))!;
}

describe.skipIf(needsEngine(SWARM_ENGINE))('metrics on the docker backend', () => {
  let t: DockerServer;
  const workers = liveWorkers();
  const worker = Object.keys(workers)[0];
  beforeAll(async () => {
    cleanUp(SWARM_ENGINE, PREFIX);
    docker(SWARM_ENGINE, 'run', '-d', '--init', '--name', `${PREFIX}busy`, '--cpus', '1', IMAGE, 'sh', '-c', 'while :; do :; done');
    // 40 MiB written to /dev/shm (a tmpfs: its pages are the container's memory), under a 64 MiB limit.
    docker(SWARM_ENGINE, 'run', '-d', '--init', '--name', `${PREFIX}mem`, '--memory', '64m', IMAGE, 'sh', '-c',
      'dd if=/dev/zero of=/dev/shm/fill bs=1048576 count=40 && sleep 1000');
    if (worker) {
      docker(SWARM_ENGINE, 'service', 'create', '-d', '--name', `${PREFIX}remote`, '--replicas', '1', '--no-resolve-image',
        '--constraint', `node.hostname==${worker}`, '--limit-memory', '32m', IMAGE, 'sleep', '1000');
      // Running before the server lists the swarm (a worker's task changes without an event on the manager).
      await eventually(() => docker(SWARM_ENGINE, 'service', 'ps', `${PREFIX}remote`, '--filter', 'desired-state=running',
        '--format', '{{.CurrentState}}').startsWith('Running'), 45_000, 'the remote task to run');
    }
    t = await startDockerServer(SWARM_ENGINE);
  }, 90_000);
  afterAll(async () => {
    await t?.close();
    cleanUp(SWARM_ENGINE, PREFIX);
  });

  it('shows a busy loop above 50 % of a core (and of its 1-CPU limit), and memory a container filled, under its limit', async () => {
    const busy = await findOne(t, `/api/app/v1/container/?name=${PREFIX}busy`);
    const mem = await findOne(t, `/api/app/v1/container/?name=${PREFIX}mem`);
    const ws = await openSocket(`${t.wsUrl}/api/dctop/v1/metrics/?interval=1`);
    try {
      subscribe(ws, [busy.resource_uri, mem.resource_uri, busy.service]);
      // The first frame may have no CPU yet (no previous reading): null, never a made-up number.
      const first = await frameWhere(ws, () => true, 'a first frame');
      expect(first.metrics[busy.resource_uri]).toBeDefined();
      const hot = await frameWhere(ws, (f) => (f.metrics[busy.resource_uri]?.cpu_percent ?? 0) > 50, 'the busy loop to show');
      const b = hot.metrics[busy.resource_uri]!;
      expect(b.cpu_percent).toBeLessThan(150); // one core, at most (its limit)
      expect(b.cpu_limit_percent).toBeCloseTo(b.cpu_percent!, 0);
      expect(b.memory_limit_bytes).toBeNull();
      expect(b.containers).toBe(1);
      // Its service (a lone container is a service of its own) sums the one container.
      expect(hot.metrics[busy.service]).toMatchObject({ containers: 1 });
      const full = await frameWhere(ws, (f) => (f.metrics[mem.resource_uri]?.memory_bytes ?? 0) > 35 * MIB &&
        f.metrics[mem.resource_uri]?.net_rx_bps !== null, 'the memory to show');
      const m = full.metrics[mem.resource_uri]!;
      expect(m.memory_bytes).toBeLessThanOrEqual(64 * MIB);
      expect(m.memory_limit_bytes).toBe(64 * MIB);
      expect(m.cpu_percent ?? 0).toBeLessThan(20); // it only sleeps now
      // Rates are numbers once there are two readings.
      expect(typeof m.net_rx_bps).toBe('number');
      expect(typeof m.block_write_bps).toBe('number');
    } finally {
      ws.close();
    }
  });

  it.skipIf(!worker)('says a task on a node whose engine it cannot reach is unavailable, and why; measures it with --node-engine', { timeout: 60_000 }, async () => {
    const task = await eventually(async () => {
      const res = await t.api('GET', `/api/app/v1/container/?name=${PREFIX}remote.1`);
      return res.body.objects.find((c: { state: string }) => c.state === 'Running');
    }, 15_000, 'the remote task');
    const ws = await openSocket(`${t.wsUrl}/api/dctop/v1/metrics/?interval=1`);
    try {
      subscribe(ws, [task.resource_uri]);
      const frame = await frameWhere(ws, (f) => task.resource_uri in f.unavailable, 'the task unavailable');
      expect(frame.unavailable[task.resource_uri]).toContain(`--node-engine ${worker}=HOST`);
    } finally {
      ws.close();
    }
    const withWorkers = await startDockerServer(SWARM_ENGINE, workers);
    try {
      const ws2 = await openSocket(`${withWorkers.wsUrl}/api/dctop/v1/metrics/?interval=1`);
      subscribe(ws2, [task.resource_uri, task.service]);
      const frame = await frameWhere(ws2, (f) => typeof f.metrics[task.resource_uri]?.cpu_percent === 'number', 'the remote task measured');
      expect(frame.metrics[task.resource_uri]!.memory_bytes).toBeGreaterThan(0);
      expect(frame.metrics[task.resource_uri]!.memory_limit_bytes).toBe(32 * MIB);
      expect(frame.metrics[task.service]).toMatchObject({ containers: 1, memory_limit_bytes: 32 * MIB });
      ws2.close();
    } finally {
      await withWorkers.close();
    }
  });

  it('reads only the containers subscribed to, and nothing once the set is empty', async () => {
    const busy = await findOne(t, `/api/app/v1/container/?name=${PREFIX}busy`);
    const source = t.backend.metrics;
    const ws = await openSocket(`${t.wsUrl}/api/dctop/v1/metrics/?interval=1`);
    try {
      const before = source.requests;
      subscribe(ws, [busy.resource_uri]);
      await eventually(() => frames(ws).length >= 3, 10_000, 'three frames');
      const asked = source.requests - before;
      expect(asked).toBeGreaterThan(0);
      expect(asked).toBeLessThanOrEqual(frames(ws).length + 1); // one reading per frame, of the one container
      subscribe(ws, []);
      await new Promise((r) => setTimeout(r, 300));
      const stopped = source.requests;
      await new Promise((r) => setTimeout(r, 2500));
      expect(source.requests).toBe(stopped);
    } finally {
      ws.close();
    }
  });
});
