// The built dctop binary in a real pseudo-terminal (tmux, 120×40) against a real server: what a person sees and does.
import { mkdtempSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually, findOne, startTestServer, USERS, type TestServer } from '../helpers/server.js';
import { Terminal, tmuxAvailable } from './tmux.js';

const CLI = fileURLToPath(new URL('../../dist/src/cli.js', import.meta.url));
let t: TestServer;
const terminals: Terminal[] = [];

beforeAll(async () => {
  t = await startTestServer({ fleet: 'demo', speed: 20 });
});
afterAll(() => t.close());
afterEach(async () => {
  for (const term of terminals.splice(0)) await term.close();
});

async function monitor(...args: string[]): Promise<Terminal> {
  return monitorOf(t.url, ...args);
}

async function monitorOf(url: string, ...args: string[]): Promise<Terminal> {
  const term = await Terminal.start(['node', CLI, ...args], {
    cols: 120, rows: 40,
    env: {
      CI: undefined, // Ink writes no live frames when CI is set
      DOCKERCLOUD_REST_HOST: url, DOCKERCLOUD_USER: 'alice', DOCKERCLOUD_APIKEY: USERS['alice'],
      XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'dctop-e2e-')), NO_COLOR: undefined,
    },
  });
  terminals.push(term);
  await term.waitFor(/● live/, 15000);
  await term.waitFor(/ready/);
  return term;
}

const get = async (uri: string) => (await t.api('GET', uri)).body;

/**
 * A TCP proxy to the test server that can hang: once frozen, it keeps every connection open and passes nothing more
 * either way, as a server that stopped answering does (a hung process, a dead link).
 */
async function freezableProxy(target: string): Promise<{ url: string; freeze(): void; close(): Promise<void> }> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<net.Socket>();
  let frozen = false;
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(port), hostname);
    for (const [from, to] of [[client, upstream], [upstream, client]] as const) {
      sockets.add(from);
      from.on('data', (chunk) => { if (!frozen) to.write(chunk); });
      from.on('error', () => to.destroy());
      from.on('close', () => { if (!frozen) to.destroy(); });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    freeze: () => {
      frozen = true;
      for (const socket of sockets) socket.pause();
    },
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}
/** Filters the containers view down to the one container of that name. */
async function onlyContainer(term: Terminal, name: string): Promise<void> {
  await term.send('/');
  await term.type(`^${name}$`);
  await term.send('Enter');
  await term.waitFor(/containers \(1\)/);
}

/** The table's rows by name, top to bottom (the gutter is › for the cursor, ◆ for a mark). */
function rowNames(screen: string): string[] {
  const lines = screen.split('\n');
  const header = lines.findIndex((l) => /^ NAME /.test(l));
  return lines.slice(header + 1).filter((l) => /^[›◆◈ ] \S/.test(l)).map((l) => l.slice(2).split(/\s+/)[0]!);
}

/** A lone Esc is held back a moment by Ink (it may start a sequence): let it through before the next key. */
async function escape(term: Terminal): Promise<void> {
  await term.send('Escape');
  await new Promise((r) => setTimeout(r, 100));
}

