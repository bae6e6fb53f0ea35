// The rows a view shows, derived snapshot by snapshot from the last ones (RowDeriver), are the rows computed whole
// (rowsFor), on every snapshot of a store following a churning fleet: changes, arrivals, terminations and removals.
import { afterEach, describe, expect, it } from 'vitest';
import { FleetStore } from '../../src/store/fleet-store.js';
import type { Snapshot } from '../../src/store/snapshot.js';
import { RECENTLY_TERMINATED_MS, RowDeriver, rowsFor } from '../../src/views/rows.js';
import { clientFor } from '../helpers/client.js';
import { startTestServer } from '../helpers/server.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const UNSORTED = { column: -1, reverse: false };

/** A store (not started) of a demo fleet with this much churn. */
async function churning(churn: number): Promise<FleetStore> {
  const t = await startTestServer({ fleet: 'demo', churn });
  cleanup.push(() => t.close());
  const client = await clientFor(t, 'alice');
  cleanup.push(() => client.close());
  const store = new FleetStore(client, { maxFps: 50, batchDelayMs: 5 });
  cleanup.push(() => store.close());
  return store;
}

describe('RowDeriver', () => {
  it('gives the rows rowsFor computes, on every snapshot under churn, as terminated rows age out', async () => {
    const store = await churning(400);
    await store.start();

    const derivers = { container: new RowDeriver(), all: new RowDeriver(), service: new RowDeriver() };
    let compared = 0;
    let expired = 0;
    const mismatches: string[] = [];
    const check = (raw: Snapshot) => {
      // The clock runs faster for the rows than for the store, so that terminated rows leave during the test.
      const snapshot: Snapshot = { ...raw, at: raw.at + compared * (RECENTLY_TERMINATED_MS / 40) };
      for (const [name, view, allTerminated] of [['container', 'container', false], ['all', 'container', true], ['service', 'service', false]] as const) {
        const crumb = { view, parent: null, label: null };
        const derived = derivers[name].rows(snapshot, crumb, '', UNSORTED, allTerminated).map((r) => r.uri);
        const whole = rowsFor(snapshot, crumb, '', UNSORTED, allTerminated, snapshot.at).map((r) => r.uri);
        if (derived.join() !== whole.join()) mismatches.push(`${name} at snapshot ${snapshot.version}: ${derived.length} rows derived, ${whole.length} whole`);
        if (name === 'container') expired += whole.length < snapshot.objects.container.size ? 1 : 0;
      }
      compared++;
    };
    const unsubscribe = store.subscribe(() => check(store.getSnapshot()));
    await new Promise((r) => setTimeout(r, 4000));
    unsubscribe();

    expect(mismatches).toEqual([]);
    expect(compared).toBeGreaterThan(50);
    expect(expired).toBeGreaterThan(0); // some terminated rows did leave the default view
  });

  it('computes whole what it cannot derive: a filter, a sort, a drill-down, a snapshot skipped', async () => {
    const store = await churning(200);
    const first = await store.start();
    const deriver = new RowDeriver();
    const crumb = { view: 'container' as const, parent: null, label: null };
    deriver.rows(first, crumb, '', UNSORTED, false);
    await new Promise((r) => setTimeout(r, 500));
    const later = store.getSnapshot();
    expect(later.version).toBeGreaterThan(first.version + 1);
    const whole = (filter: string, sort = UNSORTED) => rowsFor(later, crumb, filter, sort, false, later.at).map((r) => r.uri);
    expect(deriver.rows(later, crumb, '', UNSORTED, false).map((r) => r.uri)).toEqual(whole(''));
    expect(deriver.rows(later, crumb, 'web', UNSORTED, false).map((r) => r.uri)).toEqual(whole('web'));
    expect(deriver.rows(later, crumb, '', { column: 0, reverse: true }, false).map((r) => r.uri)).toEqual(whole('', { column: 0, reverse: true }));
  });
});
