// resolveConfig: where the client finds its credentials and hosts (wire-compat.md, "Configuration a client reads"),
// the warnings it gives, and that no message or description ever shows a credential.
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_REST_HOST, DEFAULT_STREAM_HOST, describeConfig, resolveConfig, type ClientConfig, type ConfigOptions,
} from '../../src/api/config.js';
import { DockerCloudError } from '../../src/api/errors.js';

// ── helpers ──────────────────────────────────────────────────────────────────────────────────────────

const b64 = (text: string) => Buffer.from(text).toString('base64');
const basic = (user: string, secret: string) => `Basic ${b64(`${user}:${secret}`)}`;
const DOCKER_INDEX = 'https://index.docker.io/v1/';

// Distinctive values, so that "does not contain" means something.
const OPT_AUTH = basic('opt-auth-user', 'opt-auth-secret-5b1e');
const OPT = { user: 'opt-user', apikey: 'opt-apikey-91c4d7', password: 'opt-password-2fa803' };
const ENV_AUTH = basic('env-auth-user', 'env-auth-secret-c6d2');
const ENV = { user: 'env-user', apikey: 'env-apikey-4e8a19', password: 'env-password-d07b55' };
const DOCKER = { user: 'docker-user', password: 'docker-password-8a3f61' };
const DOCKER_AUTH = b64(`${DOCKER.user}:${DOCKER.password}`);
const HELPER_FAIL_SECRET = 'helper-secret-0c9e27';

/** Everything that must never appear in a description or an error message: raw secrets and their base64 forms. */
const SECRETS = [
  OPT.apikey, OPT.password, ENV.apikey, ENV.password, DOCKER.password, HELPER_FAIL_SECRET,
  'opt-auth-secret-5b1e', 'env-auth-secret-c6d2',
  OPT_AUTH.slice('Basic '.length), ENV_AUTH.slice('Basic '.length), DOCKER_AUTH,
  b64(`${OPT.user}:${OPT.apikey}`), b64(`${OPT.user}:${OPT.password}`),
  b64(`${ENV.user}:${ENV.apikey}`), b64(`${ENV.user}:${ENV.password}`),
];

function expectNoSecrets(text: string): void {
  for (const secret of SECRETS) expect(text, `leaks ${secret}`).not.toContain(secret);
}

/** Awaits a rejection, checks it is a config error without any secret in it, and returns it. */
async function configError(promise: Promise<unknown>): Promise<DockerCloudError> {
  const error = await promise.then(
    () => { throw new Error('expected resolveConfig to reject'); },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DockerCloudError);
  const e = error as DockerCloudError;
  expect(e.kind).toBe('config');
  expectNoSecrets(e.message);
  expectNoSecrets(String(e.stack));
  return e;
}

const temps: string[] = [];
async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/** A HOME directory whose .docker/config.json holds `content` (an object, or raw text). */
async function homeWith(content: object | string): Promise<string> {
  const home = await tempDir('dctop-home-');
  await mkdir(join(home, '.docker'));
  await writeFile(join(home, '.docker', 'config.json'), typeof content === 'string' ? content : JSON.stringify(content));
  return home;
}

const dockerConfig = (extra: object = {}) => ({ auths: { [DOCKER_INDEX]: { auth: DOCKER_AUTH } }, ...extra });

/** A credentials-free resolve with hosts of our choosing. */
const withHosts = (env: NodeJS.ProcessEnv, options: ConfigOptions = {}) =>
  resolveConfig({ user: 'u', apikey: 'k', ...options }, { env, home: emptyHome });

let emptyHome: string;
beforeAll(async () => {
  emptyHome = await tempDir('dctop-empty-home-');
});
afterAll(async () => {
  await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});

// ── credentials ──────────────────────────────────────────────────────────────────────────────────────

