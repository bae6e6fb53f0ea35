// An immutable map that is cheap to derive from the previous one: a shared, frozen base plus a small layer of the
// changes since. A snapshot per frame then costs the size of the recent changes, not of the fleet; the layer is
// folded into a new base once it grows large.
const GONE = Symbol('gone');

export class LayeredMap<K, V> implements ReadonlyMap<K, V> {
  readonly size: number;

  private constructor(private readonly base: ReadonlyMap<K, V>, private readonly layer: ReadonlyMap<K, V | typeof GONE>) {
    let size = base.size;
    for (const [key, value] of layer) {
      const inBase = base.has(key);
      if (value === GONE) size -= inBase ? 1 : 0;
      else if (!inBase) size++;
    }
    this.size = size;
  }

  static empty<K, V>(): LayeredMap<K, V> {
    return new LayeredMap(new Map(), new Map());
  }

  /**
   * This map with `changes` applied (undefined removes a key). Folds everything into a new base when the layer
   * would exceed `maxLayer` entries.
   */
  with(changes: ReadonlyMap<K, V | undefined>, maxLayer = 2048): LayeredMap<K, V> {
    const layer = new Map<K, V | typeof GONE>(this.layer);
    for (const [key, value] of changes) layer.set(key, value === undefined ? GONE : value);
    if (layer.size <= maxLayer) return new LayeredMap(this.base, layer);
    const base = new Map(this.base);
    for (const [key, value] of layer) {
      if (value === GONE) base.delete(key);
      else base.set(key, value);
    }
    return new LayeredMap(base, new Map());
  }

  get(key: K): V | undefined {
    const value = this.layer.get(key);
    if (value === GONE) return undefined;
    return value !== undefined ? value : this.base.get(key);
  }

  has(key: K): boolean {
    const value = this.layer.get(key);
    return value === GONE ? false : value !== undefined || this.base.has(key);
  }

  /** The entries in order, computed once (the map never changes) and shared by every iteration of it. */
  private list(): [K, V][] {
    if (this.materialized) return this.materialized;
    const out: [K, V][] = [];
    this.walk((key, value) => out.push([key, value]));
    return (this.materialized = out);
  }

  private materialized: [K, V][] | undefined;

  /** The values alone, also computed once: views list them every frame, so no entry pairs are built for that. */
  private valueList(): V[] {
    if (this.materializedValues) return this.materializedValues;
    const out: V[] = [];
    this.walk((_key, value) => out.push(value));
    return (this.materializedValues = out);
  }

  private materializedValues: V[] | undefined;

  /** Calls `fn` for every entry in order: the base's (as the layer overrides them), then the layer's new keys. */
  private walk(fn: (key: K, value: V) => void): void {
    if (this.layer.size === 0) {
      for (const [key, value] of this.base) fn(key, value);
      return;
    }
    for (const [key, value] of this.base) {
      const over = this.layer.get(key);
      if (over !== GONE) fn(key, over !== undefined ? over : value);
    }
    for (const [key, value] of this.layer) if (value !== GONE && !this.base.has(key)) fn(key, value);
  }

  entries(): MapIterator<[K, V]> {
    return this.list().values() as MapIterator<[K, V]>;
  }

  keys(): MapIterator<K> {
    return this.list().map(([key]) => key).values() as MapIterator<K>;
  }

  values(): MapIterator<V> {
    return this.valueList().values() as MapIterator<V>;
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  forEach(fn: (value: V, key: K, map: ReadonlyMap<K, V>) => void): void {
    for (const [key, value] of this.list()) fn(value, key, this);
  }
}
