// What subscribers of the store receive: an immutable picture of the fleet, its relationships, and how fresh it is.
import type { StreamHealth } from '../api/events.js';
import type { WireOf } from '../domain/index.js';

export const STORE_KINDS = ['nodecluster', 'node', 'stack', 'service', 'container', 'action'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

export type KindMaps = { readonly [K in StoreKind]: ReadonlyMap<string, Readonly<WireOf[K]>> };

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
  /** The first complete listing arrived. */
  readonly complete: boolean;
  readonly health: StreamHealth;
  /** The data may be behind the server: the event stream is not live, or a resync is under way. */
  readonly stale: boolean;
  readonly staleSince: number | null;
  /** Events per second, the last 60 seconds, oldest first. */
  readonly eventRate: readonly number[];
  /** The last failure to list or fetch, readable. */
  readonly error: string | null;
}

type ChildIndex = Map<string, string[]>;

function group<T>(objects: ReadonlyMap<string, T>, parentOf: (o: T) => string | null | undefined): ChildIndex {
  const index: ChildIndex = new Map();
  for (const [uri, object] of objects) {
    const parent = parentOf(object);
    if (!parent) continue;
    let list = index.get(parent);
    if (!list) index.set(parent, (list = []));
    list.push(uri);
  }
  return index;
}

/** Rebuilds only the indexes whose child kind changed; the others are shared with the previous snapshot. */
export function buildIndexes(objects: KindMaps, dirty: ReadonlySet<StoreKind>, previous: Indexes | null): Indexes {
  const keep = <T>(kind: StoreKind, old: T | undefined, make: () => T): T => (old && !dirty.has(kind) ? old : make());
  return {
    nodesOfCluster: keep('node', previous?.nodesOfCluster, () => group(objects.node, (n) => n.node_cluster)),
    containersOfNode: keep('container', previous?.containersOfNode, () => group(objects.container, (c) => c.node)),
    servicesOfStack: keep('service', previous?.servicesOfStack, () => group(objects.service, (s) => s.stack)),
    containersOfService: keep('container', previous?.containersOfService, () => group(objects.container, (c) => c.service)),
  };
}
