// Where the API is and who we are: explicit options, then the environment, then ~/.docker/config.json, with the
// precedence of the Python SDK (wire-compat.md): DOCKERCLOUD_AUTH, user + API key, user + password, docker config.
// The credential lives only in `authorization`; describe() and every message leave it out.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DockerCloudError } from './errors.js';

export const DEFAULT_REST_HOST = 'https://cloud.docker.com';
export const DEFAULT_STREAM_HOST = 'wss://ws.cloud.docker.com';
const DOCKER_INDEX = 'https://index.docker.io/v1/';

export interface ConfigOptions {
  restHost?: string;
  streamHost?: string;
  user?: string;
  apikey?: string;
  password?: string;
  /** A whole Authorization header value, used verbatim. */
  auth?: string;
  namespace?: string;
  /**
   * Where the caller got the credentials it passes here, as a person would name it in a message ("--user and
   * --apikey", "the embedded server"). Default: the options as dctop's flags name them (--user and --apikey …).
   */
  credentialsFrom?: string;
}

export interface ClientConfig {
  restHost: string;
  streamHost: string;
  /** The Authorization header value. Never print it. */
  authorization: string;
  /** The user name, when the credential says (for display). */
  user: string | null;
  namespace: string | null;
  /** Where the credential came from: 'options', 'DOCKERCLOUD_AUTH', 'DOCKERCLOUD_APIKEY', … */
  credentialSource: string;
  /**
   * The same, as a person reads it in a message: "--user and --apikey", "DOCKERCLOUD_USER and DOCKERCLOUD_APIKEY",
   * "DOCKERCLOUD_AUTH", "DOCKERCLOUD_USER and DOCKERCLOUD_PASS", "~/.docker/config.json",
   * "docker-credential-osxkeychain (credsStore of ~/.docker/config.json)".
   */
  credentialsFrom: string;
  /** Things a person should see, e.g. credentials sent over plain http to a remote host. */
  warnings: string[];
}

export interface ConfigSources {
  env?: NodeJS.ProcessEnv;
  /** The directory holding .docker/config.json (default: the home directory). */
  home?: string;
  /** Runs a docker credential helper (default: execFile of docker-credential-<name>). */
  runHelper?: (name: string, input: string) => Promise<string>;
}

const basic = (user: string, secret: string) => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;

function userOf(authorization: string): string | null {
  const m = /^Basic\s+(\S+)/i.exec(authorization);
  if (!m) return null;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 ? decoded.slice(0, colon) : null;
}

function runCredentialHelper(name: string, input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(`docker-credential-${name}`, ['get'], { timeout: 5000 }, (error, stdout) => {
      if (error) reject(new Error(`docker-credential-${name} failed (${(error as NodeJS.ErrnoException).code ?? 'exit'})`));
      else resolve(stdout);
    });
    child.stdin?.end(input);
  });
}

type Credential = { authorization: string; source: string; from: string };

async function fromDockerConfig(sources: ConfigSources): Promise<Credential | null> {
  const path = join(sources.home ?? homedir(), '.docker', 'config.json');
  const shown = sources.home === undefined ? '~/.docker/config.json' : path;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return null;
  }
  let config: { auths?: Record<string, { auth?: string }>; credsStore?: string };
  try {
    config = JSON.parse(text);
  } catch {
    throw new DockerCloudError('config', `${path} is not valid JSON`);
  }
  if (config.credsStore) {
    const run = sources.runHelper ?? runCredentialHelper;
    let answer: { Username?: string; Secret?: string };
    try {
      answer = JSON.parse(await run(config.credsStore, DOCKER_INDEX));
    } catch (error) {
      throw new DockerCloudError('config', `credential helper '${config.credsStore}' gave no credentials: ${(error as Error).message}`);
    }
    if (answer.Username && answer.Secret) {
      return {
        authorization: basic(answer.Username, answer.Secret), source: `docker-credential-${config.credsStore}`,
        from: `docker-credential-${config.credsStore} (the credsStore of ${shown})`,
      };
    }
  }
  const auth = config.auths?.[DOCKER_INDEX]?.auth;
  return auth ? { authorization: `Basic ${auth}`, source: path, from: shown } : null;
}

