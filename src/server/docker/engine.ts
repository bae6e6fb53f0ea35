// Reaching a Docker engine: DOCKER_HOST's forms (unix socket, tcp with or without TLS, ssh) as the docker CLI
// reads them, through dockerode.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';

export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';

/** A client of the engine at `host` (default: DOCKER_HOST, else the local socket). */
export function connectEngine(host: string | undefined, env: NodeJS.ProcessEnv = process.env): Docker {
  const where = host || env['DOCKER_HOST'] || DEFAULT_DOCKER_HOST;
  if (where.startsWith('unix://') || where.startsWith('/')) return new Docker({ socketPath: where.replace(/^unix:\/\//, '') });
  const url = new URL(where);
  if (url.protocol === 'tcp:' || url.protocol === 'http:' || url.protocol === 'https:') {
    const tls = url.protocol === 'https:' || (env['DOCKER_TLS_VERIFY'] ?? '') !== '' && env['DOCKER_TLS_VERIFY'] !== '0';
    const certs = env['DOCKER_CERT_PATH'] ?? join(env['HOME'] ?? '', '.docker');
    const port = Number(url.port || (tls ? 2376 : 2375));
    if (!tls) return new Docker({ host: url.hostname, port, protocol: 'http' });
    return new Docker({
      host: url.hostname, port, protocol: 'https',
      ca: readFileSync(join(certs, 'ca.pem')), cert: readFileSync(join(certs, 'cert.pem')), key: readFileSync(join(certs, 'key.pem')),
    });
  }
  if (url.protocol === 'ssh:') {
    return new Docker({
      protocol: 'ssh', host: url.hostname, port: Number(url.port || 22), username: url.username || undefined,
      sshOptions: { agent: env['SSH_AUTH_SOCK'] },
    } as Docker.DockerOptions);
  }
  throw new Error(`unsupported Docker host '${where}': use unix:///path, tcp://host:port or ssh://user@host`);
}

/** Where an engine is, for messages (never with credentials). */
export function describeEngine(host: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return host || env['DOCKER_HOST'] || DEFAULT_DOCKER_HOST;
}
