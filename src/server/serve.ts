// `dctop serve`: options, start-up and shutdown of the API server with its backend.
import { parseArgs } from 'node:util';
import { ApiServer } from './api-server.js';
import { createAccounts, primaryUser } from './auth.js';
import type { Backend } from './backend.js';
import { DockerBackend } from './docker/docker-backend.js';
import { parseFleet, type FleetSpec } from './sim/fleet.js';
import { SimBackend } from './sim/sim-backend.js';

export interface ServeOptions {
  host: string;
  port: number;
  backend: 'sim' | 'docker';
  /** docker: the engine (default DOCKER_HOST, else the local socket). */
  dockerHost: string | undefined;
  /** docker: other swarm nodes' engines, by node name. */
  nodeEngines: Record<string, string>;
  /** Where the objects live: docker, the engine's; sim, the starting fleet and its churn (default: the first user). */
  namespace: string | undefined;
  fleet: FleetSpec;
  seed: number;
  speed: number;
  churn: number;
  users: string[];
  orgs: string[];
  rateLimit: number;
}

export const SERVE_USAGE = `Usage: dctop serve [options]

A Docker Cloud API server (REST + Stream) over a simulated cloud, or over a real Docker engine or swarm.

  --host HOST         address to listen on (default 127.0.0.1)
  --port N            port (default 8080; 0 picks a free one)
  --backend B         sim (a simulated cloud, the default) or docker (a Docker engine, or a swarm's manager)
  --docker-host H     docker: the engine, unix:///path, tcp://host:port (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH)
                      or ssh://user@host (default DOCKER_HOST, else unix:///var/run/docker.sock)
  --node-engine N=H   docker: the engine of swarm node N, for the logs and exec of its tasks (repeatable)
  --namespace NAME    where the objects live (default: the first --user): docker, the engine's; sim, the
                      starting fleet and its churn (an --org's name shares them with its members)
  --fleet F           sim: the starting fleet: demo, empty, or a number of containers (default demo)
  --seed N            makes the fleet and its activity reproducible
  --speed X           simulated time runs X times faster (default 1)
  --churn R           background activity at about R events per second (default 0)
  --user NAME:APIKEY  a user (repeatable); without one, user "demo" with a random API key
  --org ORG:M1[,M2]   an organisation and its members (repeatable)
  --rate-limit N      requests per second per user (default 1000; 0 turns it off)
  -h, --help          this help
`;

export class UsageError extends Error {}

function number(text: string, flag: string, min: number): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < min) throw new UsageError(`${flag} expects a number ≥ ${min}, got '${text}'`);
  return n;
}

