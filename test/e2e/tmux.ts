// End-to-end harness: run a terminal program in a real pseudo-terminal owned by tmux, then read its screen, type at it,
// resize it and watch it exit -- the way a user at a terminal would.
//
// Every Terminal gets its own tmux server (`tmux -L <unique socket>`, started with `-f /dev/null`), so tests never
// touch a user's tmux server or configuration, and tests running in parallel never see each other's sessions.
//
//   const t = await Terminal.start([process.execPath, 'dist/src/cli.js'], { cols: 100, rows: 30, env: { CI: undefined } });
//   try {
//     await t.waitFor('Services');
//     await t.send('Down', 'Enter');
//     await t.waitFor(/Containers \(\d+\)/);
//   } finally {
//     await t.close();
//   }
//
// Notes:
// - The pane's environment is this process's environment (minus TMUX/TMUX_PANE), with tmux's own additions
//   (TERM=screen-256color, TMUX, TMUX_PANE), then `options.env` applied on top: a string sets a variable, `undefined`
//   unsets it. Under vitest that inherited environment includes NODE_ENV=test and VITEST*; unset them if they matter.
// - The command runs as `exec argv...` from /bin/sh, so the pane's process (pane_pid) *is* the program.
// - `remain-on-exit` keeps the pane after the program ends: the final screen and the exit status stay readable until
//   close(). tmux's "Pane is dead" banner is turned off so it does not scroll the final screen.
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface TerminalOptions {
  /** Width of the pseudo-terminal in columns (default 120). */
  cols?: number;
  /** Height of the pseudo-terminal in rows (default 40). */
  rows?: number;
  /** Variables to set (string) or unset (undefined) in the program's environment, on top of this process's. */
  env?: Record<string, string | undefined>;
  /** Working directory of the program (default: this process's cwd). */
  cwd?: string;
  /**
   * Append the raw bytes the program writes to this file (`tmux pipe-pane -o 'cat >> FILE'`), e.g. to count bytes
   * written per second. These are the bytes as read from the pty master, i.e. after the tty's output processing
   * (a program's "\n" arrives as "\r\n").
   */
  record?: string;
}

const DEFAULT_COLS = 120;
const DEFAULT_ROWS = 40;
const DEFAULT_TIMEOUT_MS = 5_000;
const POLL_MS = 50;
/** How long exited() waits, after tmux reports the pane dead, for tmux to learn the exit status (normally ~ms). */
const STATUS_GRACE_MS = 1_000;
/** Upper bound for a single tmux client invocation; tmux answers in milliseconds, so this only guards against hangs. */
const TMUX_CALL_TIMEOUT_MS = 10_000;

/** POSIX-shell single quoting: the result is one word whose value is exactly `s`. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The `sh -c` line tmux runs in the pane: adjust the environment, then `exec` the program (so pane_pid is it). */
function paneCommand(command: string[], env: Record<string, string | undefined>): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!ENV_NAME.test(name)) throw new Error(`Terminal: invalid environment variable name ${JSON.stringify(name)}`);
    parts.push(value === undefined ? `unset ${name}` : `export ${name}=${shellQuote(value)}`);
  }
  parts.push(`exec ${command.map(shellQuote).join(' ')}`);
  return parts.join('; ');
}

/** Environment for the tmux client processes (and so for the server it starts): ours, minus any enclosing tmux. */
function clientEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.TMUX;
  delete env.TMUX_PANE;
  return env;
}

function matches(screen: string, match: string | RegExp): boolean {
  if (typeof match === 'string') return screen.includes(match);
  match.lastIndex = 0; // a /g or /y regexp keeps state between test() calls
  return match.test(screen);
}

