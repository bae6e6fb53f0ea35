// A bounded, seeded fuzz of the REST API over real HTTP: random methods, paths made of the API's own words and
// random ones, random bodies and headers. Whatever comes, the answer is JSON, never a 5xx, and the server keeps
// answering. FUZZ_SEED picks another run; FUZZ_REQUESTS another length.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRng, type Rng } from '../../src/server/sim/random.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const SEED = Number(process.env['FUZZ_SEED'] ?? 20261201);
const REQUESTS = Number(process.env['FUZZ_REQUESTS'] ?? 1500);

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ fleet: 'demo' });
});
afterAll(() => t.close());

const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;

function value(rng: Rng, depth = 0): unknown {
  const r = rng();
  if (depth > 3 || r < 0.3) return pick(rng, [null, true, false, 0, -1, 1e308, 3.5, '', 'x'.repeat(Math.floor(rng() * 300)), '\u0000\u001b[2J', '../../etc', '日本', '{"a":1}']);
  if (r < 0.6) return Array.from({ length: Math.floor(rng() * 4) }, () => value(rng, depth + 1));
  return Object.fromEntries(Array.from({ length: Math.floor(rng() * 5) }, () => [pick(rng, FIELDS), value(rng, depth + 1)]));
}

const FIELDS = ['name', 'image', 'target_num_containers', 'container_envvars', 'linked_to_service', 'bindings', 'services', 'ports',
  'nickname', 'tags', 'node_type', 'region', 'target_num_nodes', 'autorestart', 'deployment_strategy', 'run_command', 'x'];
const KINDS = ['app/v1/service', 'app/v1/container', 'app/v1/stack', 'infra/v1/node', 'infra/v1/nodecluster', 'audit/v1/action',
  'infra/v1/region', 'repo/v1/repository', 'app/v1/acme/service', 'app/v1/bob/service', 'infra/v1/token', 'dctop/v1/backend', 'nope/v1/x'];
const TAILS = ['', 'start/', 'stop/', 'redeploy/', 'scale/', 'export/', 'logs/', 'trigger/', 'cancel/', 'retry/', 'docker-upgrade/', '%00/', '../'];

describe('fuzzing the REST API', () => {
  it(`${REQUESTS} random requests (seed ${SEED}): JSON answers, no 5xx, and the server still answers`, async () => {
    const rng = seededRng(SEED);
    const known = (await t.api('GET', '/api/app/v1/container/?limit=20')).body.objects.map((o: { uuid: string }) => o.uuid) as string[];
    const failures: string[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const method = pick(rng, ['GET', 'GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'HEAD', 'OPTIONS']);
      const id = pick(rng, [...known, '', 'not-a-uuid', '00000000-0000-4000-8000-000000000000']);
      const path = `/api/${pick(rng, KINDS)}/${id ? `${id}/` : ''}${pick(rng, TAILS)}${rng() < 0.3 ? `?limit=${pick(rng, ['-1', '0', '1e9', 'x', '5'])}&offset=${pick(rng, ['-5', '99999', 'y'])}` : ''}`;
      const raw = method !== 'GET' && method !== 'HEAD' && rng() < 0.1 ? pick(rng, ['{', '[]', '"x"', 'null', '{"a":', '\u0000']) : undefined;
      const body = raw === undefined && method !== 'GET' && method !== 'HEAD' && rng() < 0.8 ? value(rng) : undefined;
      const user = pick(rng, ['alice', 'alice', 'bob', '', 'carol']);
      const res = await t.api(method, path, body, {
        ...(raw !== undefined ? { rawBody: raw, headers: { 'Content-Type': 'application/json' } } : {}),
        ...(user === '' ? { user: '' } : { user }),
      });
      const json = method === 'HEAD' || res.status === 204 || (typeof res.body === 'object' && res.body !== null);
      if (res.status >= 500 || !json || (res.status >= 400 && method !== 'HEAD' && typeof res.body?.error !== 'string')) {
        failures.push(`${method} ${path} ${JSON.stringify(body)?.slice(0, 80)} → ${res.status} ${JSON.stringify(res.body)?.slice(0, 120)}`);
      }
    }
    expect(failures.slice(0, 10)).toEqual([]);
    expect((await t.api('GET', '/api/app/v1/service/?limit=1')).status).toBe(200);
  }, 120_000);
});
