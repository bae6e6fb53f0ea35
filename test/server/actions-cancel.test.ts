// Cancel and retry tell the truth, over real HTTP: an action offers a cancel only while its operation can still
// stop (never during its last step), a cancel that comes too late is refused with the reason, and a retry is
// offered on failed and canceled actions, never on a success.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Change } from '../../src/server/backend.js';
import { eventually, findOne, settled, startTestServer, type TestServer } from '../helpers/server.js';

let t: TestServer;
beforeAll(async () => {
  // Slow enough (a container replaced in about half a second) to act in the middle of a step.
  t = await startTestServer({ fleet: 'demo', speed: 5 });
});
afterAll(() => t.close());

const get = async (uri: string) => (await t.api('GET', uri)).body;

async function runningService(body: Record<string, unknown>): Promise<any> {
  const svc = (await t.api('POST', '/api/app/v1/service/', body)).body;
  await settled(t, (await t.api('POST', `${svc.resource_uri}start/`)).headers.get('x-dockercloud-action-uri')!);
  return get(svc.resource_uri);
}

/** Resolves when the simulation creates a container named `name` (a step of an operation has begun). */
function created(name: string): Promise<void> {
  return new Promise((resolve) => {
    const sub = t.backend.subscribe((change: Change) => {
      if (change.kind === 'container' && change.action === 'create' && (change.object as any).name === name) {
        sub.close();
        resolve();
      }
    });
  });
}

describe('cancel', () => {
  it('is refused as too late once the operation is on its last step, and the action ends as it really did', async () => {
    const svc = await runningService({ image: 'nginx', name: 'ca-last', target_num_containers: 3, sequential_deployment: true });
    const lastStep = created('ca-last-3');
    const res = await t.api('POST', `${svc.resource_uri}redeploy/`);
    const uri = res.headers.get('x-dockercloud-action-uri')!;
    expect(await get(uri)).toMatchObject({ state: 'In progress', can_be_canceled: true });
    await lastStep; // the third and last container is being replaced
    expect(await get(uri)).toMatchObject({ state: 'In progress', can_be_canceled: false });
    const cancel = await t.api('POST', `${uri}cancel/`);
    expect(cancel.status).toBe(400);
    expect(cancel.body.error).toMatch(/too late.*last step/i);
    const done = await settled(t, uri);
    expect(done).toMatchObject({ state: 'Success', can_be_canceled: false, can_be_retried: false });
    // After the end: too late, and the answer says how it ended.
    const after = await t.api('POST', `${uri}cancel/`);
    expect(after.status).toBe(400);
    expect(after.body.error).toMatch(/too late.*already finished \(Success\)/i);
  });

  it('a cancel between two steps stops there: Canceled, and nothing is left half-started', async () => {
    const svc = await runningService({ image: 'nginx', name: 'ca-scale', target_num_containers: 1, sequential_deployment: true });
    await t.api('PATCH', svc.resource_uri, { target_num_containers: 4 });
    const second = created('ca-scale-2');
    const res = await t.api('POST', `${svc.resource_uri}scale/`);
    const uri = res.headers.get('x-dockercloud-action-uri')!;
    await second;
    expect((await get(uri)).can_be_canceled).toBe(true);
    const cancel = await t.api('POST', `${uri}cancel/`);
    expect(cancel.status).toBe(200);
    expect(cancel.body.state).toBe('Canceling');
    expect(await settled(t, uri)).toMatchObject({ state: 'Canceled', can_be_retried: true });
    // Two of the four asked for, both running: Partly running, and the target stands (a retry scales to it).
    const after = await eventually(async () => {
      const s = await get(svc.resource_uri);
      return s.state === 'Partly running' ? s : undefined;
    });
    expect(after).toMatchObject({ current_num_containers: 2, running_num_containers: 2, target_num_containers: 4 });
    for (const c of after.containers) expect((await get(c)).state).toBe('Running');
  });

  it('an operation that cannot stop part-way never offers a cancel, and refuses one', async () => {
    const svc = await runningService({ image: 'nginx', name: 'ca-parallel', target_num_containers: 1 });
    await t.api('PATCH', svc.resource_uri, { target_num_containers: 3 });
    const res = await t.api('POST', `${svc.resource_uri}scale/`);
    const uri = res.headers.get('x-dockercloud-action-uri')!;
    expect(await get(uri)).toMatchObject({ state: 'In progress', can_be_canceled: false });
    const cancel = await t.api('POST', `${uri}cancel/`);
    expect(cancel.status).toBe(400);
    expect(cancel.body.error).toMatch(/cannot stop part-way/);
    expect((await settled(t, uri)).state).toBe('Success');
    expect((await get(svc.resource_uri)).current_num_containers).toBe(3);
  });

  it('a stack redeploy can be canceled while one of its services still can stop', async () => {
    const stack = (await t.api('POST', '/api/app/v1/stack/', {
      name: 'ca-stack', services: [
        { name: 'seq', image: 'nginx', target_num_containers: 3, sequential_deployment: true },
        { name: 'par', image: 'redis', target_num_containers: 2 },
      ],
    })).body;
    await settled(t, (await t.api('POST', `${stack.resource_uri}start/`)).headers.get('x-dockercloud-action-uri')!);
    const lastStep = created('seq-3');
    const res = await t.api('POST', `${stack.resource_uri}redeploy/`);
    const uri = res.headers.get('x-dockercloud-action-uri')!;
    expect((await get(uri)).can_be_canceled).toBe(true);
    await lastStep;
    expect((await get(uri)).can_be_canceled).toBe(false);
    expect((await t.api('POST', `${uri}cancel/`)).status).toBe(400);
    expect((await settled(t, uri)).state).toBe('Success');
  });
});

describe('retry', () => {
  it('is offered on failed and canceled actions, never on a success', async () => {
    const svc = await findOne(t, '/api/app/v1/service/?name=ca-last');
    const actions = (await t.api('GET', `/api/audit/v1/action/?object=${encodeURIComponent(svc.resource_uri)}`)).body.objects;
    expect(actions.length).toBeGreaterThan(0);
    for (const a of actions.filter((x: any) => x.state === 'Success')) expect(a.can_be_retried).toBe(false);
    const canceled = (await t.api('GET', '/api/audit/v1/action/?state=Canceled')).body.objects;
    expect(canceled.length).toBeGreaterThan(0);
    for (const a of canceled) expect(a.can_be_retried).toBe(true);
    const unreachable = await findOne(t, '/api/infra/v1/node/?state=Unreachable');
    const check = await t.api('POST', `${unreachable.resource_uri}health-check/`);
    expect(await settled(t, check.headers.get('x-dockercloud-action-uri')!)).toMatchObject({ state: 'Failed', can_be_retried: true });
  });
});
