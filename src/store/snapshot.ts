// What subscribers of the store receive: an immutable picture of the fleet, its relationships, and how fresh it is.
import type { StreamHealth } from '../api/events.js';
import type { CloudEvent, DetailField, WireOf } from '../domain/index.js';
import { LayeredMap } from './layered-map.js';

export const STORE_KINDS = ['nodecluster', 'node', 'stack', 'service', 'container', 'action'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

/** An object as the store may keep it: without its details (see summary.ts) when the store keeps summaries. */
export type Stored<T> = Omit<T, DetailField> & Partial<Pick<T, DetailField & keyof T>>;

export type KindMaps = { readonly [K in StoreKind]: ReadonlyMap<string, Readonly<Stored<WireOf[K]>>> };

/** parent URI → child URIs, for: cluster → nodes, node → containers, stack → services, service → containers. */
export interface Indexes {
  nodesOfCluster: ReadonlyMap<string, readonly string[]>;
  containersOfNode: ReadonlyMap<string, readonly string[]>;
  servicesOfStack: ReadonlyMap<string, readonly string[]>;
  containersOfService: ReadonlyMap<string, readonly string[]>;
}

export interface Snapshot {
  /** Increases with every snapshot. */
  readonly version: number;
  readonly at: number;
  readonly objects: KindMaps;
  readonly indexes: Indexes;
  /** URIs that changed since the previous snapshot (for a brief highlight). */
  readonly changed: ReadonlySet<string>;
  /** URI → when it was terminated (ms); such objects stay a while, then leave. */
  readonly terminatedAt: ReadonlyMap<string, number>;
  /** Containers by state: state → how many (states with none left out). */
  readonly containerStates: Readonly<Record<string, number>>;
  /** The first complete listing arrived. */
  readonly complete: boolean;
  readonly health: StreamHealth;
  /** The data may be behind the server: the event stream is not live, or a resync is under way. */
  readonly stale: boolean;
  readonly staleSince: number | null;
  /** The most recent events, newest last (the store's eventHistory of them). */
  readonly recentEvents: readonly CloudEvent[];
  /** How many events have arrived in all: the newest of recentEvents is number eventsSeen - 1. */
  readonly eventsSeen: number;
  /** Events per second, the last 60 seconds, oldest first. */
  readonly eventRate: readonly number[];
  /** The last failure to list or fetch, readable. */
  readonly error: string | null;
  /**
   * What is wrong, in one line a person can act on, or null when all is well: "the API is unreachable at
   * http://127.0.0.1:8080: connection refused", "the API refused the credentials of user alice (from
   * DOCKERCLOUD_USER and DOCKERCLOUD_APIKEY): check them", "namespace acme does not exist or you may not see it",
   * or a failure to list or fetch. The cause only: when the next attempt comes is in `health`.
   */
  readonly problem: string | null;
}

/**
 * One relationship (children by a parent field), kept up to date object by object. A snapshot of it copies only
 * the lists of the parents that changed (on a layered map of them), never all the children or all the parents.
 */
export class ChildIndex<T> {
  private readonly children = new Map<string, Set<string>>();
  private readonly dirty = new Set<string>();
  private current = LayeredMap.empty<string, readonly string[]>();

  constructor(private readonly parentOf: (object: T) => string | null | undefined) {}

  /** An object was put (after) or removed (no after): move it between its parents' lists. */
  move(uri: string, before: T | undefined, after: T | undefined): void {
    const from = before ? this.parentOf(before) : undefined;
    const to = after ? this.parentOf(after) : undefined;
    if (from === to) return;
    if (from) {
      this.children.get(from)?.delete(uri);
      this.dirty.add(from);
    }
    if (to) {
      let set = this.children.get(to);
      if (!set) this.children.set(to, (set = new Set()));
      set.add(uri);
      this.dirty.add(to);
    }
  }

  snapshot(): ReadonlyMap<string, readonly string[]> {
    if (this.dirty.size === 0) return this.current;
    const changes = new Map<string, readonly string[] | undefined>();
    for (const parent of this.dirty) {
      const set = this.children.get(parent);
      if (set && set.size > 0) changes.set(parent, Object.freeze([...set]));
      else {
        changes.set(parent, undefined);
        this.children.delete(parent);
      }
    }
    this.dirty.clear();
    return (this.current = this.current.with(changes));
  }
}
