// Inspect on a store that keeps summaries (the monitor's): the whole object is fetched for it, env vars and links
// included, and the fields the store has moved on with are the newer ones.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveFleet, renderApp, type LiveFleet } from '../helpers/monitor.js';
import { eventually } from '../helpers/server.js';

let fleet: LiveFleet;
beforeAll(async () => {
  fleet = await liveFleet({}, { summaries: true });
});
afterAll(() => fleet.close());
const tick = (ms = 40) => new Promise((r) => setTimeout(r, ms));

describe('inspect of a summary', () => {
  it('fetches the whole object: its env vars are in the inspector, not in the store', async () => {
    const r = renderApp(fleet, { view: 'container' });
    const frame = () => r.lastFrame() ?? '';
    await eventually(() => expect(frame()).toMatch(/containers \(\d+\)/));
    const first = [...fleet.store.getSnapshot().objects.container.values()][0]!;
    expect(first.container_envvars).toBeUndefined();
    // The search below is typed once the whole object has come (typed before, it searches the summary).
    let fetched = 0;
    const fetch = fleet.client.fetch.bind(fleet.client);
    fleet.client.fetch = (async (uri: string) => {
      const object = await fetch(uri);
      if (uri === first.resource_uri) fetched++;
      return object;
    }) as typeof fleet.client.fetch;
    r.stdin.write('i');
    await eventually(() => expect(frame()).toMatch(/^ inspect/m));
    await eventually(() => fetched > 0, 5000, 'the whole object fetched');
    await tick();
    r.stdin.write('/');
    await tick();
    r.stdin.write('"container_envvars"');
    await eventually(() => expect(frame()).toMatch(/"container_envvars": \[/), 5000);
    expect(frame()).not.toMatch(/on their way/);
    r.unmount();
  });
});
