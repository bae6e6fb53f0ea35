// npm run bench: measures `dctop serve` as a separate process over loopback and prints one table.
//   - time to a ready 10,000-container fleet, and the server's RSS
//   - requests per second listing 10,000 containers, pages of 25 and of 1,000 (16 keep-alive connections)
//   - events per second delivered to 10 stream subscribers under churn
//   - the client store against --fleet 10000 --churn 1000: time to the first complete snapshot, fetches per
//     1,000 events, event-to-snapshot latency p50/p99, the client's RSS
//   - the monitor in a 120×40 tmux pty against --fleet 10000, with --churn 1000 and idle (bench/monitor.ts)
//   - `node dist/bench/run.js docker`: the docker backend against real engines (bench/docker.ts)
// BENCH_SECONDS (default 5) sets how long each load runs. `node dist/bench/run.js server|store|monitor` runs one part.
import { Pool } from 'undici';
import WebSocket from 'ws';
import { DockerCloudClient } from '../src/api/client.js';
import { resolveConfig } from '../src/api/config.js';
import { FleetStore } from '../src/store/fleet-store.js';
import { dockerLoads } from './docker.js';
import { cpuSeconds, percentile, rssMiB, startServer, stop, type Server } from './process.js';
import { latencyProxy } from './latency-proxy.js';
import { monitorLoad } from './monitor.js';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 5);
const rows: [string, string][] = [];
/** The targets of the performance issue: what, measured, target, met. */
const targets: [string, string, string, boolean][] = [];
const target = (what: string, measured: number, unit: string, limit: number) =>
  targets.push([what, `${Number.isInteger(measured) ? measured : measured.toFixed(1)} ${unit}`, `≤ ${limit} ${unit}`, measured <= limit]);

