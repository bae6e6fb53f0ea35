// Running the monitor: the terminal (alternate screen, restored on every exit path), the embedded sandbox server
// when nothing is configured, the Ink app, exec sessions that borrow the terminal, namespace switches.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { render, type Instance } from 'ink';
import { DockerCloudClient, describeConfig, resolveConfig, type ConfigOptions } from './api/index.js';
import { MonitorContext, type MonitorContextValue } from './hooks/context.js';
import type { NavState } from './hooks/useNavigation.js';
import { configPath, Keymap, type MonitorConfig, type ViewName } from './keys/index.js';
import { FleetStore, MetricsStore } from './store/index.js';
import { clipboardOff, COPY_LIMIT, MOUSE_OFF, MOUSE_ON, mouseOn, osc52 } from './hooks/terminal.js';
import { App } from './views/App.js';
import { themeFor } from './theme.js';
import { sanitize } from './views/text.js';

export interface MonitorOptions {
  config: ConfigOptions;
  /** An embedded `dctop serve` to monitor: the sim (no configuration, or --demo), or a Docker engine (--docker). */
  embedded: { backend: 'sim'; fleet: string; churn: number } | { backend: 'docker'; host: string; nodeEngines: string[] } | null;
  readonly: boolean;
  view: ViewName;
  color: boolean;
  settings: MonitorConfig;
  execCommand: string;
}

const CLI = fileURLToPath(new URL('./cli.js', import.meta.url));
const ENTER = '\u001b[?1049h\u001b[2J\u001b[H\u001b[?25l'; // alternate screen, cleared, cursor home, hidden
const LEAVE = '\u001b[?25h\u001b[?1049l';

/** Starts `dctop serve` as a child process on a free loopback port; resolves with where and who. */
function startEmbedded(embedded: NonNullable<MonitorOptions['embedded']>): Promise<{ child: ChildProcess; url: string; user: string; apikey: string }> {
  const args = embedded.backend === 'sim'
    ? ['--fleet', embedded.fleet, '--churn', String(embedded.churn)]
    : ['--backend', 'docker', ...(embedded.host ? ['--docker-host', embedded.host] : []), ...embedded.nodeEngines.flatMap((n) => ['--node-engine', n])];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'production' },
    });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      const url = /listening on (\S+)/.exec(out)?.[1];
      const user = /DOCKERCLOUD_USER=(\S+)/.exec(out)?.[1];
      const apikey = /DOCKERCLOUD_APIKEY=(\S+)/.exec(out)?.[1];
      if (url && user && apikey) resolve({ child, url, user, apikey });
    });
    child.stderr!.on('data', (d: Buffer) => (err += d));
    child.once('exit', (code) => reject(new Error(`${embedded.backend === 'sim' ? 'the sandbox server' : 'dctop serve --backend docker'} exited (${code}): ${err.trim().split('\n').pop()?.replace(/^dctop serve: /, '') ?? ''}`)));
  });
}

/** Whether the ink loaded carries dctop's fix of its incremental renderer (ink-patches.mjs sets this). */
export function inkFixed(): boolean {
  return (globalThis as { __dctopInkFixed?: boolean }).__dctopInkFixed === true;
}