export function parseServeArgs(argv: readonly string[]): ServeOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '8080' },
        backend: { type: 'string', default: 'sim' },
        'docker-host': { type: 'string' },
        'node-engine': { type: 'string', multiple: true, default: [] },
        namespace: { type: 'string' },
        fleet: { type: 'string', default: 'demo' },
        seed: { type: 'string' },
        speed: { type: 'string', default: '1' },
        churn: { type: 'string', default: '0' },
        user: { type: 'string', multiple: true, default: [] },
        org: { type: 'string', multiple: true, default: [] },
        'rate-limit': { type: 'string', default: '1000' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const v = parsed.values;
  if (v.help) return 'help';
  if (v.backend !== 'sim' && v.backend !== 'docker') throw new UsageError(`--backend expects sim or docker, got '${v.backend}'`);
  const nodeEngines: Record<string, string> = {};
  for (const spec of v['node-engine'] as string[]) {
    const eq = spec.indexOf('=');
    if (eq <= 0 || eq === spec.length - 1) throw new UsageError(`--node-engine expects NODE=HOST, got '${spec}'`);
    nodeEngines[spec.slice(0, eq)] = spec.slice(eq + 1);
  }
  if (v.backend === 'sim' && (v['docker-host'] || Object.keys(nodeEngines).length)) {
    throw new UsageError('--docker-host and --node-engine go with --backend docker');
  }
  const port = number(v.port!, '--port', 0);
  if (!Number.isInteger(port) || port > 65535) throw new UsageError(`--port expects 0 to 65535, got '${v.port}'`);
  let fleet: FleetSpec;
  try {
    fleet = parseFleet(v.fleet!);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return {
    host: v.host!,
    port,
    backend: v.backend,
    dockerHost: v['docker-host'],
    nodeEngines,
    namespace: v.namespace,
    fleet,
    seed: v.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : number(v.seed, '--seed', 0),
    speed: number(v.speed!, '--speed', Number.MIN_VALUE),
    churn: number(v.churn!, '--churn', 0),
    users: v.user as string[],
    orgs: v.org as string[],
    rateLimit: number(v['rate-limit']!, '--rate-limit', 0),
  };
}

export interface RunningServer {
  server: ApiServer;
  /** What it serves: "sim backend, fleet demo (41 containers, seed 1)", "docker backend, engine vm (20.10.24) …". */
  what: string;
  url: string;
  user: string;
  apikey: string;
  /** Where the objects are (the user's own namespace, unless --namespace said otherwise). */
  namespace: string;
  close(): Promise<void>;
}

/** Starts the server; the fleet lives in the first user's namespace. Rejects with EADDRINUSE and the like. */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  let accounts;
  try {
    accounts = createAccounts(options.users, options.orgs);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const [user, apikey] = primaryUser(accounts);
  let backend: Backend;
  let sim: SimBackend | undefined;
  let what: string;
  if (options.backend === 'docker') {
    // An engine has no tenants: one namespace, shared by every user, where requests without one go.
    accounts.shared = options.namespace ?? user;
    const docker = await DockerBackend.connect({ host: options.dockerHost, namespace: accounts.shared, nodeEngines: options.nodeEngines });
    backend = docker;
    what = `docker backend, ${docker.describe()}, namespace ${accounts.shared}`;
  } else {
    if (options.namespace && !accounts.users.has(options.namespace) && !accounts.orgs.has(options.namespace)) {
      throw new UsageError(`--namespace ${options.namespace}: no --user or --org has that name`);
    }
    backend = sim = new SimBackend({ seed: options.seed, speed: options.speed });
    what = `sim backend, fleet ${options.fleet}`;
  }
  const server = new ApiServer({ backend, accounts, rateLimit: options.rateLimit });
  let url: string;
  try {
    url = await server.listen(options.port, options.host);
  } catch (error) {
    await backend.close();
    throw error;
  }
  if (sim) {
    const namespace = options.namespace ?? user;
    sim.setApiBase(url);
    sim.populate(namespace, options.fleet);
    sim.startChurn(namespace, options.churn);
    what += ` (${sim.list('container', namespace).length} containers${namespace === user ? '' : ` in namespace ${namespace}`}, seed ${options.seed})`;
  } else {
    what += ` (${backend.list('container', accounts.shared!).length} containers)`;
  }
  const namespace = options.namespace ?? accounts.shared ?? user;
  return { server, url, user, apikey, namespace, what, close: () => server.close() };
}

export function exportLine(running: RunningServer): string {
  const stream = running.url.replace(/^http/, 'ws');
  return `export DOCKERCLOUD_REST_HOST=${running.url} DOCKERCLOUD_STREAM_HOST=${stream} ` +
    `DOCKERCLOUD_USER=${running.user} DOCKERCLOUD_APIKEY=${running.apikey}` +
    (running.namespace === running.user ? '' : ` DOCKERCLOUD_NAMESPACE=${running.namespace}`);
}

/** The `dctop serve` command: runs until SIGINT or SIGTERM. Returns the exit code on failure to start. */
export async function serveCommand(argv: readonly string[]): Promise<number | undefined> {
  let options: ServeOptions | 'help';
  try {
    options = parseServeArgs(argv);
  } catch (error) {
    process.stderr.write(`dctop serve: ${(error as Error).message}\n\n${SERVE_USAGE}`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(SERVE_USAGE);
    return 0;
  }
  let running: RunningServer;
  try {
    running = await startServer(options);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = code === 'EADDRINUSE'
      ? `port ${options.port} on ${options.host} is already in use (--port 0 picks a free one)`
      : code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND'
        ? `cannot listen on ${options.host}: no such local address`
        : (error as Error).message;
    process.stderr.write(`dctop serve: ${message}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    process.stderr.write(`dctop serve: ${signal}, closing\n`);
    void running.close().then(() => process.exit(0));
  };
  // Before saying where we listen: whoever reads that may signal us at once.
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.stdout.write(`dctop serve: ${running.what}, listening on ${running.url}\n${exportLine(running)}\n`);
  return undefined;
}