describe('credential precedence', () => {
  const fullEnv = {
    DOCKERCLOUD_AUTH: ENV_AUTH, DOCKERCLOUD_USER: ENV.user, DOCKERCLOUD_APIKEY: ENV.apikey, DOCKERCLOUD_PASS: ENV.password,
  };
  const { DOCKERCLOUD_AUTH: _auth, ...envWithoutAuth } = fullEnv;
  const { DOCKERCLOUD_APIKEY: _key, ...envUserPass } = envWithoutAuth;

  // Each level with every lower level also present.
  const levels: {
    name: string; options: ConfigOptions; env: NodeJS.ProcessEnv; authorization: string; user: string; source: string | null;
  }[] = [
    {
      name: 'explicit auth header', options: { auth: OPT_AUTH, ...OPT }, env: fullEnv,
      authorization: OPT_AUTH, user: 'opt-auth-user', source: 'options',
    },
    {
      name: 'explicit user + apikey', options: { ...OPT }, env: fullEnv,
      authorization: basic(OPT.user, OPT.apikey), user: OPT.user, source: 'options',
    },
    {
      name: 'explicit user + password', options: { user: OPT.user, password: OPT.password }, env: fullEnv,
      authorization: basic(OPT.user, OPT.password), user: OPT.user, source: 'options',
    },
    {
      name: 'DOCKERCLOUD_AUTH', options: {}, env: fullEnv,
      authorization: ENV_AUTH, user: 'env-auth-user', source: 'DOCKERCLOUD_AUTH',
    },
    {
      name: 'DOCKERCLOUD_USER + DOCKERCLOUD_APIKEY', options: {}, env: envWithoutAuth,
      authorization: basic(ENV.user, ENV.apikey), user: ENV.user, source: 'DOCKERCLOUD_APIKEY',
    },
    {
      name: 'DOCKERCLOUD_USER + DOCKERCLOUD_PASS', options: {}, env: envUserPass,
      authorization: basic(ENV.user, ENV.password), user: ENV.user, source: 'DOCKERCLOUD_PASS',
    },
    {
      name: '~/.docker/config.json', options: {}, env: {},
      authorization: `Basic ${DOCKER_AUTH}`, user: DOCKER.user, source: null, // the config file's path
    },
  ];

  let home: string;
  beforeAll(async () => {
    home = await homeWith(dockerConfig());
  });

  it.each(levels)('$name wins over everything below it', async (level) => {
    const config = await resolveConfig(level.options, { env: level.env, home });
    expect(config.authorization).toBe(level.authorization);
    expect(config.user).toBe(level.user);
    expect(config.credentialSource).toBe(level.source ?? join(home, '.docker', 'config.json'));
    // The description is what may be shown: never the key, the password or the base64 credential.
    const description = describeConfig(config);
    expectNoSecrets(description);
    expect(description).not.toContain(config.authorization.slice('Basic '.length));
    expect(description).toContain(level.user);
  });

  it('a user without a key or password in the options falls through to the environment', async () => {
    const config = await resolveConfig({ user: OPT.user }, { env: envWithoutAuth, home });
    expect(config.credentialSource).toBe('DOCKERCLOUD_APIKEY');
    expect(config.authorization).toBe(basic(ENV.user, ENV.apikey));
  });
});

describe('~/.docker/config.json', () => {
  const savedPath = process.env['PATH'];
  let bin: string;

  beforeAll(async () => {
    bin = await tempDir('dctop-bin-');
    // A real credential helper: it must be asked `get`, with the index URL on stdin.
    await writeFile(join(bin, 'docker-credential-dctoptest'), [
      '#!/bin/sh',
      '[ "$1" = "get" ] || { echo "expected get, got: $*" >&2; exit 2; }',
      'input=$(cat)',
      `[ "$input" = "${DOCKER_INDEX}" ] || { echo "unexpected server URL: $input" >&2; exit 3; }`,
      `printf '%s\\n' '{"Username":"u","Secret":"s"}'`,
      '',
    ].join('\n'));
    // A helper that fails after printing a secret on both streams: nothing of it may reach a message.
    await writeFile(join(bin, 'docker-credential-dctopfail'), [
      '#!/bin/sh',
      'cat >/dev/null',
      `echo '{"Username":"u","Secret":"${HELPER_FAIL_SECRET}"}'`,
      `echo 'credentials not found (${HELPER_FAIL_SECRET})' >&2`,
      'exit 1',
      '',
    ].join('\n'));
    await chmod(join(bin, 'docker-credential-dctoptest'), 0o755);
    await chmod(join(bin, 'docker-credential-dctopfail'), 0o755);
  });
  afterEach(() => {
    process.env['PATH'] = savedPath;
  });
  const useBin = () => {
    process.env['PATH'] = `${bin}${delimiter}${savedPath ?? ''}`;
  };

  it('reads auths["https://index.docker.io/v1/"].auth and sends it as Basic', async () => {
    const home = await homeWith(dockerConfig({ auths: {
      'https://other.registry.example/': { auth: b64('other:nope') },
      [DOCKER_INDEX]: { auth: DOCKER_AUTH },
    } }));
    const config = await resolveConfig({}, { env: {}, home });
    expect(config.authorization).toBe(`Basic ${DOCKER_AUTH}`);
    expect(config.user).toBe(DOCKER.user);
  });

  it('runs the credsStore helper (a real executable on PATH) and prefers it to auths', async () => {
    useBin();
    const home = await homeWith(dockerConfig({ credsStore: 'dctoptest' }));
    const config = await resolveConfig({}, { env: {}, home });
    expect(config.authorization).toBe(basic('u', 's'));
    expect(config.user).toBe('u');
    expect(config.credentialSource).toBe('docker-credential-dctoptest');
    expect(describeConfig(config)).not.toContain(b64('u:s'));
  });

  it('a failing helper is a config error that does not show the secret', async () => {
    useBin();
    const home = await homeWith(dockerConfig({ credsStore: 'dctopfail' }));
    const error = await configError(resolveConfig({}, { env: {}, home }));
    expect(error.message).toContain('dctopfail');
  });

  it('a helper that is not installed is a config error', async () => {
    useBin();
    const home = await homeWith(dockerConfig({ credsStore: 'dctop-not-installed' }));
    await configError(resolveConfig({}, { env: {}, home }));
  });

  it('a helper that answers something else than JSON is a config error (runHelper)', async () => {
    const home = await homeWith({ credsStore: 'fake' });
    const asked: [string, string][] = [];
    const runHelper = async (name: string, input: string) => {
      asked.push([name, input]);
      return `not json ${HELPER_FAIL_SECRET}`;
    };
    await configError(resolveConfig({}, { env: {}, home, runHelper }));
    expect(asked).toEqual([['fake', DOCKER_INDEX]]);
  });

  it('invalid JSON is a config error naming the file, not its content', async () => {
    const home = await homeWith(`{"auths": {"${DOCKER_INDEX}": {"auth": "${DOCKER_AUTH}"}}`); // truncated
    const error = await configError(resolveConfig({}, { env: {}, home }));
    expect(error.message).toContain('config.json');
  });

  it('is not read when the environment has credentials', async () => {
    const home = await homeWith('{ not json');
    const config = await resolveConfig({}, { env: { DOCKERCLOUD_USER: ENV.user, DOCKERCLOUD_APIKEY: ENV.apikey }, home });
    expect(config.credentialSource).toBe('DOCKERCLOUD_APIKEY');
  });
});

