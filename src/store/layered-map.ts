// An immutable map that is cheap to derive from the previous one: a shared, frozen base plus a small layer of the
// changes since. A snapshot per frame then costs the size of the recent changes, not of the fleet; the layer is
// folded into a new base once it grows large.
const GONE = Symbol('gone');
const HOLE = Symbol('hole');

/** The base, with its entries in order and each key's position, made once and shared by every map built on it. */
class Base<K, V> {
  private ordered: { keys: K[]; values: V[]; positions: Map<K, number> } | undefined;

  constructor(readonly map: ReadonlyMap<K, V>) {}

  get order(): { keys: K[]; values: V[]; positions: Map<K, number> } {
    if (this.ordered) return this.ordered;
    const keys: K[] = [];
    const values: V[] = [];
    const positions = new Map<K, number>();
    for (const [key, value] of this.map) {
      positions.set(key, keys.length);
      keys.push(key);
      values.push(value);
    }
    return (this.ordered = { keys, values, positions });
  }
}

export class LayeredMap<K, V> implements ReadonlyMap<K, V> {
  private constructor(
    private readonly base: Base<K, V>, private readonly layer: ReadonlyMap<K, V | typeof GONE>, readonly size: number,
  ) {}

  static empty<K, V>(): LayeredMap<K, V> {
    return new LayeredMap(new Base(new Map()), new Map(), 0);
  }

  /**
   * This map with `changes` applied (undefined removes a key). Folds everything into a new base when the layer
   * would exceed `maxLayer` entries (folding costs a copy of the map; a large layer costs a copy of it per change).
   */
  with(changes: ReadonlyMap<K, V | undefined>, maxLayer = 512): LayeredMap<K, V> {
    const layer = new Map<K, V | typeof GONE>(this.layer);
    let size = this.size;
    for (const [key, value] of changes) {
      size += Number(value !== undefined) - Number(this.has(key));
      layer.set(key, value === undefined ? GONE : value);
    }
    if (layer.size <= maxLayer) return new LayeredMap(this.base, layer, size);
    const base = new Map(this.base.map);
    for (const [key, value] of layer) {
      if (value === GONE) base.delete(key);
      else base.set(key, value);
    }
    return new LayeredMap(new Base(base), new Map(), size);
  }

  get(key: K): V | undefined {
    const value = this.layer.get(key);
    if (value === GONE) return undefined;
    return value !== undefined ? value : this.base.map.get(key);
  }

  has(key: K): boolean {
    const value = this.layer.get(key);
    return value === GONE ? false : value !== undefined || this.base.map.has(key);
  }

  /**
   * The keys and values in order (the base's, as the layer overrides them, then the layer's new keys), computed
   * once per map. Views list them every frame: this copies the base's arrays and patches the layer's positions,
   * rather than looking every key up in the layer.
   */
  private ordered(): { keys: K[]; values: V[] } {
    if (this.materialized) return this.materialized;
    const { keys: baseKeys, values: baseValues, positions } = this.base.order;
    if (this.layer.size === 0) return (this.materialized = { keys: baseKeys, values: baseValues });
    const keys: (K | typeof HOLE)[] = baseKeys.slice();
    const values: (V | typeof HOLE)[] = baseValues.slice();
    let holes = false;
    for (const [key, value] of this.layer) {
      const at = positions.get(key);
      if (at !== undefined) {
        if (value === GONE) {
          keys[at] = values[at] = HOLE;
          holes = true;
        } else values[at] = value;
      } else if (value !== GONE) {
        keys.push(key);
        values.push(value);
      }
    }
    return (this.materialized = holes
      ? { keys: keys.filter((k) => k !== HOLE) as K[], values: values.filter((v) => v !== HOLE) as V[] }
      : { keys: keys as K[], values: values as V[] });
  }

  private materialized: { keys: K[]; values: V[] } | undefined;

  *entries(): MapIterator<[K, V]> {
    const { keys, values } = this.ordered();
    for (let i = 0; i < keys.length; i++) yield [keys[i]!, values[i]!];
  }

  keys(): MapIterator<K> {
    return this.ordered().keys.values() as MapIterator<K>;
  }

  values(): MapIterator<V> {
    return this.ordered().values.values() as MapIterator<V>;
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  forEach(fn: (value: V, key: K, map: ReadonlyMap<K, V>) => void): void {
    const { keys, values } = this.ordered();
    for (let i = 0; i < keys.length; i++) fn(values[i]!, keys[i]!, this);
  }
}