function normalizeHost(value: string, kind: 'rest' | 'stream'): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new DockerCloudError('config', `${kind === 'rest' ? 'REST' : 'Stream'} host '${value}' is not a URL`);
  }
  const schemes = kind === 'rest' ? ['http:', 'https:'] : ['ws:', 'wss:', 'http:', 'https:'];
  if (!schemes.includes(url.protocol)) {
    throw new DockerCloudError('config', `${kind === 'rest' ? 'REST' : 'Stream'} host '${value}' must start with ${schemes.join(' or ')}`);
  }
  if (kind === 'stream') url.protocol = url.protocol === 'https:' ? 'wss:' : url.protocol === 'http:' ? 'ws:' : url.protocol;
  // Like the Python SDK: the origin only, no path and no trailing slash.
  return `${url.protocol}//${url.host}`;
}

export function isLoopback(host: string): boolean {
  const hostname = new URL(host).hostname.replace(/^\[|\]$/g, '');
  return hostname === 'localhost' || hostname === '::1' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

export async function resolveConfig(options: ConfigOptions = {}, sources: ConfigSources = {}): Promise<ClientConfig> {
  const env = sources.env ?? process.env;
  const restHost = normalizeHost(options.restHost ?? env['DOCKERCLOUD_REST_HOST'] ?? DEFAULT_REST_HOST, 'rest');
  // A REST host of our own without a stream host: the stream is on the same origin (as `dctop serve` does).
  const derivedStream = restHost === DEFAULT_REST_HOST ? DEFAULT_STREAM_HOST : restHost.replace(/^http/, 'ws');
  const streamHost = normalizeHost(options.streamHost ?? env['DOCKERCLOUD_STREAM_HOST'] ?? derivedStream, 'stream');

  let credential: Credential | null = null;
  const given = (flags: string) => options.credentialsFrom ?? flags;
  if (options.auth) credential = { authorization: options.auth, source: 'options', from: given('the auth option') };
  else if (options.user && options.apikey) {
    credential = { authorization: basic(options.user, options.apikey), source: 'options', from: given('--user and --apikey') };
  } else if (options.user && options.password) {
    credential = { authorization: basic(options.user, options.password), source: 'options', from: given('--user and --password') };
  } else if (env['DOCKERCLOUD_AUTH']) {
    credential = { authorization: env['DOCKERCLOUD_AUTH'], source: 'DOCKERCLOUD_AUTH', from: 'DOCKERCLOUD_AUTH' };
  } else if (env['DOCKERCLOUD_USER'] && env['DOCKERCLOUD_APIKEY']) {
    credential = {
      authorization: basic(env['DOCKERCLOUD_USER'], env['DOCKERCLOUD_APIKEY']), source: 'DOCKERCLOUD_APIKEY',
      from: 'DOCKERCLOUD_USER and DOCKERCLOUD_APIKEY',
    };
  } else if (env['DOCKERCLOUD_USER'] && env['DOCKERCLOUD_PASS']) {
    credential = {
      authorization: basic(env['DOCKERCLOUD_USER'], env['DOCKERCLOUD_PASS']), source: 'DOCKERCLOUD_PASS',
      from: 'DOCKERCLOUD_USER and DOCKERCLOUD_PASS',
    };
  } else credential = await fromDockerConfig(sources);
  if (!credential) {
    throw new DockerCloudError('config',
      'No credentials: set DOCKERCLOUD_USER and DOCKERCLOUD_APIKEY (or DOCKERCLOUD_AUTH), or log in with docker login');
  }

  const warnings: string[] = [];
  for (const host of [restHost, streamHost]) {
    if (/^(http|ws):/.test(host) && !isLoopback(host)) {
      warnings.push(`${host} is not encrypted: credentials and data cross the network in clear text`);
    }
  }
  return {
    restHost,
    streamHost,
    authorization: credential.authorization,
    user: userOf(credential.authorization),
    namespace: options.namespace ?? env['DOCKERCLOUD_NAMESPACE'] ?? null,
    credentialSource: credential.source,
    credentialsFrom: credential.from,
    warnings,
  };
}

/** The configuration as it may be shown or logged: everything but the credential. */
export function describeConfig(config: ClientConfig): string {
  return `${config.restHost} (stream ${config.streamHost}) as ${config.user ?? 'token'}` +
    `${config.namespace ? ` in ${config.namespace}` : ''} [credentials from ${config.credentialsFrom}]`;
}
