// A real Docker engine for the docker backend's tests: scripts/docker-env.sh starts them (the main engine, a
// single-node swarm manager; a plain engine in its own network namespace; worker nodes). No test pulls an image:
// IMAGE is built locally from busybox-static.
import { execFileSync, spawnSync } from 'node:child_process';
import { DockerBackend } from '../../src/server/docker/docker-backend.js';
import { serve, testAccounts, type ServedApi } from './server.js';

export const IMAGE = 'dctop-busybox:latest';
/** The main engine: a swarm manager. */
export const SWARM_ENGINE = 'unix:///var/run/docker.sock';
/** A plain engine (no swarm), in a network namespace of its own. */
export const PLAIN_ENGINE = 'unix:///run/dctop-plain.sock';
/** Worker nodes of the swarm, when `docker-env.sh multinode 2` made them. */
export const WORKERS: Record<string, string> = { 'dctop-node-1': 'unix:///run/dctop-node-1.sock', 'dctop-node-2': 'unix:///run/dctop-node-2.sock' };
export const ENV_SCRIPT = new URL('../../scripts/docker-env.sh', import.meta.url).pathname;

export function engineAnswers(host: string): boolean {
  return spawnSync('docker', ['-H', host, 'info', '--format', '{{.ID}}'], { timeout: 10_000, stdio: 'ignore' }).status === 0;
}

/** Skip where no engine runs, except in CI, where .ci/run started them and a missing one is a failure. */
export function needsEngine(host: string): boolean {
  return !engineAnswers(host) && !process.env['CI'];
}

/** The docker CLI against an engine; throws with its stderr on failure. */
export function docker(host: string, ...args: string[]): string {
  return execFileSync('docker', ['-H', host, ...args], { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** Removes what a test file made (containers and services whose names start with `prefix`). */
export function cleanUp(host: string, prefix: string): void {
  const services = spawnSync('docker', ['-H', host, 'service', 'ls', '-q', '--filter', `name=${prefix}`], { encoding: 'utf8' }).stdout?.trim();
  if (services) spawnSync('docker', ['-H', host, 'service', 'rm', ...services.split('\n')], { stdio: 'ignore' });
  const containers = spawnSync('docker', ['-H', host, 'ps', '-aq', '--filter', `name=${prefix}`], { encoding: 'utf8' }).stdout?.trim();
  if (containers) spawnSync('docker', ['-H', host, 'rm', '-f', ...containers.split('\n')], { stdio: 'ignore' });
}

export interface DockerServer extends ServedApi { backend: DockerBackend }

/** `dctop serve --backend docker` in this process: alice, bob and carol all use the engine's namespace, alice. */
export async function startDockerServer(host: string, nodeEngines: Record<string, string> = {}): Promise<DockerServer> {
  const accounts = testAccounts();
  accounts.shared = 'alice';
  const backend = await DockerBackend.connect({ host, namespace: 'alice', nodeEngines });
  const served = await serve(backend, accounts);
  return { ...served, backend };
}

/** The workers that answer, for --node-engine. */
export function liveWorkers(): Record<string, string> {
  return Object.fromEntries(Object.entries(WORKERS).filter(([, host]) => engineAnswers(host)));
}
