// The layered map holds what a Map changed in place would hold, lists it consistently in a stable order, and every
// earlier version stays as it was.
import { describe, expect, it } from 'vitest';
import { LayeredMap } from '../../src/store/layered-map.js';
import { seededRng } from '../../src/server/sim/random.js';

const sorted = (entries: [string, number][]) => [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

describe('LayeredMap', () => {
  it('matches a mutable Map through random sets, overwrites and deletes, across folds, in order', () => {
    const rng = seededRng(42);
    const truth = new Map<string, number>();
    let map = LayeredMap.empty<string, number>();
    const versions: [LayeredMap<string, number>, [string, number][]][] = [];
    for (let round = 0; round < 300; round++) {
      const changes = new Map<string, number | undefined>();
      for (let i = 0; i < 1 + Math.floor(rng() * 20); i++) {
        const key = `k${Math.floor(rng() * 150)}`;
        const value = rng() < 0.25 ? undefined : Math.floor(rng() * 1000);
        changes.set(key, value);
      }
      for (const [key, value] of changes) {
        if (value === undefined) truth.delete(key);
        else truth.set(key, value);
      }
      const before = [...map.keys()];
      map = map.with(changes, 64); // a small layer, so that folds happen often
      expect(map.size).toBe(truth.size);
      const entries = [...map];
      expect(sorted(entries)).toEqual(sorted([...truth]));
      expect([...map.keys()]).toEqual(entries.map(([key]) => key));
      expect([...map.values()]).toEqual(entries.map(([, value]) => value));
      // Keys that were there and stayed keep their order (new ones come after them).
      const kept = before.filter((key) => map.has(key));
      expect(entries.map(([key]) => key).filter((key) => kept.includes(key))).toEqual(kept);
      for (const key of changes.keys()) {
        expect(map.get(key)).toBe(truth.get(key));
        expect(map.has(key)).toBe(truth.has(key));
      }
      if (round % 30 === 0) versions.push([map, entries]);
    }
    for (const [old, entries] of versions) expect([...old.entries()]).toEqual(entries);
    const seen: [string, number][] = [];
    map.forEach((value, key) => seen.push([key, value]));
    expect(seen).toEqual([...map]);
  });
});
