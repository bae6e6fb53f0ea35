// npm run bench (monitor part): the monitor in a 120×40 tmux pseudo-terminal against `dctop serve --fleet 10000`,
// with --churn 1000 and idle: frames/s, bytes/s written to the terminal, CPU, RSS, key→frame latency p50/p99.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../src/cli.js', import.meta.url));
/** The monitor as installed: the bundle (what `npm install` gives), when it was built. */
const BUNDLE = fileURLToPath(new URL('../bundle/cli.js', import.meta.url));
const MONITOR = existsSync(BUNDLE) ? BUNDLE : CLI;
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 5);
/** Node flags for the monitor's process, to measure one (e.g. a V8 heap setting) before making it a default. */
const MONITOR_FLAGS = process.env['BENCH_MONITOR_FLAGS'] ?? '';
const SOCKET = `dctop-bench-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;

function startServer(churn: number): Promise<{ child: ChildProcess; url: string; user: string; key: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--fleet', '10000', '--seed', '1', '--churn', String(churn), '--rate-limit', '0'],
      { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, NODE_ENV: 'production' } });
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (\S+)[\s\S]*DOCKERCLOUD_USER=(\S+) DOCKERCLOUD_APIKEY=(\S+)/.exec(out);
      if (m) resolve({ child, url: m[1]!, user: m[2]!, key: m[3]! });
    });
    child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
}

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
const rssMiB = (pid: number) => Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024);
const screen = () => tmux('capture-pane', '-p', '-t', 'bench');
const selectedLine = () => screen().split('\n').find((l) => l.startsWith('›')) ?? '';

async function waitFor(re: RegExp, ms = 30000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!re.test(screen())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${re}:\n${screen()}`);
    await sleep(50);
  }
}

/**
 * Event → screen: a Running container on screen is stopped through the API (the server announces the change at
 * once); the time from the request to its row saying Stopping or Stopped. Each is started again afterwards.
 */
async function eventToScreen(server: { url: string; user: string; key: string }): Promise<number[]> {
  const headers = { Authorization: `Basic ${Buffer.from(`${server.user}:${server.key}`).toString('base64')}` };
  const api = async (path: string, method = 'GET') => {
    const res = await fetch(`${server.url}/api/app/v1/container/${path}`, { method, headers });
    return res.json() as Promise<{ objects?: { uuid: string }[]; uuid?: string }>;
  };
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    const line = screen().split('\n').filter((l) => /▶ Running/.test(l))[i % 10];
    const name = line && /^. (\S+) /.exec(line)?.[1]; // the NAME column, after the cursor's gutter
    if (!name) continue;
    const uuid = (await api(`?name=${encodeURIComponent(name)}&state=Running&limit=1`)).objects?.[0]?.uuid;
    if (!uuid) continue;
    const sent = performance.now();
    await api(`${uuid}/stop/`, 'POST');
    const row = () => screen().split('\n').find((l) => l.startsWith(` ${name} `, 1)) ?? '';
    while (!/Stopp(ing|ed)/.test(row()) && performance.now() - sent < 5000) await sleep(2);
    times.push(performance.now() - sent);
    await sleep(300);
    await api(`${uuid}/start/`, 'POST');
  }
  return times.sort((a, b) => a - b);
}

/** The pid of the node process in the pane (the pane runs `exec node …`). */
const panePid = () => Number(tmux('display-message', '-p', '-t', 'bench', '#{pane_pid}').trim());

/** What one monitor load measured, for the table of targets. */
export interface MonitorMetrics { cpu: number; keyP99: number; eventToScreenP99: number; rss: number; firstScreenMs: number; framesPerS: number; bytesPerS: number; rssLog: number[] }

export interface MonitorOptions {
  /** The API through a proxy (a slow link): its URL, given the server's. */
  via?: (url: string) => Promise<{ url: string; close(): Promise<void> }>;
  /** Log panes to open before measuring. */
  panes?: number;
  /** Measure this long (the RSS sampled every 30 s), instead of BENCH_SECONDS. */
  soakMinutes?: number;
  /** Measure at least this long (a p99 of keys wants more than the 18 keys of 5 s). */
  minSeconds?: number;
  /** No keys: what the monitor costs while nobody types (idle is no input as well as no events). */
  noInput?: boolean;
  /** The config's "metrics": false (no live usage: nothing on screen moves by itself). */
  metricsOff?: boolean;
  /** Also measure event → screen: stop containers shown on screen, and time until their rows say so. */
  eventToScreen?: boolean;
}

