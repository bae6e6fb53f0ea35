// The monitor's views with ink-testing-library, on a real store fed by a real server (no mocks of either).
import { render, cleanup } from 'ink-testing-library';
import { beforeAll, describe, expect, it } from 'vitest';
import { MonitorContext, type MonitorContextValue } from '../../src/hooks/context.js';
import { Keymap } from '../../src/keys/index.js';
import { FleetStore } from '../../src/store/index.js';
import { App } from '../../src/views/App.js';
import { sanitize } from '../../src/views/text.js';
import { themeFor } from '../../src/theme.js';
import { clientFor } from '../helpers/client.js';
import { fleetPerFile, renderApp, type LiveFleet } from '../helpers/monitor.js';
import { eventually, startTestServer, type TestServer } from '../helpers/server.js';

const fleetOf = fleetPerFile();
let fleet: LiveFleet;
let t: TestServer;
beforeAll(() => {
  fleet = fleetOf();
  t = fleet.t;
});

const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));

const app = (readonly = false) => renderApp(fleet, { readonly });

describe('the App view', () => {
  it('fits the frame in the terminal and truncates every line to its width', async () => {
    const { lastFrame } = app();
    await tick();
    const lines = lastFrame()!.split('\n');
    expect(lines.length).toBe(24); // every row of ink-testing-library's 24, and no more
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(100);
    expect(lastFrame()).toMatch(/services \(16\)/);
    expect(lastFrame()).toMatch(/› web\s+▶ Running\s+4\/4/);
    // The hint line is cut to fit, but always ends with the way to help, once.
    const hints = lines.at(-1)!;
    expect(hints).toMatch(/ · \? help$/);
    expect(hints.match(/\? help/g)).toHaveLength(1);
  });

  it('filters as you type, with a regular expression', async () => {
    const { lastFrame, stdin } = app();
    await tick();
    stdin.write('/');
    await tick();
    stdin.write('^(db|cache)$');
    await tick();
    expect(lastFrame()).toMatch(/services \(2\) \/\^\(db\|cache\)\$\//);
    stdin.write('\r');
    await tick();
    expect(lastFrame()).not.toMatch(/web/);
  });

  it('generates help from the command registry, without mutating commands in read-only mode', async () => {
    const rw = app();
    await tick();
    rw.stdin.write('?');
    await tick();
    expect(rw.lastFrame()).toMatch(/help · j\/k scroll/);
    expect(rw.lastFrame()).toMatch(/Quit/);
    cleanup();
    const ro = app(true);
    await tick();
    expect(ro.lastFrame()).not.toMatch(/x stop/);
    ro.stdin.write('x');
    await tick();
    expect(ro.lastFrame()).not.toMatch(/Stop web/);
    expect((await t.api('GET', '/api/app/v1/service/?name=web')).body.objects[0].state).toBe('Running');
  });

  it("offers only the operations the selected object's state allows", async () => {
    const { lastFrame, stdin } = app();
    await tick();
    for (const keys of ['/', '^backup$', '\r']) {
      stdin.write(keys);
      await tick();
    }
    await eventually(() => /services \(1\)/.test(lastFrame() ?? '') && !/█/.test(lastFrame() ?? ''), 5000, 'filtered');
    expect(lastFrame()).toMatch(/backup\s+◼ Stopped/);
    expect(lastFrame()).toMatch(/s start/);
    expect(lastFrame()).not.toMatch(/x stop/);
  });

  it('asks for the name before terminating a stack, and cancels on a wrong one', async () => {
    const { lastFrame, stdin } = app();
    await tick();
    stdin.write('3');
    await eventually(() => /stacks \(4\)/.test(lastFrame() ?? ''), 5000, 'the stacks view');
    stdin.write('D');
    await eventually(() => /Terminate stack shop\? type its name to confirm:/.test(lastFrame() ?? ''), 5000, 'the question');
    stdin.write('shoq\r');
    await tick();
    expect(lastFrame()).toMatch(/Terminate canceled \('shoq' is not 'shop'\)/);
    const shop = (await t.api('GET', '/api/app/v1/stack/?name=shop')).body.objects[0];
    expect(shop.state).not.toMatch(/Terminat/);
  });

  it('scales a service after asking for the number, and shows the result', async () => {
    const { lastFrame, stdin } = app();
    await tick();
    for (const keys of ['/', '^hello-world$', '\r']) {
      stdin.write(keys);
      await tick();
    }
    await eventually(() => /services \(1\)/.test(lastFrame() ?? '') && !/█/.test(lastFrame() ?? ''), 5000, 'filtered');
    stdin.write('=');
    await eventually(() => /scale hello-world \(now \d+\) to:/.test(lastFrame() ?? ''), 5000, 'the prompt');
    stdin.write('3\r');
    await eventually(() => /hello-world\s+▶ Running\s+3\/3/.test(lastFrame() ?? ''), 8000, 'scaled on screen');
    await eventually(() => /Scale to 3: hello-world: 1\/1 done/.test(lastFrame() ?? ''), 8000, 'the result in the status line');
  });
});

describe('the App on an idle fleet', () => {
  it('renders nothing more once the first highlights faded', async () => {
    const idle = await startTestServer({ fleet: 'demo' });
    const idleClient = await clientFor(idle);
    const idleStore = new FleetStore(idleClient, { maxFps: 50 });
    try {
      await idleStore.start();
      const value: MonitorContextValue = {
        client: idleClient, store: idleStore, keymap: new Keymap({}, false), theme: themeFor('dark', false), readonly: false, confirm: true,
        mode: 'test', endpoint: idle.url, namespace: 'alice', warnings: [], runExec: async () => 'not in tests',
        firstView: 'service', execCommand: 'sh',
      };
      const { frames, lastFrame } = render(<MonitorContext.Provider value={value}><App /></MonitorContext.Provider>);
      await eventually(() => /services \(16\)/.test(lastFrame() ?? ''), 5000, 'the first screen');
      await tick(1500); // what was new at start fades within a second
      const settled = frames.length;
      await tick(2200);
      expect(frames.length).toBe(settled);
    } finally {
      cleanup();
      idleStore.close();
      await idleClient.close();
      await idle.close();
    }
  });
});

describe('untrusted text', () => {
  it('strips terminal control sequences', () => {
    expect(sanitize('ok\u001b[2J\u001b]0;title\u0007\u001b[31mred\u001b[0m\u0007')).toBe('okred');
    expect(sanitize('a\tb\r\n')).toBe('a  b');
  });
});
