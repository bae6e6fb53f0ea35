// `dctop serve` as a separate process for the benchmarks, and what /proc says of a process.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../src/cli.js', import.meta.url));

export interface Server { child: ChildProcess; url: string; auth: string; readyMs: number }

export async function startServer(args: string[]): Promise<Server> {
  const started = performance.now();
  // BENCH_SERVER_FLAGS: Node flags for the server's process (e.g. --cpu-prof, to see where a load's time goes).
  const flags = (process.env['BENCH_SERVER_FLAGS'] ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...flags, CLI, 'serve', '--port', '0', '--rate-limit', '0', ...args], {
    env: { ...process.env, NODE_ENV: 'production' }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.split('\n').length > 2) resolve();
    });
    child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
  const url = /listening on (\S+)/.exec(out)![1]!;
  const user = /DOCKERCLOUD_USER=(\S+)/.exec(out)![1]!;
  const key = /DOCKERCLOUD_APIKEY=(\S+)/.exec(out)![1]!;
  return { child, url, auth: `Basic ${Buffer.from(`${user}:${key}`).toString('base64')}`, readyMs: performance.now() - started };
}

export function stop(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.child.once('exit', () => resolve());
    server.child.kill('SIGTERM');
  });
}

export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
}

/** CPU seconds (user + system) the process used so far. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