export async function monitorLoad(churn: number, options: MonitorOptions = {}): Promise<{ rows: [string, string][]; metrics: MonitorMetrics }> {
  const server = await startServer(churn);
  // "Already running": it has answered a listing before (its first one serializes the whole fleet).
  await fetch(`${server.url}/api/app/v1/container/?limit=1000`, { headers: { Authorization: `Basic ${Buffer.from(`${server.user}:${server.key}`).toString('base64')}` } })
    .then((r) => r.arrayBuffer());
  const proxy = options.via ? await options.via(server.url) : null;
  const record = join(mkdtempSync(join(tmpdir(), 'dctop-bench-')), 'tty.out');
  const config = mkdtempSync(join(tmpdir(), 'dctop-bench-config-'));
  if (options.metricsOff) {
    mkdirSync(join(config, 'dctop'));
    writeFileSync(join(config, 'dctop', 'config.json'), JSON.stringify({ metrics: false }));
  }
  const env = `env -u CI DOCKERCLOUD_REST_HOST=${proxy?.url ?? server.url} DOCKERCLOUD_USER=${server.user} DOCKERCLOUD_APIKEY=${server.key} XDG_CONFIG_HOME=${config}`;
  try {
    tmux('-f', '/dev/null', 'new-session', '-d', '-s', 'bench', '-x', '120', '-y', '40', `exec ${env} ${process.execPath} ${MONITOR_FLAGS} ${MONITOR} --view containers`);
    tmux('set-option', '-t', 'bench', 'status', 'off');
    tmux('pipe-pane', '-o', '-t', 'bench', `cat >> ${record}`);
    const startedAt = Date.now();
    await waitFor(/● live/);
    await waitFor(/ready/);
    const readyMs = Date.now() - startedAt;
    for (let i = 0; i < (options.panes ?? 0); i++) {
      // A log pane on the row below the last one's: the cursor moves back to the table with Tab between.
      tmux('send-keys', '-t', 'bench', ...(i ? ['Tab', 'j', 'j'] : []), 'l');
      await sleep(300);
    }
    // The focus back on the table (Tab goes round the panes to it), where the keys below move the selection.
    if (options.panes) tmux('send-keys', '-t', 'bench', 'Tab');
    await sleep(2000); // warm up
    const pid = panePid();
    const bytes0 = statSync(record).size;
    const frames0 = (readFileSync(record, 'latin1').match(/\u001b\[\?2026h/g) ?? []).length;
    const cpu0 = cpuSeconds(pid);
    const t0 = Date.now();
    const latencies: number[] = [];
    const rssLog: number[] = [];
    const duration = options.soakMinutes ? options.soakMinutes * 60_000 : Math.max(SECONDS, options.minSeconds ?? 0) * 1000;
    let sampled = 0;
    while (Date.now() - t0 < duration) {
      if (Date.now() - t0 >= sampled) {
        rssLog.push(rssMiB(pid));
        sampled += 30_000;
      }
      if (options.noInput) {
        await sleep(250);
        continue;
      }
      const before = selectedLine();
      const sent = performance.now();
      tmux('send-keys', '-t', 'bench', 'j');
      while (selectedLine() === before && performance.now() - sent < 2000) await sleep(2);
      latencies.push(performance.now() - sent);
      await sleep(250);
    }
    const elapsed = (Date.now() - t0) / 1000;
    const out = readFileSync(record, 'latin1');
    const frames = (out.match(/\u001b\[\?2026h/g) ?? []).length - frames0;
    const bytes = statSync(record).size - bytes0;
    const cpu = (cpuSeconds(pid) - cpu0) / elapsed;
    latencies.sort((a, b) => a - b);
    rssLog.push(rssMiB(pid));
    const shown = options.eventToScreen ? await eventToScreen(server) : [];
    const label = `monitor, --fleet 10000 ${churn ? `--churn ${churn}` : 'no events'}${options.noInput ? ', no input' : ''}${options.metricsOff ? ', metrics off' : ''}${proxy ? ', 50 ms round trips' : ''}` +
      `${options.panes ? `, ${options.panes} log panes` : ''}${options.soakMinutes ? `, ${options.soakMinutes} min` : ''}`;
    const metrics: MonitorMetrics = {
      cpu: cpu * 100, keyP99: percentile(latencies, 0.99), eventToScreenP99: percentile(shown, 0.99), rss: rssMiB(pid), firstScreenMs: readyMs, framesPerS: frames / elapsed,
      bytesPerS: bytes / elapsed, rssLog,
    };
    return {
      metrics,
      rows: [[label, `${(frames / elapsed).toFixed(1)} frames/s, ${Math.round(bytes / elapsed / 1024)} KiB/s to the tty, CPU ${(cpu * 100).toFixed(0)} %, ` +
        `RSS ${metrics.rss} MiB${rssLog.length > 2 ? ` (${rssLog.join(' → ')})` : ''}, ` +
        (options.noInput ? 'no keys' : `key→frame p50 ${percentile(latencies, 0.5).toFixed(0)} ms / p99 ${percentile(latencies, 0.99).toFixed(0)} ms (${latencies.length} keys`) +
        `; first screen ${readyMs} ms${options.noInput ? '' : ')'}` +
        (shown.length ? `, event→screen p50 ${percentile(shown, 0.5).toFixed(0)} ms / p99 ${percentile(shown, 0.99).toFixed(0)} ms (${shown.length} stops)` : '')]],
    };
  } finally {
    await proxy?.close();
    try {
      tmux('kill-server');
    } catch {
      // already gone
    }
    server.child.kill('SIGTERM');
  }
}
