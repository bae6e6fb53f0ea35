// A store that keeps summaries (as the monitor's does): every object as the server has it, less its kind's
// details (env vars and links), whether it came in a listing, with an event, or from a fetch.
import { afterEach, describe, expect, it } from 'vitest';
import { lacksDetails, type WireObject } from '../../src/domain/index.js';
import { FleetStore } from '../../src/store/index.js';
import { clientFor } from '../helpers/client.js';
import { eventually, startTestServer } from '../helpers/server.js';

const DETAILS: Record<string, string[]> = {
  container: ['container_envvars', 'link_variables', 'linked_to_container'],
  service: ['container_envvars', 'link_variables', 'calculated_envvars', 'linked_from_service', 'linked_to_service'],
};
const without = (object: WireObject, fields: string[]) => Object.fromEntries(Object.entries(object).filter(([k]) => !fields.includes(k)));

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

describe('a store of summaries', () => {
  it('asks dctop serve for summaries: its listings and events carry them (a quarter of the bytes)', async () => {
    const t = await startTestServer({ fleet: 'demo' });
    cleanup.push(() => t.close());
    const client = await clientFor(t);
    cleanup.push(() => client.close());
    const [whole] = (await client.list('container', { limit: 1 })).objects;
    const [summary] = (await client.list('container', { limit: 1 }, { summaries: true })).objects;
    expect(summary).toEqual(without(whole as unknown as WireObject, DETAILS['container']!));
    const carried: unknown[] = [];
    const events = client.events({ summaries: true });
    cleanup.push(() => events.close());
    events.onEvent((e) => e.dctop_object && carried.push(e.dctop_object));
    const live = new Promise<void>((resolve) => events.onHealth((h) => h.state === 'live' && resolve()));
    events.start();
    await live;
    await t.api('POST', `${whole!.resource_uri}stop/`);
    await eventually(() => carried.length > 0, 5000, 'an event with its object');
    expect(carried[0]).not.toHaveProperty('container_envvars');
  });

  it('holds each object less its details, through listings, events and a resync that finds nothing new', async () => {
    const t = await startTestServer({ fleet: 300, seed: 11 });
    cleanup.push(() => t.close());
    const client = await clientFor(t);
    cleanup.push(() => client.close());
    const store = new FleetStore(client, { maxFps: 50, summaries: true, resyncIntervalMs: 1500 });
    cleanup.push(() => store.close());
    await store.start();
    const agree = () => {
      const s = store.getSnapshot();
      for (const kind of ['container', 'service'] as const) {
        const theirs = t.backend.list(kind, 'alice');
        expect(s.objects[kind].size).toBe(theirs.length);
        for (const object of theirs) {
          const mine = s.objects[kind].get(object.resource_uri) as WireObject;
          expect(mine).toEqual(without(object as WireObject, DETAILS[kind]!));
          expect(lacksDetails(kind, mine)).toBe(true);
          expect(Object.keys(mine)).toEqual(Object.keys(without(object as WireObject, DETAILS[kind]!))); // in their order
        }
      }
    };
    agree();
    // Events carry the changed objects: a redeploy replaces containers and changes its service.
    const service = t.backend.list('service', 'alice').find((s) => s.state === 'Running')!;
    await t.api('POST', `${service.resource_uri}redeploy/`);
    await eventually(() => t.backend.get('service', 'alice', [service.uuid as string])?.['state'] === 'Running', 15_000, 'the redeploy');
    await eventually(() => {
      agree();
      return true;
    }, 10_000, 'the store agrees');
    // The store lists everything again now and then: the same fleet changes nothing of it (summaries are compared
    // with summaries, not with the whole objects listed).
    const changed: string[] = [];
    const stop = store.subscribe((s) => changed.push(...[...s.changed].filter((uri) => /\/(container|service)\//.test(uri))));
    cleanup.push(stop);
    const relists = store.stats.relists;
    await eventually(() => store.stats.relists > relists + 1, 10_000, 'two listings');
    expect(changed).toEqual([]);
  });
});
