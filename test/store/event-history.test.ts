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

  it('a snapshot read after newer events trimmed the history still has its own newest eventHistory events', async () => {
    const store = await churning(200);
    await eventually(() => store.getSnapshot().eventsSeen > 300, 10_000, 'events');
    const held = store.getSnapshot(); // its events are not read yet: the store copies them only when asked
    await eventually(() => store.getSnapshot().eventsSeen > held.eventsSeen + 250, 10_000, 'a trim');
    expect(held.recentEvents).toHaveLength(200);
    expect(store.getSnapshot().recentEvents).toHaveLength(200);
  });

  it('keeps far more than a second of events by default (the old cap was 500)', async () => {
    const store = await churning();
    await eventually(() => store.getSnapshot().eventsSeen > 1200, 10_000, 'events');
    const s = store.getSnapshot();
    expect(s.recentEvents.length).toBe(s.eventsSeen);
  });
});

describe('terminated objects', () => {
  it('are kept for a while, but never more than terminatedLimit of them: under churn they do not grow with its rate', async () => {
    const t = await startTestServer({ fleet: 400, seed: 7 });
    cleanup.push(() => t.close());
    const client = await clientFor(t);
    cleanup.push(() => client.close());
    const store = new FleetStore(client, { maxFps: 20, terminatedRetentionMs: 10 * 60_000, terminatedLimit: 20 });
    cleanup.push(() => store.close());
    await store.start();
    // Redeploys replace containers: each leaves a terminated one behind.
    const services = t.backend.list('service', 'alice').filter((s) => s.state === 'Running').slice(0, 6);
    for (const s of services) await t.api('POST', `${s.resource_uri}redeploy/`);
    await eventually(() => {
      const s = store.getSnapshot();
      return [...s.objects.container.values()].filter((c) => c.state === 'Running').length > 300 && s.terminatedAt.size >= 20;
    }, 20_000, 'redeploys with terminated containers');
    await new Promise((r) => setTimeout(r, 500));
    const s = store.getSnapshot();
    expect(s.terminatedAt.size).toBeLessThanOrEqual(20);
    const terminated = [...s.objects.container.values()].filter((c) => c.state === 'Terminated');
    expect(terminated.length).toBeLessThanOrEqual(20);
  });
});