// Skipped only on a developer machine without tmux; CI installs it (.ci/run) and must run these.
describe.skipIf(!tmuxAvailable() && !process.env['CI'])('the monitor in a terminal', () => {
  it('navigates views, drills down with Enter and comes back with Esc', async () => {
    const term = await monitor();
    await term.waitFor(/services \(16\)/);
    await term.send('3');
    await term.waitFor(/stacks \(4\)/);
    await term.send('Enter'); // the first stack: shop
    await term.waitFor(/services of shop \(6\)\s+stacks › shop/);
    await term.send('Enter'); // its first service: web
    await term.waitFor(/containers of web \(4\)\s+stacks › shop › web/);
    expect(await term.screen()).toMatch(/web-1\s+▶ Running/);
    await escape(term);
    await term.waitFor(/services of shop/);
    await escape(term);
    await term.waitFor(/stacks \(4\)/);
    await term.type(':ctr web');
    await term.send('Enter');
    await term.waitFor(/containers \(\d+\) \/web\//);
    const screen = await term.screen();
    expect(screen.split('\n').length).toBeLessThanOrEqual(40);
    expect(screen).not.toMatch(/mariadb-1/);
  });

  it('shows a change made through the REST API', async () => {
    const term = await monitor();
    await t.api('POST', '/api/app/v1/service/', { image: 'nginx', name: 'from-rest' });
    await term.waitFor(/from-rest\s+◼ Not running/);
    const svc = await findOne(t, '/api/app/v1/service/?name=from-rest');
    await t.api('POST', `${svc.resource_uri}start/`);
    await term.waitFor(/from-rest\s+▶ Running/);
    // Frames are written incrementally; each lands where the last one was (ink 6.8 needs scripts/patch-ink.mjs).
    const screen = await term.screen();
    expect(screen.match(/dctop · remote/g)).toHaveLength(1);
    expect(screen.split('\n')[0]).toMatch(/^dctop · remote/);
  });

  it('stops and starts a container with keys, and the server agrees', async () => {
    const term = await monitor('--view', 'containers');
    await onlyContainer(term, 'hello-world-1');
    const c = await findOne(t, '/api/app/v1/container/?name=hello-world-1');
    await term.send('x');
    await term.waitFor(/Stop container hello-world-1\? y\/N/);
    expect((await get(c.resource_uri)).state).toBe('Running');
    await term.type('y');
    await eventually(async () => (await get(c.resource_uri)).state === 'Stopped', 10000, 'stopped on the server');
    await term.waitFor(/hello-world-1\s+◼ Stopped/);
    await term.waitFor(/Stop hello-world-1: 1\/1 done/);
    await term.send('s');
    await eventually(async () => (await get(c.resource_uri)).state === 'Running', 10000, 'running on the server');
    await term.waitFor(/hello-world-1\s+▶ Running/);
  });

  it('streams two log panes at once', async () => {
    const term = await monitor('--view', 'containers');
    await term.send('l');
    await term.waitFor(/logs container \S+ \(\d+\)/);
    await term.send('Tab'); // back to the table
    await term.send('j');
    await term.send('l');
    await eventually(async () => ((await term.screen()).match(/logs container/g) ?? []).length === 2, 8000, 'two panes');
    // Both fill with lines.
    await eventually(async () => {
      const counts = [...(await term.screen()).matchAll(/logs container \S+ \((\d+)\)/g)].map((m) => Number(m[1]));
      return counts.length === 2 && counts.every((n) => n > 0);
    }, 8000, 'lines in both');
  });

  it('asks before terminating, and cancels on anything but yes', async () => {
    const term = await monitor('--view', 'containers');
    await onlyContainer(term, 'kibana-1');
    await term.send('D');
    await term.waitFor(/Terminate container kibana-1\? y\/N/);
    await term.type('n');
    await term.waitFor(/Terminate canceled/);
    const c = await findOne(t, '/api/app/v1/container/?name=kibana-1');
    expect((await get(c.resource_uri)).state).toBe('Running');
    await term.send('D');
    await term.waitFor(/Terminate container kibana-1\? y\/N/);
    await term.send('Enter'); // any key but y cancels
    await term.waitFor(/Terminate canceled \('enter' is not y\)/);
    expect((await get(c.resource_uri)).state).toBe('Running');
    await term.send('D');
    await term.waitFor(/Terminate container kibana-1\? y\/N/);
    await term.type('y');
    await eventually(async () => ['Terminating', 'Terminated'].includes((await get(c.resource_uri)).state), 10000);
  });

  it('keys that arrive in one read act one after another, on what each one left on screen', async () => {
    const term = await monitor();
    await term.waitFor(/› web\s+▶ Running/);
    await term.type('5x'); // one write: containers, then stop what is selected there
    await term.waitFor(/Stop container db-1\? y\/N/);
    await term.type('n');
    await term.waitFor(/Stop canceled/);
    expect((await findOne(t, '/api/app/v1/service/?name=web')).state).toBe('Running');
    const names = rowNames(await term.screen());
    await term.type('jjjjj');
    await term.waitFor(new RegExp(`› ${names[5]}\\s`));
    await term.type('3i');
    await term.waitFor(/inspect shop ·/);
    await escape(term);
    await term.type('5l');
    await term.waitFor(/▌logs container db-1 \(\d{2,}\) · follow/, 10000);
    await term.type('kkk');
    await term.waitFor(/▌logs container db-1 \(\d+\) · paused \d+↑/); // 3 up, and more as lines come
    await term.type('\tj'); // Tab to the table, then down one there
    await term.waitFor(new RegExp(`› ${names[1]}\\s`));
    // Still paused where it was: 3 lines up, and more as lines come (it holds still).
    expect(await term.screen()).toMatch(/ {2}logs container db-1 \(\d+\) · paused \d+↑/);
  });

  it('a y typed together with the key that asks does not answer the question', async () => {
    const term = await monitor('--view', 'containers');
    await onlyContainer(term, 'cache-1');
    await term.type('xy');
    await term.waitFor(/'y' arrived before the question showed/);
    await term.waitFor(/Stop container cache-1\? y\/N/);
    const c = await findOne(t, '/api/app/v1/container/?name=cache-1');
    expect((await get(c.resource_uri)).state).toBe('Running');
    await escape(term);
    await term.waitFor(/Stop canceled/);
  });

  it('read-only mode offers no operation', async () => {
    const term = await monitor('--readonly', '--view', 'containers');
    const screen = await term.screen();
    expect(screen).toMatch(/read-only/);
    expect(screen).not.toMatch(/x stop|D terminate/);
    const running = (await t.api('GET', '/api/app/v1/container/?state=Running&limit=1')).body.objects[0];
    await term.send('x');
    await term.waitFor(/read-only: stop is disabled/);
    await term.send('D');
    await term.waitFor(/read-only: terminate is disabled/);
    expect((await get(running.resource_uri)).state).toBe('Running');
    expect(await term.screen()).not.toMatch(/y\/N/);
    await term.send('?');
    await term.waitFor(/help · j\/k scroll/);
    expect(await term.screen()).not.toMatch(/Terminate/);
  });

  it('while the server is down the banner says why and counts, log panes say disconnected; ctrl-r, and both resume', async () => {
    const term = await monitor('--view', 'containers');
    await term.send('l');
    await term.waitFor(/logs container \S+ \(\d+\) · follow/);
    const port = t.server.port;
    await t.server.stopListening();
    await term.waitFor(/retry \d+ in \d+ s · ctrl\+r retries now · the API is unreachable at http:\S+: connection refused/, 10000);
    await term.waitFor(/logs container \S+ \(\d+\) · disconnected/, 10000);
    expect(await term.screen()).toMatch(/— disconnected: .* —/);
    await new Promise((r) => setTimeout(r, 3000)); // a few failed attempts: the next one is seconds away
    await t.server.listen(port, '127.0.0.1');
    await term.send('C-r');
    await term.waitFor(/● live/, 3000);
    await term.waitFor(/logs container \S+ \(\d+\) · follow/, 10000);
    expect(await term.screen()).not.toMatch(/unreachable|disconnected/);
    await term.send('Tab'); // a key: what the status line said about ctrl-r goes
    await term.waitForGone(/reconnecting…/);
  });

  it('opens a shell in a running container and comes back to where it was', async () => {
    const term = await monitor('--view', 'containers');
    await onlyContainer(term, 'db-1');
    await term.send('e');
    await term.waitFor(/dctop: sh in \S+ · exit or ctrl-d ends it/);
    await term.waitFor(/root@db-1:\S* ?#/);
    await term.type('echo $MYSQL_DATABASE');
    await term.send('Enter');
    await term.waitFor(/^shop$/m);
    await term.type('exit');
    await term.send('Enter');
    await term.waitFor(/exec \S+: ended \(exit 0\)/);
    expect(await term.screen()).toMatch(/containers \(1\) \/\^db-1\$\//); // the same view and filter
  });

  it('lays out again when the terminal is resized, exactly as tall as it', async () => {
    const term = await monitor();
    await term.resize(80, 20);
    await term.waitFor(/services \(\d+\)/);
    await term.waitFor(/enter drill down/);
    const lines = (await term.screen()).split('\n');
    expect(lines).toHaveLength(20);
    expect(lines[19], lines.join('\n')).toMatch(/\? help$/);
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(80);
    expect(await term.screen()).toMatch(/dctop · remote/);
  });

  it('says in one line that it needs a terminal', async () => {
    const { execFile } = await import('node:child_process');
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = execFile(process.execPath, [CLI], { env: { ...process.env, DOCKERCLOUD_REST_HOST: t.url } }, (error, _out, stderr) =>
        resolve({ code: error ? (error as { code?: number }).code ?? 1 : 0, stderr }));
      child.stdin?.end();
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^dctop: the monitor needs a terminal \(stdout is not one\)/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('in a shell, arrows and line editing work as in a terminal, and ctrl-] comes back', async () => {
    const term = await monitor('--view', 'containers');
    await onlyContainer(term, 'db-1');
    await term.send('e');
    await term.waitFor(/root@db-1:\S* ?#/);
    await term.type('echo abc');
    await term.send('Left', 'Left');
    await term.type('X'); // between a and b
    await term.send('Enter');
    await term.waitFor(/^aXbc$/m);
    await term.send('Up'); // the line again, from history
    await term.send('C-a');
    await term.send('C-k'); // and gone
    await term.type('echo done');
    await term.send('Enter');
    await term.waitFor(/^done$/m);
    expect(await term.screen()).not.toMatch(/\[A|\[D|\^\[/); // no raw escapes in the shell
    await term.send('C-]');
    await term.waitFor(/exec \S+: left with ctrl-\]/);
  });

  it('wrong credentials say so, name where they came from, and retry slowly; a namespace that is not there stops', async () => {
    const wrong = await Terminal.start(['node', CLI], {
      cols: 160, rows: 30,
      env: {
        CI: undefined, DOCKERCLOUD_REST_HOST: t.url, DOCKERCLOUD_USER: 'alice', DOCKERCLOUD_APIKEY: 'not-her-key',
        XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'dctop-e2e-')),
      },
    });
    terminals.push(wrong);
    await wrong.waitFor(/next try in \d+ s · ctrl\+r retries now · the API refused the credentials of user alice \(from DOCKERCLOUD_USER and DOCKERCLOUD_APIKEY\): check them/, 15000);
    expect(await wrong.screen()).toMatch(/✘ auth failed/);
    expect(await wrong.screen()).toMatch(/no data yet/);
    const term = await monitor();
    await term.type(':ns nowhere');
    await term.send('Enter');
    await term.waitFor(/namespace nowhere does not exist or you may not see it · not retrying/, 10000);
    expect(await term.screen()).toMatch(/nothing loaded/);
  });

  it("switches to an organisation's namespace with :ns", async () => {
    await t.api('POST', '/api/app/v1/acme/service/', { image: 'nginx', name: 'in-acme' });
    const term = await monitor();
    await term.type(':ns acme');
    await term.send('Enter');
    await term.waitFor(/ns acme/);
    await term.waitFor(/services \(1\)/);
    expect(await term.screen()).toMatch(/in-acme\s+◼ Not running/);
  });

  it('quits at once when the server stopped answering, with log panes open', async () => {
    const proxy = await freezableProxy(t.url);
    try {
      const term = await monitorOf(proxy.url, '--view', 'containers');
      await term.send('l');
      await term.waitFor(/logs container/);
      proxy.freeze();
      await new Promise((r) => setTimeout(r, 300));
      const started = Date.now();
      await term.send('q');
      expect(await term.waitForExit(5000)).toBe(0);
      expect(Date.now() - started).toBeLessThan(3000); // not the 30 s of a request timeout, nor ws's close timeout
    } finally {
      await proxy.close();
    }
  });

  it('q, ctrl-c and SIGTERM each quit and give the terminal back (the alternate screen left)', async () => {
    for (const leave of [(term: Terminal) => term.send('q'), (term: Terminal) => term.send('C-c'), (term: Terminal) => term.kill('TERM')]) {
      const term = await monitor();
      await leave(term);
      expect(await term.waitForExit(5000)).toBe(0);
      expect(await term.screen()).not.toMatch(/services \(\d+\)/); // the dashboard is gone with the alternate screen
      await term.close();
    }
  });
});
