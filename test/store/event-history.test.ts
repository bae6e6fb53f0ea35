// The events the store keeps for the events view: the newest eventHistory of them (10,000 by default), numbered
// by arrival so that a paused view can stay on the ones it had.
import { afterEach, describe, expect, it } from 'vitest';
import { FleetStore } from '../../src/store/fleet-store.js';
import { clientFor } from '../helpers/client.js';
import { eventually, startTestServer } from '../helpers/server.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function churning(history?: number) {
  const t = await startTestServer({ fleet: 400, seed: 5 });
  cleanup.push(() => t.close());
  const client = await clientFor(t);
  cleanup.push(() => client.close());
  const store = new FleetStore(client, { maxFps: 20, ...(history ? { eventHistory: history } : {}) });
  cleanup.push(() => store.close());
  await store.start();
  t.backend.startChurn('alice', 600);
  cleanup.push(() => t.backend.startChurn('alice', 0));
  return store;
}

describe('event history', () => {
  it('keeps the newest eventHistory events, counting all that came', async () => {
    const store = await churning(200);
    await eventually(() => store.getSnapshot().eventsSeen > 500, 10_000, 'events');
    const s = store.getSnapshot();
    expect(s.recentEvents).toHaveLength(200);
    expect(s.eventsSeen).toBeGreaterThan(500); // all counted, though only 200 kept
  });

  it('keeps far more than a second of events by default (the old cap was 500)', async () => {
    const store = await churning();
    await eventually(() => store.getSnapshot().eventsSeen > 1200, 10_000, 'events');
    const s = store.getSnapshot();
    expect(s.recentEvents.length).toBe(s.eventsSeen);
  });
});
