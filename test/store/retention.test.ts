// What the store keeps alive: a snapshot nobody holds is garbage once newer ones are made. (A getter on the
// snapshot once shared build's closure context, with the previous snapshot in it: every snapshot kept all the
// ones before it, and the monitor's memory grew by 9 MB/s under churn.)
import { afterEach, describe, expect, it } from 'vitest';
import { FleetStore } from '../../src/store/fleet-store.js';
import { clientFor } from '../helpers/client.js';
import { gc } from '../helpers/gc.js';
import { eventually, startTestServer } from '../helpers/server.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

describe('snapshot retention', () => {
  it('an old snapshot nobody holds is collected: the newer ones do not keep it', async () => {
    const t = await startTestServer({ fleet: 200, seed: 3 });
    cleanup.push(() => t.close());
    const client = await clientFor(t);
    cleanup.push(() => client.close());
    const store = new FleetStore(client, { maxFps: 50 });
    cleanup.push(() => store.close());
    await store.start();
    t.backend.startChurn('alice', 400);
    cleanup.push(() => t.backend.startChurn('alice', 0));
    const old = new WeakRef(store.getSnapshot());
    const version = old.deref()!.version;
    await eventually(() => store.getSnapshot().version > version + 5, 10_000, 'newer snapshots');
    await new Promise((r) => setTimeout(r, 0)); // a WeakRef's target lives to the end of the job that made it
    gc();
    expect(old.deref()).toBeUndefined();
  });
});