async function listLoad(server: Server, limit: number, total: number): Promise<void> {
  const pool = new Pool(server.url, { connections: 16, pipelining: 1 });
  const latencies: number[] = [];
  let bytes = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const cpu0 = cpuSeconds(server.child.pid!);
  const t0 = performance.now();
  const worker = async () => {
    while (performance.now() < deadline) {
      const offset = Math.floor(Math.random() * Math.max(1, total - limit));
      const start = performance.now();
      const res = await pool.request({
        path: `/api/app/v1/container/?limit=${limit}&offset=${offset}`, method: 'GET',
        headers: { authorization: server.auth },
      });
      const body = await res.body.arrayBuffer();
      if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
      bytes += body.byteLength;
      latencies.push(performance.now() - start);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = (cpuSeconds(server.child.pid!) - cpu0) / elapsed;
  await pool.close();
  latencies.sort((a, b) => a - b);
  rows.push([
    `list 10,000 containers, pages of ${limit}`,
    `${Math.round(latencies.length / elapsed)} req/s (${(bytes / elapsed / 2 ** 20).toFixed(1)} MiB/s), ` +
      `p50 ${percentile(latencies, 0.5).toFixed(1)} ms, p99 ${percentile(latencies, 0.99).toFixed(1)} ms, server CPU ${(cpu * 100).toFixed(0)} %`,
  ]);
}

async function eventLoad(churn: number): Promise<void> {
  const server = await startServer(['--fleet', '10000', '--seed', '1', '--churn', String(churn)]);
  const sockets = await Promise.all(Array.from({ length: 10 }, () => new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/api/audit/v1/events`, { headers: { Authorization: server.auth } });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  })));
  const counts = sockets.map(() => 0);
  let cutOff = 0;
  sockets.forEach((ws, i) => {
    ws.on('message', () => counts[i]!++);
    ws.on('close', () => cutOff++);
  });
  await new Promise((r) => setTimeout(r, 1000)); // warm up
  counts.fill(0);
  const cpu0 = cpuSeconds(server.child.pid!);
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const perSubscriber = counts.map((n) => n / SECONDS);
  const cpu = (cpuSeconds(server.child.pid!) - cpu0) / SECONDS;
  const rss = rssMiB(server.child.pid!);
  const cutOffByServer = cutOff; // before we close them ourselves
  sockets.forEach((ws) => ws.terminate());
  await stop(server);
  const min = Math.min(...perSubscriber);
  const max = Math.max(...perSubscriber);
  rows.push([
    `events to 10 subscribers, --churn ${churn}`,
    `${Math.round(min)}–${Math.round(max)} events/s each (${Math.round(perSubscriber.reduce((a, b) => a + b) )} frames/s sent), ` +
      `server CPU ${(cpu * 100).toFixed(0)} %, RSS ${rss} MiB${cutOffByServer ? `, ${cutOffByServer} subscribers cut off as too slow` : ''}`,
  ]);
}

/**
 * Events to 100 subscribers (two users of one organisation's fleet, 50 sockets each: a user may open 64) under
 * --churn 1000: containers are stopped through the API, and each subscriber's frame announcing it is timed from the
 * request. Every frame is looked at (a byte search, not parsed), so the receiving side is cheap but real.
 */
async function fanoutLoad(): Promise<void> {
  const server = await startServer(['--fleet', '10000', '--seed', '1', '--churn', '1000', '--user', 'fan1:k1', '--user', 'fan2:k2',
    '--org', 'fleet:fan1,fan2', '--namespace', 'fleet']);
  const auths = [server.auth, `Basic ${Buffer.from('fan2:k2').toString('base64')}`];
  const sockets = await Promise.all(Array.from({ length: 100 }, (_, i) => new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/api/audit/v1/fleet/events`, { headers: { Authorization: auths[i % 2]! } });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  })));
  let needle: string | null = null;
  let arrived: number[] = [];
  sockets.forEach((ws, i) => ws.on('message', (data: Buffer) => {
    if (needle && arrived[i] === undefined && data.includes(needle) && data.includes('Stopping')) arrived[i] = performance.now();
  }));
  await new Promise((r) => setTimeout(r, 1000)); // warm up
  const api = async (path: string, method = 'GET') => {
    const res = await fetch(`${server.url}/api/app/v1/fleet/container/${path}`, { method, headers: { authorization: server.auth } });
    return res.json() as Promise<{ objects?: { resource_uri: string; uuid: string }[] }>;
  };
  const running = (await api('?state=Running&limit=20')).objects ?? [];
  const delays: number[] = [];
  let missed = 0;
  const cpu0 = cpuSeconds(server.child.pid!);
  const t0 = performance.now();
  for (const container of running) {
    arrived = [];
    needle = `"resource_uri":"${container.resource_uri}"`;
    const sent = performance.now();
    await api(`${container.uuid}/stop/`, 'POST');
    while (arrived.filter((t) => t !== undefined).length < sockets.length && performance.now() - sent < 3000) await new Promise((r) => setTimeout(r, 5));
    for (let i = 0; i < sockets.length; i++) {
      if (arrived[i] === undefined) missed++;
      else delays.push(arrived[i]! - sent);
    }
    needle = null;
    await api(`${container.uuid}/start/`, 'POST');
  }
  const cpu = (cpuSeconds(server.child.pid!) - cpu0) / ((performance.now() - t0) / 1000);
  sockets.forEach((ws) => ws.terminate());
  await stop(server);
  delays.sort((a, b) => a - b);
  target('server: events to 100 subscribers at 1,000 events/s, delivery p99', Math.round(percentile(delays, 0.99)), 'ms', 50);
  rows.push(['events to 100 subscribers, --churn 1000', `delivery from the change p50 ${percentile(delays, 0.5).toFixed(1)} ms, ` +
    `p99 ${percentile(delays, 0.99).toFixed(1)} ms, max ${(delays.at(-1) ?? 0).toFixed(1)} ms (${delays.length} deliveries of ${running.length} stops` +
    `${missed ? `, ${missed} missing` : ''}), server CPU ${(cpu * 100).toFixed(0)} %`]);
}

async function storeLoad(): Promise<void> {
  const server = await startServer(['--fleet', '10000', '--seed', '1', '--churn', '1000']);
  const decoded = Buffer.from(server.auth.slice(6), 'base64').toString();
  const [user, apikey] = [decoded.slice(0, decoded.indexOf(':')), decoded.slice(decoded.indexOf(':') + 1)];
  const client = new DockerCloudClient(await resolveConfig({ restHost: server.url, user, apikey }, { env: {} }));
  const store = new FleetStore(client, { maxFps: 30, measure: true });
  const t0 = performance.now();
  const first = await store.start();
  const firstMs = performance.now() - t0;
  rows.push(['store: first complete snapshot (10,000 containers)', `${Math.round(firstMs)} ms (${first.objects.container.size} containers, ${client.rest.requests} requests)`]);
  const events0 = store.stats.events;
  const fetches0 = store.stats.fetches;
  store.stats.latencies.length = 0;
  const cpu0 = process.cpuUsage();
  await new Promise((r) => setTimeout(r, SECONDS * 2000));
  const cpu = process.cpuUsage(cpu0);
  const events = store.stats.events - events0;
  const fetches = store.stats.fetches - fetches0;
  const latencies = [...store.stats.latencies].sort((a, b) => a - b);
  target('GETs per 1,000 events against dctop serve', Math.round((fetches / Math.max(1, events)) * 1000), 'GETs', 50);
  rows.push(['store under --churn 1000', `${Math.round(events / (SECONDS * 2))} events/s received, ` +
    `${Math.round((fetches / Math.max(1, events)) * 1000)} fetches per 1,000 events, ` +
    `${Math.round(store.stats.snapshots / (SECONDS * 2))} snapshots/s`]);
  rows.push(['store: event → snapshot latency', `p50 ${percentile(latencies, 0.5).toFixed(1)} ms, p99 ${percentile(latencies, 0.99).toFixed(1)} ms (${latencies.length} state changes)`]);
  rows.push(['store: client process', `RSS ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB, CPU ${(((cpu.user + cpu.system) / 1e6 / (SECONDS * 2)) * 100).toFixed(0)} %`]);
  store.close();
  await client.close();
  await stop(server);
}

