// Questions the monitor asks of a snapshot: an object by its URI, the children of an object, the objects related
// to it, its recent actions, a name for it. Pure functions of the snapshot; the text they return is the server's,
// unsanitized (the views sanitize everything they draw).
import type { Action, WireObject } from '../domain/index.js';
import { STORE_KINDS, type Snapshot, type StoreKind } from './snapshot.js';

const isStoreKind = (kind: string): kind is StoreKind => (STORE_KINDS as readonly string[]).includes(kind);

/** The kind of an object's resource URI (…/<kind>/<uuid>/), when the store keeps that kind. Cheap: it runs per row. */
export function kindOfUri(uri: string): StoreKind | undefined {
  const parts = uri.split('/');
  const kind = parts[parts.length - (uri.endsWith('/') ? 3 : 2)] ?? '';
  return isStoreKind(kind) ? kind : undefined;
}

export function findObject(snapshot: Snapshot, uri: string): WireObject | undefined {
  const kind = kindOfUri(uri);
  return kind ? (snapshot.objects[kind] as ReadonlyMap<string, WireObject>).get(uri) : undefined;
}

/**
 * The URIs of the objects of `kind` under a parent: a cluster's nodes, a stack's services, a service's or a node's
 * containers. Empty when the parent has none, null when objects of that kind do not live under parents.
 */
export function childrenOf(snapshot: Snapshot, kind: StoreKind, parent: string): readonly string[] | null {
  const ix = snapshot.indexes;
  switch (kind) {
    case 'node': return ix.nodesOfCluster.get(parent) ?? [];
    case 'service': return ix.servicesOfStack.get(parent) ?? [];
    case 'container': return ix.containersOfService.get(parent) ?? ix.containersOfNode.get(parent) ?? [];
    default: return null;
  }
}

/** The fields by which an object names the objects it belongs to. */
const PARENT_FIELDS = ['stack', 'service', 'node', 'node_cluster', 'object'] as const;

/** The objects an object belongs to, then those that belong to it: its place in the fleet. */
export function relatedOf(snapshot: Snapshot, object: WireObject): string[] {
  const uri = object.resource_uri;
  const ix = snapshot.indexes;
  const related: string[] = [];
  for (const field of PARENT_FIELDS) {
    const value = object[field];
    if (typeof value === 'string' && value.startsWith('/api/')) related.push(value);
  }
  related.push(...(ix.servicesOfStack.get(uri) ?? []), ...(ix.containersOfService.get(uri) ?? []),
    ...(ix.nodesOfCluster.get(uri) ?? []), ...(ix.containersOfNode.get(uri) ?? []));
  return related;
}

/** The newest actions on any of these objects, newest first. */
export function actionsAbout(snapshot: Snapshot, uris: readonly string[], limit: number): Action[] {
  const about = new Set(uris);
  const out: Action[] = [];
  const actions = [...snapshot.objects.action.values()];
  for (let i = actions.length - 1; i >= 0 && out.length < limit; i--) if (about.has(actions[i]!.object)) out.push(actions[i]!);
  return out;
}

/** A short name for an object: its name, a node's nickname, an action's verb, else its UUID or URI. */
export function nameOf(o: WireObject): string {
  return String(o['name'] || o['nickname'] || o['external_fqdn'] || o['action'] || o['uuid'] || o.resource_uri);
}

/** "service web", "container web-2": a URI as people say it (its UUID's start when the object is not known). */
export function labelOfUri(snapshot: Snapshot, uri: string): string {
  const parts = uri.split('/').filter(Boolean);
  const kind = kindOfUri(uri) ?? parts.at(-2) ?? '';
  const object = findObject(snapshot, uri);
  return `${kind} ${object ? nameOf(object) : (parts.at(-1) ?? '').slice(0, 8)}`;
}