function describeMatch(match: string | RegExp): string {
  return typeof match === 'string' ? JSON.stringify(match) : String(match);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The screen, framed so that blank lines and trailing spaces are visible in an error message. */
function frame(screen: string): string {
  return screen.split('\n').map((line) => `|${line}|`).join('\n');
}

/** Terminals not yet closed, killed when this process exits so that a crashed test run leaves no tmux servers. */
const live = new Set<Terminal>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const t of live) t.closeSync();
  });
}

let uniqueCounter = 0;

export class Terminal {
  /** The tmux socket name (`tmux -L <socket>`), unique to this Terminal. */
  readonly socket: string;
  /** tmux's id of the pane running the program (e.g. "%0"). */
  readonly paneId: string;
  /** The program's process id (pane_pid). */
  readonly pid: number;
  /** The file the program's output is recorded to, if `options.record` was given. */
  readonly recordPath: string | undefined;
  private readonly serverPid: number;
  private readonly socketPath: string | undefined;
  private closed = false;

  private constructor(socket: string, paneId: string, pid: number, serverPid: number, socketPath: string | undefined,
    recordPath: string | undefined) {
    this.socket = socket;
    this.paneId = paneId;
    this.pid = pid;
    this.serverPid = serverPid;
    this.socketPath = socketPath;
    this.recordPath = recordPath;
  }

  /**
   * Start `command` (an argv array; each element reaches the program verbatim) in a new detached tmux session of
   * exactly cols×rows, on a tmux server of its own.
   */
  static async start(command: string[], options: TerminalOptions = {}): Promise<Terminal> {
    if (command.length === 0) throw new Error('Terminal.start: empty command');
    const cols = options.cols ?? DEFAULT_COLS;
    const rows = options.rows ?? DEFAULT_ROWS;
    for (const [name, n] of [['cols', cols], ['rows', rows]] as const) {
      if (!Number.isInteger(n) || n < 1) throw new Error(`Terminal.start: ${name} must be a positive integer, got ${n}`);
    }
    const socket = `dctop-e2e-${process.pid}-${++uniqueCounter}-${randomBytes(4).toString('hex')}`;
    const recordPath = options.record === undefined ? undefined : resolve(options.record);

    // One tmux invocation, one command queue: the server options are in place before the session (and so the
    // program) exists, and pipe-pane is attached in the same queue run as new-session -- before the server's event
    // loop reads anything from the new pty -- so a recording misses no bytes.
    const args = [
      'start-server', ';',
      // No status line: the pane is the whole window, so the program sees exactly cols×rows.
      'set-option', '-g', 'status', 'off', ';',
      // Keep the pane (final screen, exit status) after the program exits...
      'set-option', '-g', 'remain-on-exit', 'on', ';',
      // ...without tmux writing a "Pane is dead" line into it (which would scroll the final screen; tmux >= 3.3).
      'set-option', '-gq', 'remain-on-exit-format', '', ';',
      // Our pane command is POSIX sh syntax, whatever the user's $SHELL.
      'set-option', '-g', 'default-shell', '/bin/sh', ';',
      // TERM inside the pane: what tmux emulates, with a terminfo entry on every system (override via options.env).
      'set-option', '-g', 'default-terminal', 'screen-256color', ';',
      'new-session', '-d', '-P', '-F', '#{pane_id} #{pane_pid} #{pid} #{socket_path}', '-s', 'e2e',
      '-x', String(cols), '-y', String(rows), '-c', resolve(options.cwd ?? process.cwd()),
      paneCommand(command, options.env ?? {}),
    ];
    if (recordPath !== undefined) args.push(';', 'pipe-pane', '-o', `cat >> ${shellQuote(recordPath)}`);

    installExitHook();
    const { stdout } = await tmuxRaw(socket, args);
    const m = /^(%\d+) (\d+) (\d+) (.*)$/m.exec(stdout);
    if (!m) {
      // Something is off; do not leave a server behind.
      await tmuxRaw(socket, ['kill-server']).catch(() => {});
      throw new Error(`Terminal.start: unexpected tmux new-session output ${JSON.stringify(stdout)}`);
    }
    const t = new Terminal(socket, m[1]!, Number(m[2]), Number(m[3]), m[4] || undefined, recordPath);
    live.add(t);
    return t;
  }

