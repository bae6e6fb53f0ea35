// Tests of the tmux harness itself, with small real programs (`node -e`) in a real pseudo-terminal.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { shellQuote, Terminal, tmuxAvailable, type TerminalOptions } from './tmux.js';

/** JSON, with DEL and C1 controls escaped too, so that every input byte is visible on the screen. */
function encode(s: string): string {
  return JSON.stringify(s).replace(/[\x7f-\x9f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Programs, as `node -e` scripts. */
const PROGRAMS = {
  /** Prints its size, then its new size after every SIGWINCH (with a count of SIGWINCHes); runs until killed. */
  size: `
    const size = () => process.stdout.columns + 'x' + process.stdout.rows;
    console.log('size ' + size());
    let winches = 0;
    // Registered after node's own SIGWINCH listener (which refreshes stdout's size), reported on the next tick.
    process.on('SIGWINCH', () => { winches++; setImmediate(() => console.log('winch ' + winches + ' ' + size())); });
    setInterval(() => {}, 1e6);`,
  /** Raw mode: after each chunk of input prints all input so far, JSON-encoded; exits on "q". */
  keys: `
    process.stdin.setRawMode(true);
    process.stdin.setEncoding('utf8');
    let all = '';
    process.stdin.on('data', (d) => {
      if (d === 'q') process.exit(0);
      all += d;
      console.log('all ' + (${encode.toString()})(all));
    });
    console.log('ready');`,
  /** Prints "bye" and exits with status argv[1]. */
  exit: `console.log('bye'); process.exitCode = Number(process.argv[1]);`,
  /** Prints its environment's CI and DCTOP_E2E_FOO, and its cwd; runs until killed. */
  env: `
    console.log('CI=' + process.env.CI + ' has=' + ('CI' in process.env));
    console.log('FOO=' + JSON.stringify(process.env.DCTOP_E2E_FOO));
    console.log('cwd=' + process.cwd());
    setInterval(() => {}, 1e6);`,
  /** Prints its arguments as JSON. */
  argv: `console.log('argv=' + JSON.stringify(process.argv.slice(1))); setInterval(() => {}, 1e6);`,
  /** Runs until a signal; catches SIGINT when argv[1] is "catch". */
  sleeper: `
    if (process.argv[1] === 'catch') process.on('SIGINT', () => { console.log('caught SIGINT'); process.exit(7); });
    console.log('running');
    setInterval(() => {}, 1e6);`,
};

const terminals: Terminal[] = [];
async function run(program: keyof typeof PROGRAMS, args: string[] = [], options?: TerminalOptions): Promise<Terminal> {
  const t = await Terminal.start([process.execPath, '-e', PROGRAMS[program], ...args], options);
  terminals.push(t);
  return t;
}

/** Alive, and not a zombie (PID 1 of a container may never reap the orphaned program). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

const tmp = mkdtempSync(join(tmpdir(), 'dctop-e2e-'));

afterEach(async () => {
  await Promise.all(terminals.splice(0).map((t) => t.close()));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(!tmuxAvailable())('Terminal (tmux harness)', () => {
  it('gives the program a terminal of exactly the requested size, 120×40 by default', async () => {
    const small = await run('size', [], { cols: 57, rows: 13 });
    const big = await run('size');
    const screen = await small.waitFor('size 57x13');
    expect(screen.split('\n')).toHaveLength(13);
    expect(screen.split('\n')[0]).toBe('size 57x13');
    expect((await big.waitFor('size 120x40')).split('\n')).toHaveLength(40);
  });

  it('resizing delivers SIGWINCH and the new size', async () => {
    const t = await run('size', [], { cols: 100, rows: 30 });
    await t.waitFor('size 100x30');
    await t.resize(80, 24);
    const screen = await t.waitFor('winch 1 80x24');
    expect(screen.split('\n')).toHaveLength(24);
    await t.resize(132, 50);
    expect((await t.waitFor('winch 2 132x50')).split('\n')).toHaveLength(50);
  });

  it('passes argv through verbatim (shell-quoted)', async () => {
    const args = ['a b', "it's", '$HOME', '"q"', 'back\\slash', '*', '', '$(echo no)', '; exit 9'];
    const t = await run('argv', args);
    await t.waitFor(`argv=${JSON.stringify(args)}`);
  });

  it('sets and really unsets environment variables, and runs in cwd', async () => {
    const saved = process.env.CI;
    process.env.CI = 'true';
    try {
      const foo = `it's "$HOME" \\ $(echo no) \`x\``;
      const unset = await run('env', [], { env: { CI: undefined, DCTOP_E2E_FOO: foo }, cwd: tmp });
      // The control: without the unset, the test process's CI=true reaches the program.
      const inherited = await run('env');
      const screen = await unset.waitFor('cwd=');
      expect(screen).toContain('CI=undefined has=false');
      expect(screen).toContain(`FOO=${JSON.stringify(foo)}`);
      expect(screen).toContain(`cwd=${realpathSync(tmp)}`);
      expect(await inherited.waitFor('cwd=')).toContain('CI=true has=true');
    } finally {
      if (saved === undefined) delete process.env.CI;
      else process.env.CI = saved;
    }
  });

  it('rejects environment variable names the shell cannot take', async () => {
    await expect(Terminal.start(['true'], { env: { 'A;B': 'x' } })).rejects.toThrow(/invalid environment variable name/);
  });

  it('sends keys by name (as the terminal would encode them) and literal text', async () => {
    const t = await run('keys');
    await t.waitFor('ready');
    let expected = '';
    const expectInput = async (more: string) => {
      expected += more;
      await t.waitFor(`all ${encode(expected)}`);
    };
    await t.send('a');
    await expectInput('a');
    await t.send('Enter');
    await expectInput('\r');
    await t.send('Escape');
    await expectInput('\x1b');
    await t.send('Up');
    await expectInput('\x1b[A');
    await t.send('Down', 'Left', 'Right');
    await expectInput('\x1b[B\x1b[D\x1b[C');
    await t.send('Tab', 'Space', 'BSpace', 'PgDn', 'PgUp', 'C-c');
    await expectInput('\t \x7f\x1b[6~\x1b[5~\x03');
    // Literal: no key-name lookup, and a leading "-" is not an option.
    await t.type('-l Enter');
    await expectInput('-l Enter');
    await t.type('héllo ✓');
    await expectInput('héllo ✓');
    expect(await t.exited()).toBeNull();
    await t.send('q');
    expect(await t.waitForExit()).toBe(0);
  });

  it('reads the exit status and keeps the final screen after exit', async () => {
    const t = await run('exit', ['3']);
    expect(await t.waitForExit()).toBe(3);
    expect(await t.exited()).toBe(3);
    const screen = await t.screen();
    expect(screen.split('\n')[0]).toBe('bye'); // not scrolled by a "Pane is dead" banner
    expect(screen.split('\n')).toHaveLength(40);
    const ok = await run('exit', ['0']);
    expect(await ok.waitForExit()).toBe(0);
  });

  it('reads the status of programs that exit at once (tmux can lose their SIGCHLD; exited() recovers it)', async () => {
    const statuses = [0, 1, 5, 42, 255, 9];
    const ts = await Promise.all(statuses.map((s) => Terminal.start(['/bin/sh', '-c', `exit ${s}`])));
    terminals.push(...ts);
    expect(await Promise.all(ts.map((t) => t.waitForExit()))).toEqual(statuses);
  });

  it('kill() signals the program: TERM by default, INT on request', async () => {
    const term = await run('sleeper');
    const int = await run('sleeper', ['catch']);
    await term.waitFor('running');
    await int.waitFor('running');
    expect(await term.exited()).toBeNull();
    await term.kill();
    expect(await term.waitForExit()).toBe(128 + 15);
    await int.kill('INT');
    await int.waitFor('caught SIGINT');
    expect(await int.waitForExit()).toBe(7);
    await term.kill(); // already exited: no-op
  });

  it('C-c in cooked mode interrupts the program through the tty', async () => {
    const t = await run('sleeper');
    await t.waitFor('running');
    await t.send('C-c');
    expect(await t.waitForExit()).toBe(128 + 2);
  });

  it('records the raw bytes the program writes, from its first byte', async () => {
    const file = join(tmp, 'record.bin');
    const t = await Terminal.start(
      [process.execPath, '-e', `process.stdout.write('start\\n\\x1b[1mbold\\x1b[0m\\n' + 'x'.repeat(5000) + '\\nend\\n')`],
      { record: file },
    );
    terminals.push(t);
    expect(t.recordPath).toBe(file);
    expect(await t.waitForExit()).toBe(0);
    // `cat` writes the file asynchronously to the program.
    const bytes = await vi.waitFor(async () => {
      const b = await t.recorded();
      if (!b.toString('latin1').endsWith('end\r\n')) throw new Error(`recorded ${b.length} bytes so far`);
      return b;
    }, { timeout: 3_000, interval: 50 });
    const text = bytes.toString('latin1');
    expect(text.startsWith('start\r\n\x1b[1mbold\x1b[0m\r\n')).toBe(true); // raw escapes, tty's \n -> \r\n
    expect(bytes.length).toBe('start\r\n\x1b[1mbold\x1b[0m\r\n'.length + 5000 + '\r\nend\r\n'.length);
  });

  it('waitFor: strings, regexps (also /g), and a timeout error that shows the screen', async () => {
    const t = await run('sleeper');
    await t.waitFor('running');
    const g = /run+ing/g;
    await t.waitFor(g);
    await t.waitFor(g); // lastIndex does not carry over
    await t.waitForGone('absent');
    const started = Date.now();
    const error = await t.waitFor(/never shown/, 300).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect((error as Error).message).toMatch(/waitFor\(\/never shown\/\): timed out after 300 ms/);
    expect((error as Error).message).toContain('|running|');
    await expect(t.waitForGone('running', 200)).rejects.toThrow(/timed out after 200 ms[\s\S]*\|running\|/);
  });

  it('waitForGone waits for text to disappear', async () => {
    const t = await Terminal.start([process.execPath, '-e',
      `console.log('loading...'); setTimeout(() => { process.stdout.write('\\x1b[2J\\x1b[Hdone\\n'); }, 300); setInterval(() => {}, 1e6);`]);
    terminals.push(t);
    await t.waitFor('loading...');
    const screen = await t.waitForGone('loading');
    expect(screen).toContain('done');
  });

  it('waitFor fails fast, with the final screen, when the program has exited', async () => {
    const t = await run('exit', ['2']);
    const started = Date.now();
    await expect(t.waitFor('never', 5_000)).rejects.toThrow(/exited with status 2[\s\S]*\|bye\|/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('close() kills the program and the server, removes the socket, and is idempotent', async () => {
    const t = await run('sleeper');
    await t.waitFor('running');
    expect(alive(t.pid)).toBe(true);
    await t.close();
    await t.close();
    await vi.waitFor(() => expect(alive(t.pid)).toBe(false), { timeout: 3_000, interval: 50 });
    expect(spawnSync('tmux', ['-L', t.socket, 'has-session']).status).not.toBe(0);
    await expect(t.screen()).rejects.toThrow(/after close/);
  });

  it('each Terminal has its own tmux server', async () => {
    const a = await run('sleeper');
    const b = await run('sleeper');
    expect(a.socket).not.toBe(b.socket);
    await a.close();
    expect(await b.waitFor('running')).toContain('running');
  });

  it('shellQuote yields one word with the exact value', () => {
    for (const s of ['', 'plain', "it's", '$HOME "x" `y` \\ \n *']) {
      expect(spawnSync('/bin/sh', ['-c', `printf %s ${shellQuote(s)}`], { encoding: 'utf8' }).stdout).toBe(s);
    }
  });
});