describe('no credentials', () => {
  it('anywhere is a config error that says how to give them', async () => {
    const error = await configError(resolveConfig({}, { env: {}, home: emptyHome }));
    expect(error.message).toMatch(/DOCKERCLOUD_USER/);
    expect(error.message).toMatch(/DOCKERCLOUD_APIKEY/);
    expect(error.message).toMatch(/docker login/);
  });

  it('a config.json without the Docker index entry is no credential either', async () => {
    const home = await homeWith({ auths: { 'https://other.registry.example/': { auth: b64('x:y') } } });
    await configError(resolveConfig({}, { env: {}, home }));
  });

  it('a user alone (no key, no password) is not a credential', async () => {
    await configError(resolveConfig({}, { env: { DOCKERCLOUD_USER: ENV.user }, home: emptyHome }));
  });
});

// ── hosts and namespace ──────────────────────────────────────────────────────────────────────────────

describe('hosts', () => {
  it('default to Docker Cloud', async () => {
    const config = await withHosts({});
    expect(config.restHost).toBe(DEFAULT_REST_HOST);
    expect(config.streamHost).toBe(DEFAULT_STREAM_HOST);
    expect(config.restHost).toBe('https://cloud.docker.com');
    expect(config.streamHost).toBe('wss://ws.cloud.docker.com');
    expect(config.warnings).toEqual([]);
  });

  it('DOCKERCLOUD_REST_HOST with a path and a trailing slash keeps the origin only', async () => {
    const config = await withHosts({ DOCKERCLOUD_REST_HOST: 'https://api.example.com:8443/some/prefix/' });
    expect(config.restHost).toBe('https://api.example.com:8443');
  });

  it('a REST host of our own without a stream host puts the stream on the same origin', async () => {
    expect((await withHosts({ DOCKERCLOUD_REST_HOST: 'https://api.example.com/v1/' })).streamHost)
      .toBe('wss://api.example.com');
    expect((await withHosts({ DOCKERCLOUD_REST_HOST: 'http://127.0.0.1:8080' })).streamHost).toBe('ws://127.0.0.1:8080');
    expect((await withHosts({}, { restHost: 'http://localhost:9000/' })).streamHost).toBe('ws://localhost:9000');
  });

  it.each([
    ['http://stream.example.com', 'ws://stream.example.com'],
    ['https://stream.example.com/', 'wss://stream.example.com'],
    ['ws://127.0.0.1:7000/path', 'ws://127.0.0.1:7000'],
    ['wss://stream.example.com:444', 'wss://stream.example.com:444'],
  ])('stream host %s becomes %s', async (given, expected) => {
    expect((await withHosts({ DOCKERCLOUD_STREAM_HOST: given })).streamHost).toBe(expected);
    expect((await withHosts({}, { streamHost: given })).streamHost).toBe(expected);
  });

  it('options win over the environment', async () => {
    const config = await withHosts(
      { DOCKERCLOUD_REST_HOST: 'https://env.example.com', DOCKERCLOUD_STREAM_HOST: 'wss://env-ws.example.com' },
      { restHost: 'https://opt.example.com', streamHost: 'wss://opt-ws.example.com' },
    );
    expect(config.restHost).toBe('https://opt.example.com');
    expect(config.streamHost).toBe('wss://opt-ws.example.com');
  });

  it.each([
    ['REST', { DOCKERCLOUD_REST_HOST: 'not a url' }],
    ['REST', { DOCKERCLOUD_REST_HOST: 'cloud.docker.com' }],
    ['REST', { DOCKERCLOUD_REST_HOST: 'ftp://cloud.docker.com' }],
    ['REST', { DOCKERCLOUD_REST_HOST: 'ws://cloud.docker.com' }],
    ['Stream', { DOCKERCLOUD_STREAM_HOST: 'not a url' }],
    ['Stream', { DOCKERCLOUD_STREAM_HOST: 'ftp://ws.cloud.docker.com' }],
  ])('a bad %s host (%j) is a config error', async (which, env) => {
    const error = await configError(withHosts(env));
    expect(error.message).toContain(which);
  });
});