async function serverLoads(): Promise<void> {
  const server = await startServer(['--fleet', '10000', '--seed', '1']);
  rows.push(['start with --fleet 10000 (spawn to ready)', `${Math.round(server.readyMs)} ms, RSS ${rssMiB(server.child.pid!)} MiB`]);
  await listLoad(server, 25, 10_000);
  await listLoad(server, 1000, 10_000);
  rows.push(['server RSS after listing', `${rssMiB(server.child.pid!)} MiB`]);
  await stop(server);
  for (const churn of [1000, 4000, 8000]) await eventLoad(churn);
  await fanoutLoad();
}

async function main(): Promise<void> {
  const part = process.argv[2];
  if (!part || part === 'store') await storeLoad();
  if (!part || part === 'server') await serverLoads();
  if (part === 'fanout') await fanoutLoad();
  if (!part || part === 'monitor') {
    const busy = await monitorLoad(1000, { eventToScreen: true, minSeconds: 20 });
    const idle = await monitorLoad(0, { noInput: true, metricsOff: true });
    const idleUsage = await monitorLoad(0, { noInput: true });
    const slow = await monitorLoad(0, { via: (url) => latencyProxy(url, 50) });
    rows.push(...busy.rows, ...idle.rows, ...idleUsage.rows, ...slow.rows);
    target('monitor CPU, --fleet 10000 --churn 1000', Math.round(busy.metrics.cpu), '% of a core', 25);
    target('key → frame p99 under that load', Math.round(busy.metrics.keyP99), 'ms', 50);
    target('event → screen (a changed row in view) p99', Math.round(busy.metrics.eventToScreenP99), 'ms', 100);
    target('first complete containers screen, 10k, server running', idle.metrics.firstScreenMs, 'ms', 1000);
    target('… through a link with 50 ms round trips', slow.metrics.firstScreenMs, 'ms', 1000);
    // Idle: no events, no input, and (live usage off) nothing on screen that moves by itself.
    target('idle (no events, no input, metrics off): CPU', Number(idle.metrics.cpu.toFixed(1)), '% of a core', 0.5);
    target('idle: frames', Number(idle.metrics.framesPerS.toFixed(1)), 'frames/s', 0);
    target('idle: bytes to the terminal', Math.round(idle.metrics.bytesPerS), 'B/s', 0);
    target('idle with live usage (a reading every 2 s): CPU', Number(idleUsage.metrics.cpu.toFixed(1)), '% of a core', 0.5);
  }
  // The RSS over time, with 4 log panes open: `node dist/bench/run.js soak MINUTES` (30 for the issue's row).
  if (part === 'soak') {
    const soak = await monitorLoad(1000, { panes: 4, soakMinutes: Number(process.argv[3] ?? 30) });
    rows.push(...soak.rows);
    target(`monitor RSS after ${process.argv[3] ?? 30} min, 4 log panes`, Math.max(...soak.metrics.rssLog), 'MiB', 250);
  }
  // Only when asked: it needs the engines of scripts/docker-env.sh (up, plain, multinode 2) and makes 1,300 containers.
  // `docker metrics`: only the cost of live metrics (it needs only the main engine).
  if (part === 'docker') rows.push(...(await dockerLoads(process.argv[3] === 'metrics' ? ['metrics'] : undefined)));
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`dctop serve benchmarks (${SECONDS} s per load, Node ${process.version}, loopback)`);
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
  if (targets.length) {
    const w = Math.max(...targets.map(([k]) => k.length));
    const m = Math.max(...targets.map(([, v]) => v.length));
    console.log(`\ntargets (the performance issue)`);
    for (const [k, v, t, ok] of targets) console.log(`${k.padEnd(w)}  ${v.padStart(m)}  ${t.padEnd(18)} ${ok ? 'met' : 'NOT met'}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
