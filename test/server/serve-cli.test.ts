// `dctop serve` as a real process: what it prints, that a client can use it, and how it ends.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../dist/src/cli.js', import.meta.url));
const children: ChildProcessWithoutNullStreams[] = [];

function run(args: string[]) {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, NODE_ENV: 'production' } });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = once(child, 'exit').then(([code]) => code as number);
  const output = () => ({ stdout, stderr });
  const line = async (n: number) => {
    while ((stdout.match(/\n/g)?.length ?? 0) <= n) { // wait for the whole line
      if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return stdout.split('\n')[n]!;
  };
  return { child, exited, output, line };
}

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

describe('dctop serve', () => {
  it('prints the URL and the export line, serves with those credentials, and closes on SIGTERM', async () => {
    const p = run(['serve', '--port', '0', '--fleet', 'demo', '--user', 'ops:s3cret']);
    const first = await p.line(0);
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(first)![1]!;
    expect(first).toContain('41 containers');
    const exportLine = await p.line(1);
    const env = Object.fromEntries(exportLine.replace(/^export /, '').split(' ').map((kv) => kv.split('=')));
    expect(env).toEqual({
      DOCKERCLOUD_REST_HOST: url, DOCKERCLOUD_STREAM_HOST: url.replace('http', 'ws'), DOCKERCLOUD_USER: 'ops',
      DOCKERCLOUD_APIKEY: 's3cret',
    });
    const auth = `Basic ${Buffer.from('ops:s3cret').toString('base64')}`;
    const res = await fetch(`${env.DOCKERCLOUD_REST_HOST}/api/app/v1/stack/`, { headers: { Authorization: auth } });
    expect((await res.json()).meta.total_count).toBe(4);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  });

  it('--namespace puts the sim fleet in an organisation its members share, and the export line names it', async () => {
    const p = run(['serve', '--port', '0', '--fleet', 'demo', '--user', 'ops:k1', '--user', 'dev:k2', '--org', 'team:ops,dev', '--namespace', 'team']);
    expect(await p.line(0)).toContain('41 containers in namespace team');
    const env = Object.fromEntries((await p.line(1)).replace(/^export /, '').split(' ').map((kv) => kv.split('=')));
    expect(env.DOCKERCLOUD_NAMESPACE).toBe('team');
    const auth = `Basic ${Buffer.from('dev:k2').toString('base64')}`;
    const res = await fetch(`${env.DOCKERCLOUD_REST_HOST}/api/app/v1/team/stack/`, { headers: { Authorization: auth } });
    expect((await res.json()).meta.total_count).toBe(4);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    const nobody = run(['serve', '--port', '0', '--user', 'ops:k1', '--namespace', 'nobody']);
    expect(await nobody.exited).toBe(2);
    expect(nobody.output().stderr).toContain('--namespace nobody: no --user or --org has that name');
  });

  it('makes up a demo user with a random key when none is given', async () => {
    const p = run(['serve', '--port', '0', '--fleet', 'empty']);
    const exportLine = await p.line(1);
    expect(exportLine).toMatch(/DOCKERCLOUD_USER=demo DOCKERCLOUD_APIKEY=[0-9a-f]{32}$/);
    p.child.kill('SIGINT');
    expect(await p.exited).toBe(0);
  });

  it('says in one line that the port is taken', async () => {
    const a = run(['serve', '--port', '0', '--fleet', 'empty']);
    const port = /:(\d+)$/.exec(/listening on (\S+)/.exec(await a.line(0))![1]!)![1]!;
    const b = run(['serve', '--port', port, '--fleet', 'empty']);
    expect(await b.exited).toBe(1);
    expect(b.output().stderr).toBe(`dctop serve: port ${port} on 127.0.0.1 is already in use (--port 0 picks a free one)\n`);
    a.child.kill('SIGTERM');
  });

  it('rejects bad options with a clear message and exit code 2', async () => {
    for (const args of [['--fleet', 'lots'], ['--speed', '-1'], ['--user', 'nokey'], ['--bogus'], ['--backend', 'k8s']]) {
      const p = run(['serve', ...args]);
      expect(await p.exited).toBe(2);
      expect(p.output().stderr).toMatch(/^dctop serve: .+\n/);
      expect(p.output().stderr).not.toMatch(/\bat .+\.js:\d+/); // no stack trace
    }
  });
});