describe('namespace', () => {
  it('comes from DOCKERCLOUD_NAMESPACE, the option wins, and it is null otherwise', async () => {
    expect((await withHosts({ DOCKERCLOUD_NAMESPACE: 'acme' })).namespace).toBe('acme');
    expect((await withHosts({ DOCKERCLOUD_NAMESPACE: 'acme' }, { namespace: 'other' })).namespace).toBe('other');
    expect((await withHosts({})).namespace).toBeNull();
    expect(describeConfig(await withHosts({ DOCKERCLOUD_NAMESPACE: 'acme' }))).toContain('acme');
  });
});

// ── warnings ─────────────────────────────────────────────────────────────────────────────────────────

describe('warnings', () => {
  it.each([
    ['api.example.com', { restHost: 'http://api.example.com', streamHost: 'wss://ws.example.com' }],
    ['ws.example.com', { restHost: 'https://api.example.com', streamHost: 'ws://ws.example.com' }],
    ['10.0.0.5', { restHost: 'http://10.0.0.5:8080', streamHost: 'wss://10.0.0.5' }],
    ['localhost.example.com', { restHost: 'http://localhost.example.com', streamHost: 'wss://x.example.com' }],
    ['127.example.com', { restHost: 'http://127.example.com', streamHost: 'wss://x.example.com' }],
  ])('plain http/ws to a remote host (%s) warns, naming the host', async (host, options) => {
    const config = await withHosts({}, options);
    expect(config.warnings).toHaveLength(1);
    expect(config.warnings[0]).toContain(host);
  });

  it('both hosts in clear text give one warning each', async () => {
    const config = await withHosts({ DOCKERCLOUD_REST_HOST: 'http://api.example.com' });
    expect(config.streamHost).toBe('ws://api.example.com');
    expect(config.warnings).toHaveLength(2);
    expect(config.warnings.every((w) => w.includes('api.example.com'))).toBe(true);
  });

  it.each([
    'http://127.0.0.1:8080', 'http://localhost:8080', 'http://[::1]:8080', 'http://127.1.2.3',
  ])('loopback %s gives no warning', async (restHost) => {
    const config = await withHosts({}, { restHost });
    expect(config.streamHost.startsWith('ws://')).toBe(true);
    expect(config.warnings).toEqual([]);
  });

  it('https and wss give no warning', async () => {
    expect((await withHosts({}, { restHost: 'https://api.example.com', streamHost: 'https://ws.example.com' })).warnings)
      .toEqual([]);
  });

  it('warnings never show the credential', async () => {
    const config = await resolveConfig({ restHost: 'http://api.example.com', ...OPT }, { env: {}, home: emptyHome });
    expect(config.warnings.length).toBeGreaterThan(0);
    for (const warning of config.warnings) expectNoSecrets(warning);
  });
});

describe('describeConfig', () => {
  it('shows hosts, user, namespace and source, never the key, the password or the base64 credential', async () => {
    const configs: ClientConfig[] = [
      await resolveConfig({ ...OPT, namespace: 'acme' }, { env: {}, home: emptyHome }),
      await resolveConfig({ user: OPT.user, password: OPT.password }, { env: {}, home: emptyHome }),
      await resolveConfig({}, { env: { DOCKERCLOUD_AUTH: ENV_AUTH }, home: emptyHome }),
      await resolveConfig({ auth: 'Bearer opt-auth-secret-5b1e' }, { env: {}, home: emptyHome }),
    ];
    for (const config of configs) {
      const description = describeConfig(config);
      expectNoSecrets(description);
      expect(description).not.toContain(config.authorization);
      expect(description).toContain(config.restHost);
      expect(description).toContain(config.streamHost);
    }
    expect(describeConfig(configs[0]!)).toContain('acme');
    expect(describeConfig(configs[0]!)).toContain(OPT.user);
    expect(configs[3]!.user).toBeNull(); // a non-Basic header names nobody
  });
});
