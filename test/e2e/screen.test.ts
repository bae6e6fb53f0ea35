// The monitor's frame in a real terminal (tmux): resizes of any kind, ctrl-l, every row used, emphasis without
// colours, the hint line at 80 columns, columns at 200.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, USERS, type TestServer } from '../helpers/server.js';
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

async function monitor(cols: number, rows: number, args: string[] = [], env: Record<string, string | undefined> = {}): Promise<Terminal> {
  const term = await Terminal.start(['node', CLI, ...args], {
    cols, rows,
    env: {
      CI: undefined, DOCKERCLOUD_REST_HOST: t.url, DOCKERCLOUD_USER: 'alice', DOCKERCLOUD_APIKEY: USERS['alice'],
      XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'dctop-e2e-')), NO_COLOR: undefined, ...env,
    },
  });
  terminals.push(term);
  await term.waitFor(/● live/, 15000);
  await term.waitFor(/ready/);
  return term;
}

/** A screen with what moves by itself (ages, rates, the event sparkline, usage) masked. */
function shape(screen: string): string[] {
  return screen.split('\n').map((l) => l.replace(/[0-9]+[smhd]\b/g, 'AGE').replace(/[▁▂▃▄▅▆▇█ ]+ \d+\/s/, 'RATE')
    .replace(/\b\d+(\.\d)?(%|[BKMGT]\b)/g, 'USE').replace(/cpu \d+\.\d\//, 'cpu USE/').trimEnd());
}

const settle = () => new Promise((r) => setTimeout(r, 400));

describe.skipIf(!tmuxAvailable() && !process.env['CI'])('the frame in a terminal', () => {
  it('a width-only shrink leaves the same screen as a fresh start at that size', async () => {
    const resized = await monitor(120, 40);
    await resized.send('j', 'j'); // somewhere other than the first row
    await resized.send('k', 'k');
    await resized.resize(100, 40);
    await settle();
    const fresh = await monitor(100, 40);
    await fresh.waitFor(/cpu \S+ cores/); // its first usage readings
    await settle();
    const [a, b] = [shape(await resized.screen()), shape(await fresh.screen())];
    expect(a.join('\n')).toBe(b.join('\n'));
    expect(a).toHaveLength(40);
    expect(a.filter((l) => /\? help$/.test(l))).toHaveLength(1); // the hint line once, at the bottom
    expect(a[39]).toMatch(/\? help$/);
  });

  it('a height-only change and a growth repaint the whole frame too', async () => {
    const term = await monitor(100, 40);
    for (const [cols, rows] of [[100, 30], [130, 45], [90, 45]] as const) {
      await term.resize(cols, rows);
      await settle();
      const lines = (await term.screen()).split('\n');
      expect(lines).toHaveLength(rows);
      expect(lines[0]).toMatch(/^dctop · remote/);
      expect(lines[2]).toMatch(/^ services \(\d+\)/);
      expect(lines[rows - 1]).toMatch(/\? help$/);
      expect(lines.filter((l) => /\? help$/.test(l))).toHaveLength(1);
      for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(cols);
    }
  });

  it('ctrl-l draws everything again: what was written behind its back goes', async () => {
    const term = await monitor(100, 30);
    writeFileSync(await term.tty(), '\u001b[26;5HGARBAGE-ON-THE-SCREEN'); // an empty row: nothing redraws it by chance
    await term.waitFor('GARBAGE-ON-THE-SCREEN');
    await term.send('C-l');
    await term.waitForGone('GARBAGE-ON-THE-SCREEN');
    await term.waitFor(/^ services \(\d+\)/m); // cleared, then drawn again
    expect((await term.screen()).split('\n')[2]).toMatch(/^ services \(\d+\)/);
  });

  it('uses every row: the hints on the last one, the status above', async () => {
    const term = await monitor(80, 24);
    const lines = (await term.screen()).split('\n');
    expect(lines).toHaveLength(24);
    expect(lines[22]).toMatch(/^ ready/);
    expect(lines[23]).toMatch(/\? help$/);
    expect(lines[3]).toMatch(/^ NAME/);
    expect(lines.slice(4, 22).filter((l) => l.trim()).length).toBeGreaterThanOrEqual(16); // 16 services fill the table
  });
});

describe.skipIf(!tmuxAvailable() && !process.env['CI'])('without colours', () => {
  /** The SGR parameters used on a screen: colours (30-37, 38, 90-97, 40-47, 48, 100-107) and emphasis (1, 7 …). */
  function sgr(screen: string): { colours: boolean; reverse: boolean; bold: boolean } {
    const params = [...screen.matchAll(/\u001b\[([0-9;]*)m/g)].flatMap((m) => m[1]!.split(';').map(Number));
    const colour = (n: number) => (n >= 30 && n <= 38) || (n >= 40 && n <= 48) || (n >= 90 && n <= 97) || (n >= 100 && n <= 107);
    return { colours: params.some(colour), reverse: params.includes(7), bold: params.includes(1) };
  }

  it('--no-color keeps bold and reverse video (the selection bar), as NO_COLOR does, and drops only the colours', async () => {
    const flag = sgr(await (await monitor(100, 30, ['--no-color'])).styledScreen());
    const env = sgr(await (await monitor(100, 30, [], { NO_COLOR: '1' })).styledScreen());
    expect(flag).toEqual({ colours: false, reverse: true, bold: true });
    expect(env).toEqual(flag);
  });
});

describe.skipIf(!tmuxAvailable() && !process.env['CI'])('the width', () => {
  it('at 80 columns the hint line keeps :, / and ? whatever else it cuts, in the table and in a log pane', async () => {
    const term = await monitor(80, 24);
    expect((await term.screen()).split('\n')[23]).toMatch(/: command · \/ filter · \? help$/);
    await term.send('l'); // a log pane has the focus: its own keys, and the same three
    await term.waitFor(/logs service/);
    expect((await term.screen()).split('\n')[23]).toMatch(/: command · \/ filter · \? help$/);
  });

  it('live CPU and MEM in the containers view; > onto CPU sorts the rows on screen highest first', async () => {
    const term = await monitor(120, 40, ['--view', 'containers']);
    await term.waitFor(/ NAME +STATE +CPU +MEM /);
    await term.waitFor(/▶ Running\s+\d+(\.\d)?%\s+\d+(\.\d)?[KMG]/);
    await term.send('>', '>', '>');
    await term.waitFor(/sort:cpu↓/);
    await new Promise((r) => setTimeout(r, 2500)); // a reading of every row since the sort asked for them
    const cpu = (await term.screen()).split('\n').map((l) => Number(/▶ Running\s+(\d+(?:\.\d)?)%/.exec(l)?.[1] ?? NaN)).filter((v) => !Number.isNaN(v));
    expect(cpu.length).toBeGreaterThan(10);
    expect(cpu).toEqual([...cpu].sort((a, b) => b - a));
  });

  it('at 200 columns shows more columns rather than one stretched over the width', async () => {
    const term = await monitor(200, 50, ['--view', 'containers']);
    const header = (await term.screen()).split('\n').find((l) => /^ NAME /.test(l))!;
    expect(header).toMatch(/ CPU +MEM /);
    expect(header).toMatch(/ IP +STARTED/);
    expect(header.indexOf('NODE') - header.indexOf('IMAGE')).toBeLessThanOrEqual(41); // IMAGE at most 40 wide
    expect(header.indexOf('STACK') - header.indexOf('PORTS')).toBe(31); // PORTS 30 wide: room for several ports
  });
});

describe.skipIf(!tmuxAvailable() && !process.env['CI'])('copy and the mouse', () => {
  async function withConfig(config: object, cols = 120, rows = 40, args: string[] = []): Promise<Terminal> {
    const home = mkdtempSync(join(tmpdir(), 'dctop-e2e-'));
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(home, 'dctop'));
    writeFileSync(join(home, 'dctop', 'config.json'), JSON.stringify(config));
    return monitor(cols, rows, args, { XDG_CONFIG_HOME: home });
  }
  const selectedName = (screen: string) => /^[›◈] (\S+)/m.exec(screen)?.[1];
  const buffer = async (term: Terminal) => (await term.command('show-buffer')).trimEnd();

  it('y copies the name, UUID, resource URI or whole JSON of the selected row, the inspected JSON, the log lines shown (OSC 52)', async () => {
    const term = await monitor(120, 40, ['--view', 'containers']);
    await term.command('set-option', '-g', 'set-clipboard', 'on'); // tmux takes OSC 52 into its buffer
    const name = selectedName(await term.screen())!;
    await term.send('y');
    await term.waitFor(/copy \S+: n name · u UUID/);
    await term.send('n');
    await term.waitFor(/copied the name of/);
    expect(await buffer(term)).toBe(name);
    await term.send('y', 'r');
    await term.waitFor(/copied the resource URI/);
    expect(await buffer(term)).toMatch(/^\/api\/app\/v1\/alice\/container\/[0-9a-f-]{36}\/$/);
    // The whole object, though the monitor's store keeps it without its env vars and links.
    await term.send('y', 'j');
    await term.waitFor(/copied the JSON/);
    expect(JSON.parse(await buffer(term))).toMatchObject({ name, container_envvars: expect.any(Array) });
    await term.send('i');
    await term.waitFor(/^ inspect/m);
    await term.send('y');
    await term.waitFor(/copied the JSON of/);
    expect(JSON.parse(await buffer(term))).toMatchObject({ name, container_envvars: expect.any(Array) });
    await term.send('Escape');
    await new Promise((r) => setTimeout(r, 100));
    await term.send('l');
    await term.waitFor(/logs container \S+ \(\d+\)/);
    await new Promise((r) => setTimeout(r, 500));
    await term.send('y');
    await term.waitFor(/copied \d+ log lines/);
    const copied = (await buffer(term)).split('\n');
    const screen = await term.screen();
    expect(copied.length).toBeGreaterThan(2);
    for (const line of copied.slice(-3)) expect(screen).toContain(line.trimEnd().slice(0, 60));
  });

  it('the wheel scrolls the table and the pane under it, a click selects a row; reports never act as keys', async () => {
    const term = await monitor(120, 40, ['--view', 'containers']);
    expect((await term.command('display-message', '-p', '#{mouse_any_flag}')).trim()).toBe('1');
    const screen = await term.screen();
    const names = screen.split('\n').filter((l) => /^[›◆◈ ] \S/.test(l) && !/^ (NAME|ready)/.test(l)).map((l) => l.slice(2).split(/\s+/)[0]);
    await term.type('\u001b[<65;20;10M'); // wheel down over the table
    await term.waitFor(new RegExp(`^› ${names[3]} `, 'm'));
    await term.type('\u001b[<64;20;10M');
    await term.waitFor(new RegExp(`^› ${names[0]} `, 'm'));
    await term.type('\u001b[<0;20;9M\u001b[<0;20;9m'); // a click on the 5th row (rows 1-3 header and title, 4 the columns)
    await term.waitFor(new RegExp(`^› ${names[4]} `, 'm'));
    expect(await term.screen()).toMatch(/containers \(\d+\)/); // '6' or '<' of the reports did nothing
    await term.send('l');
    await term.waitFor(/logs container \S+ \(\d{2,}\) · follow/);
    await term.type('\u001b[<64;20;35M'); // wheel up over the pane (below the table)
    await term.waitFor(/paused \d+↑/); // 3 up, and more as lines come (it holds still)
  });

  it('"mouse": false leaves the mouse to the terminal, "clipboard": false says copy is off', async () => {
    const term = await withConfig({ mouse: false, clipboard: false });
    expect((await term.command('display-message', '-p', '#{mouse_any_flag}')).trim()).toBe('0');
    await term.type('\u001b[<65;20;10M'); // a report anyway: ignored, not typed
    await new Promise((r) => setTimeout(r, 300));
    expect(await term.screen()).toMatch(/services \(\d+\)/);
    await term.send('y'); // off: said at once, without asking what to copy
    await term.waitFor(/copy: copy is off \("clipboard": false in the config\)/);
  });
});

describe.skipIf(!tmuxAvailable() && !process.env['CI'])('the terminal going away', () => {
  it('closing the terminal ends dctop and its sandbox quietly: no assertion, no stack trace, no server left', async () => {
    const { execFileSync } = await import('node:child_process');
    const { readFileSync } = await import('node:fs');
    const dir = mkdtempSync(join(tmpdir(), 'dctop-hup-'));
    const err = join(dir, 'stderr');
    const fleet = String(100 + (process.pid % 800)); // a fleet size to find this sandbox by
    const term = await Terminal.start(['sh', '-c', `exec node ${CLI} --fleet ${fleet} 2>${err}`], {
      cols: 100, rows: 30, env: { CI: undefined, DOCKERCLOUD_REST_HOST: undefined, DOCKERCLOUD_USER: undefined, XDG_CONFIG_HOME: dir },
    });
    await term.waitFor(/sandbox · simulated cloud/, 15000);
    await term.waitFor(/● live/, 15000);
    const sandboxes = () => {
      try {
        return execFileSync('pgrep', ['-f', `serve --port 0 --fleet ${fleet} `]).toString().trim().split('\n').filter(Boolean);
      } catch {
        return []; // pgrep: none
      }
    };
    expect(sandboxes()).toHaveLength(1);
    await term.close(); // the tmux server goes, and with it the pty: SIGHUP
    const deadline = Date.now() + 5000;
    while (sandboxes().length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(sandboxes()).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(readFileSync(err, 'utf8')).not.toMatch(/Assertion|ResetStdio|node::/);
  });
});
