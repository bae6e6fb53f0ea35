// Cancel tells the truth in the monitor: a cancel that stops its action is done (not "failed: canceled").
import { cleanup } from 'ink-testing-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Change } from '../../src/server/backend.js';
import { liveFleet, renderApp, type LiveFleet } from '../helpers/monitor.js';
import { eventually, settled } from '../helpers/server.js';

let fleet: LiveFleet;
beforeAll(async () => {
  fleet = await liveFleet({ speed: 5 }); // slow enough to cancel between two steps
});
afterAll(async () => {
  cleanup();
  await fleet.close();
});

describe('cancel in the monitor', () => {
  it('C on an action between two steps: Canceled, and the status says the cancel is done', async () => {
    const { t } = fleet;
    const svc = (await t.api('POST', '/api/app/v1/service/', { image: 'nginx', name: 'mc-scale', target_num_containers: 1, sequential_deployment: true })).body;
    await settled(t, (await t.api('POST', `${svc.resource_uri}start/`)).headers.get('x-dockercloud-action-uri')!);
    await t.api('PATCH', svc.resource_uri, { target_num_containers: 4 });
    const second = new Promise<void>((resolve) => {
      const sub = t.backend.subscribe((change: Change) => {
        if (change.kind === 'container' && change.action === 'create' && (change.object as { name?: string }).name === 'mc-scale-2') {
          sub.close();
          resolve();
        }
      });
    });
    const r = renderApp(fleet, { view: 'action' });
    const uri = (await t.api('POST', `${svc.resource_uri}scale/`)).headers.get('x-dockercloud-action-uri')!;
    await second;
    await eventually(() => /› Service Scale\s+⚙ In progress/.test(r.lastFrame() ?? ''), 5000, 'the scale, selected');
    r.stdin.write('C');
    expect(await settled(t, uri)).toMatchObject({ state: 'Canceled' });
    await eventually(() => /Cancel Service Scale: 1\/1 done/.test(r.lastFrame() ?? ''), 5000, 'the cancel done');
  });
});