  /** The visible screen as plain text (no escape sequences): one line per row, joined with "\n", trailing spaces trimmed. */
  async screen(): Promise<string> {
    const { stdout } = await this.tmux('capture-pane', '-p', '-t', this.paneId);
    return stdout.endsWith('\n') ? stdout.slice(0, -1) : stdout;
  }

  /** The visible screen with its escape sequences (colours, bold, reverse video): `capture-pane -e`. */
  async styledScreen(): Promise<string> {
    const { stdout } = await this.tmux('capture-pane', '-p', '-e', '-t', this.paneId);
    return stdout;
  }

  /** Any tmux command on this terminal's server (show-buffer, set-option, display-message …): its output. */
  async command(...args: string[]): Promise<string> {
    return (await this.tmux(...args)).stdout;
  }

  /** The pane's tty: what is written there lands on the screen behind the program's back. */
  async tty(): Promise<string> {
    return (await this.tmux('display-message', '-p', '-t', this.paneId, '#{pane_tty}')).stdout.trim();
  }

  /**
   * Poll the screen (~every 50 ms) until it contains `match` (a string) or matches it (a RegExp); returns that screen.
   * Throws, with the last screen in the message, on timeout or when the program has exited without the screen matching.
   */
  async waitFor(match: string | RegExp, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<string> {
    return this.poll(match, true, timeoutMs);
  }

  /** Like waitFor, but waits until the screen no longer contains / matches `match`. */
  async waitForGone(match: string | RegExp, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<string> {
    return this.poll(match, false, timeoutMs);
  }

  /**
   * Press keys, by tmux key name: 'Enter', 'Escape', 'Tab', 'BTab', 'Space', 'BSpace', 'Up', 'Down', 'Left', 'Right',
   * 'Home', 'End', 'PgUp', 'PgDn', 'F1'..'F12', 'C-c', 'M-x', ... An argument that is not a key name is typed as
   * literal text (tmux's rule), but prefer type() for text. Each argument is sent in order.
   */
  async send(...keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.tmux('send-keys', '-t', this.paneId, '--', ...keys);
  }

  /** Type `text` literally (no key-name lookup): `send-keys -l`. */
  async type(text: string): Promise<void> {
    if (text === '') return;
    await this.tmux('send-keys', '-t', this.paneId, '-l', '--', text);
  }

  /** Resize the terminal to cols×rows; the program gets SIGWINCH and sees the new size. */
  async resize(cols: number, rows: number): Promise<void> {
    await this.tmux('resize-window', '-t', this.paneId, '-x', String(cols), '-y', String(rows));
  }

  /**
   * The program's exit status once it has ended, null while it runs. A program killed by a signal reports
   * 128 + the signal number, as a shell would (SIGTERM: 143, SIGINT: 130).
   */
  async exited(): Promise<number | null> {
    const deadline = Date.now() + STATUS_GRACE_MS;
    for (;;) {
      const { stdout } = await this.tmux('display-message', '-p', '-t', this.paneId,
        '#{pane_dead} #{pane_dead_status} #{pane_dead_signal}');
      const [dead, status, signal] = stdout.trim().split(' ');
      if (dead !== '1') return null;
      if (status) return Number(status);
      if (signal) return 128 + Number(signal);
      // Dead (its pty reached EOF) but not reaped. tmux marks the pane dead on EOF, and learns the status only when
      // it reaps the child on SIGCHLD -- and tmux built with libutempter (Debian's) can lose that SIGCHLD: on EOF it
      // runs utempter's helper process, whose wait swallows the signal, leaving the program a zombie and the status
      // unknown for good. Another SIGCHLD makes tmux's handler run its waitpid(WAIT_ANY) loop, which reaps it.
      if (Date.now() >= deadline) return -1; // e.g. a tmux before 3.3 (no pane_dead_signal) after a signal
      try {
        process.kill(this.serverPid, 'SIGCHLD');
      } catch {
        // the server is gone; the next display-message reports it
      }
      await sleep(10);
    }
  }

  /** Wait until the program has exited; returns its exit status (see exited()). Throws with the screen on timeout. */
  async waitForExit(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = await this.exited();
      if (status !== null) return status;
      if (Date.now() >= deadline) {
        throw new Error(`Terminal.waitForExit: program still running after ${timeoutMs} ms. Screen:\n${frame(await this.screen())}`);
      }
      await sleep(POLL_MS);
    }
  }

  /** Send a signal (default SIGTERM) to the program's process (pane_pid). No-op if it has already exited. */
  async kill(signal: 'TERM' | 'INT' = 'TERM'): Promise<void> {
    if ((await this.exited()) !== null) return;
    try {
      process.kill(this.pid, `SIG${signal}`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err; // it exited meanwhile
    }
  }

  /** The bytes recorded so far (options.record); empty if nothing was written yet. Throws if recording is off. */
  async recorded(): Promise<Buffer> {
    if (this.recordPath === undefined) throw new Error('Terminal.recorded: start the Terminal with options.record');
    try {
      return await readFile(this.recordPath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return Buffer.alloc(0);
      throw err;
    }
  }

  /** Kill the tmux server (and with it the program, by SIGHUP) and remove its socket. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    live.delete(this);
    await tmuxRaw(this.socket, ['kill-server']).catch(() => {}); // already gone is fine
    if (this.socketPath) await rm(this.socketPath, { force: true });
  }

  /** Synchronous close, for process-exit cleanup. */
  closeSync(): void {
    if (this.closed) return;
    this.closed = true;
    live.delete(this);
    spawnSync('tmux', ['-L', this.socket, 'kill-server'], { stdio: 'ignore', env: clientEnv(), timeout: TMUX_CALL_TIMEOUT_MS });
    if (this.socketPath) rmSync(this.socketPath, { force: true });
  }

  private async poll(match: string | RegExp, present: boolean, timeoutMs: number): Promise<string> {
    const what = `${present ? 'waitFor' : 'waitForGone'}(${describeMatch(match)})`;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      // Read the exit status before the screen: if the program was already dead, that screen is final.
      const status = await this.exited();
      const screen = await this.screen();
      if (matches(screen, match) === present) return screen;
      if (status !== null) {
        throw new Error(`Terminal.${what}: program exited with status ${status} and the screen never matched. Screen:\n${frame(screen)}`);
      }
      if (Date.now() >= deadline) {
        throw new Error(`Terminal.${what}: timed out after ${timeoutMs} ms. Last screen:\n${frame(screen)}`);
      }
      await sleep(POLL_MS);
    }
  }

  private async tmux(...args: string[]): Promise<{ stdout: string; stderr: string }> {
    if (this.closed) throw new Error(`Terminal: ${args[0]} after close()`);
    return tmuxRaw(this.socket, args);
  }
}

/** Run one tmux client command against server `socket`; rejects with tmux's stderr in the message. */
async function tmuxRaw(socket: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  try {
    return await execFileAsync('tmux', ['-L', socket, '-f', '/dev/null', ...args], {
      env: clientEnv(),
      encoding: 'utf8',
      timeout: TMUX_CALL_TIMEOUT_MS,
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (err) {
    const e = err as Error & { stderr?: string };
    throw new Error(`tmux ${args[0]} failed: ${(e.stderr ?? '').trim() || e.message}`, { cause: err });
  }
}

let available: boolean | undefined;
/** Whether a usable tmux is on PATH (for `describe.skipIf(!tmuxAvailable())`). */
export function tmuxAvailable(): boolean {
  available ??= spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;
  return available;
}
