#!/usr/bin/env node
// dctop: argument parsing and mode selection. `dctop serve` runs the API server; `dctop` runs the monitor on
// the API that DOCKERCLOUD_* or the options name, or, with nothing configured (or --demo), on an embedded sandbox.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { VIEWS, viewByAlias } from './keys/views.js';

const USAGE = `Usage:
  dctop [options]         the monitor: a live dashboard of a Docker Cloud API
  dctop --docker [HOST]   the monitor on a Docker engine or swarm manager (default DOCKER_HOST, else the local socket)
  dctop serve [options]   a Docker Cloud API server over a simulated cloud or a Docker engine (dctop serve --help)

Monitor options:
  --demo                  monitor an embedded sandbox (a simulated cloud), even if DOCKERCLOUD_* is set
  --docker [HOST]         monitor a Docker engine through an embedded dctop serve --backend docker
  --node-engine N=H       with --docker: the engine of swarm node N, for its tasks' logs and shells (repeatable)
  --fleet F --churn R     the sandbox's fleet (demo, empty or a number of containers) and activity (events/s)
  --rest-host URL         the API (default: DOCKERCLOUD_REST_HOST; without any configuration: the sandbox)
  --stream-host URL       the Stream API (default: DOCKERCLOUD_STREAM_HOST, else the REST host's origin)
  --user NAME --apikey K  credentials (default: DOCKERCLOUD_USER/APIKEY/PASS/AUTH, then ~/.docker/config.json)
  --namespace NS          an organisation's namespace (default: DOCKERCLOUD_NAMESPACE, else your own)
  --readonly              no operation that changes anything is offered
  --view V                the first view: clusters, nodes, stacks, services, containers, actions, events
  --exec CMD              what e (exec) runs in a container (default sh)
  --no-color              no colours (NO_COLOR too)
  -h, --help, -v, --version
Keys: ? in the monitor. Configuration: $XDG_CONFIG_HOME/dctop/config.json (keys, theme, view, readonly, confirm,
clipboard, mouse, metrics).
`;


function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** `--docker` takes an optional value (`--docker`, `--docker HOST`, `--docker=HOST`): taken out before parseArgs. */
function takeDocker(argv: string[]): { argv: string[]; docker: string | null } {
  const rest = [...argv];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg.startsWith('--docker=')) return { argv: [...rest.slice(0, i), ...rest.slice(i + 1)], docker: arg.slice('--docker='.length) };
    if (arg === '--docker') {
      const next = rest[i + 1];
      const host = next !== undefined && !next.startsWith('-') ? next : '';
      rest.splice(i, host ? 2 : 1);
      return { argv: rest, docker: host };
    }
  }
  return { argv: rest, docker: null };
}

async function monitorCommand(all: string[]): Promise<number | undefined> {
  const { argv, docker } = takeDocker(all);
  let values;
  try {
    values = parseArgs({
      args: argv,
      options: {
        demo: { type: 'boolean', default: false },
        fleet: { type: 'string', default: 'demo' },
        churn: { type: 'string', default: '2' },
        'rest-host': { type: 'string' },
        'stream-host': { type: 'string' },
        user: { type: 'string' },
        apikey: { type: 'string' },
        namespace: { type: 'string' },
        readonly: { type: 'boolean' },
        view: { type: 'string' },
        exec: { type: 'string', default: 'sh' },
        'node-engine': { type: 'string', multiple: true, default: [] },
        'no-color': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'v', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    process.stderr.write(`dctop: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (values.version) {
    const { inkFixed } = await import('./monitor.js'); // loads ink: whether it carries the fix is known then
    process.stdout.write(`dctop ${version()}${inkFixed() ? '' : ' (ink without its incremental-rendering fix: whole frames are written)'}\n`);
    return 0;
  }
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    process.stderr.write(`dctop: the monitor needs a terminal (${!process.stdout.isTTY ? 'stdout' : 'stdin'} is not one); ` +
      `'dctop serve' runs the server without one\n`);
    return 2;
  }
  if (values.view !== undefined && !viewByAlias(values.view)) {
    process.stderr.write(`dctop: --view ${values.view}: expected one of ${VIEWS.map((v) => v.aliases[0]).join(', ')}\n`);
    return 2;
  }
  const churn = Number(values.churn);
  if (!Number.isFinite(churn) || churn < 0) {
    process.stderr.write(`dctop: --churn expects a number of events per second, got '${values.churn}'\n`);
    return 2;
  }
  // Production React before anything imports it (the development build costs a third more CPU).
  process.env['NODE_ENV'] = 'production';
  // chalk reads --no-color from the command line itself and then draws no emphasis at all (no selection bar, no
  // match highlight): dctop's theme without colours is what --no-color means, exactly as NO_COLOR.
  if (values['no-color']) process.argv = process.argv.filter((a) => a !== '--no-color');
  const { loadConfig } = await import('./keys/config.js');
  let settings;
  try {
    settings = await loadConfig();
  } catch (error) {
    process.stderr.write(`dctop: ${(error as Error).message}\n`);
    return 2;
  }
  const env = process.env;
  const configured = !!(values['rest-host'] || values.user || values.apikey || env['DOCKERCLOUD_REST_HOST'] ||
    env['DOCKERCLOUD_USER'] || env['DOCKERCLOUD_AUTH']);
  const { runMonitor } = await import('./monitor.js');
  return runMonitor({
    config: {
      ...(values['rest-host'] ? { restHost: values['rest-host'] } : {}),
      ...(values['stream-host'] ? { streamHost: values['stream-host'] } : {}),
      ...(values.user ? { user: values.user } : {}),
      ...(values.apikey ? { apikey: values.apikey } : {}),
      ...(values.namespace ? { namespace: values.namespace } : {}),
    },
    embedded: docker !== null ? { backend: 'docker', host: docker, nodeEngines: values['node-engine'] as string[] } : values.demo || !configured ? { backend: 'sim', fleet: values.fleet!, churn } : null,
    readonly: values.readonly ?? settings.readonly,
    view: (values.view ? viewByAlias(values.view) : settings.view) ?? 'service',
    color: !values['no-color'] && !env['NO_COLOR'],
    settings,
    execCommand: values.exec!,
  });
}

async function main(argv: string[]): Promise<number | undefined> {
  // The server (and the Docker client it loads) only when asked for: the monitor starts without them.
  if (argv[0] === 'serve') return (await import('./server/serve.js')).serveCommand(argv.slice(1));
  return monitorCommand(argv);
}

const argv = process.argv.slice(2);
main(argv).then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
    // The monitor is done once the person quit (its sockets are closed or being closed): a server that stopped
    // answering must not hold the terminal for its timeouts.
    if (argv[0] !== 'serve') process.exit();
  },
  (error: unknown) => {
    process.stderr.write(`dctop: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
