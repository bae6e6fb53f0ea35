// The resolved configuration names where its credentials were found, as a person would look for them
// ("DOCKERCLOUD_USER and DOCKERCLOUD_APIKEY", "--user and --apikey", "~/.docker/config.json"): the message of a
// refused login says where to fix them.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeConfig, resolveConfig } from '../../src/api/config.js';

const b64 = (text: string) => Buffer.from(text).toString('base64');
const temps: string[] = [];
afterAll(async () => {
  for (const dir of temps) await rm(dir, { recursive: true, force: true });
});

async function homeWith(config: unknown): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), 'dctop-home-'));
  temps.push(home);
  await mkdir(join(home, '.docker'));
  await writeFile(join(home, '.docker', 'config.json'), JSON.stringify(config));
  return home;
}

describe('credentialsFrom', () => {
  it.each([
    ['the options (dctop\'s flags)', { user: 'u', apikey: 'k' }, {}, '--user and --apikey'],
    ['user and password options', { user: 'u', password: 'p' }, {}, '--user and --password'],
    ['a whole Authorization option', { auth: `Basic ${b64('u:k')}` }, {}, 'the auth option'],
    ['DOCKERCLOUD_AUTH', {}, { DOCKERCLOUD_AUTH: `Basic ${b64('u:k')}` }, 'DOCKERCLOUD_AUTH'],
    ['DOCKERCLOUD_USER and DOCKERCLOUD_APIKEY', {}, { DOCKERCLOUD_USER: 'u', DOCKERCLOUD_APIKEY: 'k' }, 'DOCKERCLOUD_USER and DOCKERCLOUD_APIKEY'],
    ['DOCKERCLOUD_USER and DOCKERCLOUD_PASS', {}, { DOCKERCLOUD_USER: 'u', DOCKERCLOUD_PASS: 'p' }, 'DOCKERCLOUD_USER and DOCKERCLOUD_PASS'],
  ])('%s', async (_name, options, env, expected) => {
    const config = await resolveConfig(options, { env, home: '/nonexistent' });
    expect(config.credentialsFrom).toBe(expected);
    expect(describeConfig(config)).toContain(`[credentials from ${expected}]`);
  });

  it('the caller may say where its options came from', async () => {
    const config = await resolveConfig({ user: 'demo', apikey: 'k', credentialsFrom: 'the embedded server' }, { env: {} });
    expect(config.credentialsFrom).toBe('the embedded server');
    expect(config.credentialSource).toBe('options');
  });

  it('~/.docker/config.json: the file, or its credential helper', async () => {
    const home = await homeWith({ auths: { 'https://index.docker.io/v1/': { auth: b64('d:p') } } });
    const config = await resolveConfig({}, { env: {}, home });
    expect(config.credentialsFrom).toBe(join(home, '.docker', 'config.json'));
    const helped = await resolveConfig({}, {
      env: {}, home: await homeWith({ credsStore: 'fake' }), runHelper: async () => '{"Username":"u","Secret":"s"}',
    });
    expect(helped.credentialsFrom).toMatch(/^docker-credential-fake \(the credsStore of .*config\.json\)$/);
  });
});