/** Whether the local Docker engine answers (/_ping on its socket) within a moment: the sandbox then says so. */
function localEngineAnswers(socketPath = '/var/run/docker.sock'): Promise<boolean> {
  if (!existsSync(socketPath)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const req = httpGet({ socketPath, path: '/_ping', timeout: 500 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
  });
}

/**
 * From now on the heap may grow a quarter past what survived the last full collection, not the 1.1–4× V8 picks by
 * its own speed: at 10,000 containers under churn ~100 MB alive then take 250–310 MiB of RSS instead of 290–400.
 * Set once the first listing is in: while it loads, the heap grows from nothing, and a full collection at every
 * quarter of that growth would delay the first screen.
 */
function boundHeapGrowth(): void {
  setFlagsFromString('--heap-growing-percent=25');
}

export async function runMonitor(options: MonitorOptions): Promise<number> {
  const { stdout, stdin } = process;
  let sandbox: ChildProcess | null = null;
  let configOptions = options.config;
  let mode: string;
  const warnings: string[] = [];
  if (options.embedded) {
    const docker = options.embedded.backend === 'docker';
    process.stderr.write(docker ? 'dctop: connecting to the Docker engine…\n' : 'dctop: starting the sandbox (a simulated cloud)…\n');
    const started = await startEmbedded(options.embedded);
    sandbox = started.child;
    configOptions = {
      ...configOptions, restHost: started.url, user: started.user, apikey: started.apikey, auth: undefined,
      credentialsFrom: 'the embedded server',
    };
    mode = options.embedded.backend === 'docker' ? `docker · ${options.embedded.host || process.env['DOCKER_HOST'] || 'local engine'}` : 'sandbox · simulated cloud';
    if (!docker && await localEngineAnswers()) warnings.push('a Docker engine answers on this machine: dctop --docker monitors it');
  } else {
    mode = 'remote';
  }
  const resolved = await resolveConfig(configOptions);
  const config = { ...resolved, warnings: [...resolved.warnings, ...warnings] };
  const keymap = new Keymap(options.settings.keys, options.readonly);
  const mouse = mouseOn(process.env, options.settings.mouse);
  const noClipboard = clipboardOff(process.env, options.settings.clipboard);
  const theme = themeFor(options.settings.theme, options.color);

  let instance: Instance | null = null;
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    try {
      instance?.unmount();
    } catch {
      // already gone
    }
    stdout.write((mouse ? MOUSE_OFF : '') + LEAVE);
    if (stdin.isTTY) stdin.setRawMode(false);
    sandbox?.kill('SIGTERM');
  };
  // The terminal is gone (its window closed, the SSH link dropped): there is nothing to restore on it, and Node's own
  // reset of a vanished tty at exit fails an assertion with a native stack trace. The sandbox goes, then this process.
  const hangUp = () => {
    sandbox?.kill('SIGTERM');
    process.kill(process.pid, 'SIGKILL');
  };
  const fatal = (error: unknown) => {
    // A write or read on a terminal that went away, before its SIGHUP came: the same end.
    if (['EIO', 'EPIPE', 'ENXIO'].includes((error as NodeJS.ErrnoException | undefined)?.code ?? '')) return hangUp();
    restore();
    process.stderr.write(`dctop: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  };
  process.once('SIGTERM', () => {
    restore();
    process.exit(0);
  });
  process.once('SIGINT', () => {
    restore();
    process.exit(0);
  });
  process.once('SIGHUP', hangUp);
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);

  let client = new DockerCloudClient(config);
  /** For Tab after :ns: the API lists no namespaces, so those this session knows of. */
  const namespacesSeen = new Set([config.user, config.namespace, process.env['DOCKERCLOUD_NAMESPACE']].filter((n): n is string => !!n));
  // Terminated objects are kept 5 minutes (the server's own retention), for T to show them.
  // 20 snapshots a second at most: a change on screen within 50 ms of its event (a frame costs what changed: rows
  // are derived from the last ones, and rows drawn as before are not drawn again). Objects are kept without their
  // env vars and links (a quarter of the memory): inspect fetches them for the object it shows.
  const storeOptions = { maxFps: 20, terminatedRetentionMs: 5 * 60_000, summaries: true };
  let store = new FleetStore(client, storeOptions);
  // Live usage of what is on screen, unless the config turned it off (a slow link, an API that is not dctop serve).
  const metricsFor = (c: DockerCloudClient) => (options.settings.metrics ? new MetricsStore(c) : null);
  let metrics = metricsFor(client);
  // The first listing starts at once, in the background (the screen says "loading…", or why it cannot connect),
  // while the backend says what it cannot do (dctop serve does; other APIs do not, and then everything is offered).
  void store.start().then(boundHeapGrowth, () => { /* shown on screen: the banner says why, and retries go on */ });
  const backend = await Promise.race([client.backend().catch(() => null), new Promise<null>((r) => setTimeout(() => r(null), 2000).unref())]);
  let nav: NavState | undefined;
  stdout.write(ENTER + (mouse ? MOUSE_ON : ''));

  // Frames written so far: a question counts as seen only once a frame with it went out (see App).
  let frames = 0;
  const renderOptions = {
    exitOnCtrlC: false, patchConsole: true, maxFps: 60, onRender: () => void frames++,
    // Only the lines that changed are written. Ink 6.8 needs the fix of scripts/ink-patches.mjs for this (the
    // published bundle carries it): unpatched, each frame lands one row lower than the last, so without the fix
    // whole frames are written. DCTOP_INCREMENTAL=0 turns it off.
    incrementalRendering: process.env['DCTOP_INCREMENTAL'] !== '0' && inkFixed(),
  };
  /** Set while an exec session has the terminal: the Ink app is unmounted meanwhile, so it writes nothing. */
  let execSession: Promise<void> | null = null;
  let afterExec: string | undefined;

  /** Hands the terminal to a shell in the container; the dashboard comes back where it was. */
  const runExec = async (containerUri: string, command: string): Promise<string> => {
    let finished!: () => void;
    execSession = new Promise((resolve) => (finished = resolve));
    instance?.unmount();
    stdout.write(`${mouse ? MOUSE_OFF : ''}\u001b[2J\u001b[H\u001b[?25h`); // the shell gets the mouse as the terminal has it
    const name = sanitize(String(store.getSnapshot().objects.container.get(containerUri)?.name ?? containerUri.split('/').at(-2)?.slice(0, 8)));
    stdout.write(`dctop: ${command} in ${name} · exit or ctrl-d ends it, ctrl-] detaches\r\n`);
    const session = client.exec(containerUri, command, { tty: stdin.isTTY === true });
    if (stdin.isTTY) stdin.setRawMode(true);
    stdin.resume();
    // stdin may deliver strings (Ink set an encoding) or bytes: ctrl-] is the character \u001d either way.
    let detached = false;
    const onData = (data: Buffer | string) => {
      const text = typeof data === 'string' ? data : data.toString('utf8');
      if (text.includes('\u001d')) { // ctrl-]
        detached = true;
        session.close();
      }
      else void session.write(text);
    };
    stdin.on('data', onData);
    session.onFrame((frame) => stdout.write(frame.output.replace(/\r?\n/g, '\r\n')));
    const end = await session.ended;
    stdin.off('data', onData);
    stdout.write(`\u001b[2J\u001b[H\u001b[?25l${mouse ? MOUSE_ON : ''}`);
    const how = end.error ? `failed: ${end.error.message}` : detached ? 'left with ctrl-] (the session is closed)' : `ended (${end.reason})`;
    afterExec = `exec ${name}: ${how}`;
    instance = render(root(), renderOptions);
    execSession = null;
    finished();
    return how;
  };

  const context = (): MonitorContextValue => ({
    client, store, metrics, keymap, theme, readonly: options.readonly, confirm: options.settings.confirm, mode,
    configPath: options.settings.path ?? configPath(),
    namespaces: [...namespacesSeen],
    endpoint: config.restHost, namespace: client.config.namespace ?? config.user ?? '', warnings: config.warnings,
    runExec, firstView: options.view, execCommand: options.execCommand, framesWritten: () => frames,
    spareRows: inkFixed() ? 0 : 1,
    // A resize repaints everything (ink, as patched), and the app renders again for the size: the same as ctrl-l.
    repaint: () => void stdout.emit('resize'),
    clipboardOff: noClipboard,
    copy: (text) => {
      if (noClipboard) return noClipboard;
      if (text.length > COPY_LIMIT) return `${text.length} characters is more than a terminal takes at once (${COPY_LIMIT})`;
      stdout.write(osc52(text));
      return null;
    },
    ...(backend ? { unsupported: backend.unsupported } : {}),
  });

  const switchNamespace = (namespace: string) => {
    namespacesSeen.add(namespace);
    const [previousStore, previousMetrics, previousClient] = [store, metrics, client];
    client = new DockerCloudClient({ ...config, namespace });
    store = new FleetStore(client, storeOptions);
    metrics = metricsFor(client);
    previousStore.close();
    previousMetrics?.close();
    void previousClient.close();
    nav = undefined;
    void store.start().catch(() => { /* the banner says why */ });
    instance?.rerender(root());
  };
  const root = () => (
    <MonitorContext.Provider value={context()}>
      <App key={`${client.config.namespace}`} initial={nav} onNavChange={(n) => (nav = n)} onSwitchNamespace={switchNamespace}
        initialStatus={afterExec} />
    </MonitorContext.Provider>
  );

  try {
    instance = render(root(), renderOptions);
    // The app ends when the person quits; an exec session unmounts it for a while, then renders it again.
    for (;;) {
      await instance.waitUntilExit();
      if (!execSession) break;
      await execSession;
    }
  } finally {
    metrics?.close();
    store.close();
    await client.close();
    restore();
  }
  process.stderr.write(`dctop: bye (${describeConfig(config)})\n`);
  return 0;
}
