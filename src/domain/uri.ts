// Resource URIs: /api/<subsystem>/v1/[<namespace>/]<resource>/[<pk>/][<rest>/]
import { KINDS, kindOfResource, type KindName, type Subsystem } from './kinds.js';

export const API_VERSION = 'v1';

/** The URI of one object. `pk` is the primary key's path segments (e.g. ['digitalocean', 'lon1'] for a region). */
export function objectUri(kind: KindName, namespace: string | null, pk: string | readonly string[]): string {
  const spec = KINDS[kind];
  const keys = typeof pk === 'string' ? [pk] : pk;
  const ns = spec.namespaced && namespace ? `${namespace}/` : '';
  return `/api/${spec.subsystem}/${API_VERSION}/${ns}${spec.resource}/${keys.join('/')}/`;
}

export function collectionUri(kind: KindName, namespace: string | null): string {
  const spec = KINDS[kind];
  const ns = spec.namespaced && namespace ? `${namespace}/` : '';
  return `/api/${spec.subsystem}/${API_VERSION}/${ns}${spec.resource}/`;
}

export function triggerUri(serviceUri: string, triggerUuid: string): string {
  return `${serviceUri}trigger/${triggerUuid}/`;
}

/** The stream endpoint of events: clients connect without a trailing slash. */
export function eventsPath(namespace: string | null): string {
  return `/api/audit/${API_VERSION}/${namespace ? `${namespace}/` : ''}events`;
}

export interface ParsedPath {
  subsystem: Subsystem;
  namespace: string | null;
  /** The kind of the collection, or 'events' / 'token' for the two paths that are not collections of a kind. */
  kind: KindName | 'events' | 'token';
  /** Primary-key segments, empty for the collection itself. */
  pk: string[];
  /** What follows the primary key: an operation (`start`), `logs`, `exec`, `export`, `trigger/<uuid>/call/3` … */
  rest: string[];
}

const SUBSYSTEMS = new Set<string>(['app', 'infra', 'audit', 'repo']);
const SPECIAL: Record<string, 'events' | 'token'> = { 'audit/events': 'events', 'infra/token': 'token' };

/** Parses an API path (without query). Returns undefined when it names no resource of the reference. */
export function parsePath(path: string): ParsedPath | undefined {
  const segments = path.split('/').filter((s) => s !== '').map(safeDecode);
  if (segments[0] !== 'api' || segments.length < 4) return undefined;
  const subsystem = segments[1]!;
  if (!SUBSYSTEMS.has(subsystem) || segments[2] !== API_VERSION) return undefined;
  let i = 3;
  let resolved = resolve(subsystem, segments[i]!);
  let namespace: string | null = null;
  if (!resolved && segments.length > i + 1) {
    namespace = segments[i]!;
    i += 1;
    resolved = resolve(subsystem, segments[i]!);
  }
  if (!resolved) return undefined;
  const after = segments.slice(i + 1);
  if (resolved === 'events' || resolved === 'token') {
    return { subsystem: subsystem as Subsystem, namespace, kind: resolved, pk: [], rest: after };
  }
  if (namespace && !KINDS[resolved].namespaced) return undefined;
  const spec = KINDS[resolved];
  const take = spec.pkSegments === 'rest' ? after.length : Math.min(spec.pkSegments, after.length);
  return { subsystem: subsystem as Subsystem, namespace, kind: resolved, pk: after.slice(0, take), rest: after.slice(take) };
}

function resolve(subsystem: string, resource: string): KindName | 'events' | 'token' | undefined {
  const special = SPECIAL[`${subsystem}/${resource}`];
  if (special) return special;
  return kindOfResource(subsystem, resource)?.kind;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The last path segment of a URI that ends in `/<uuid>/`: the object's primary key. */
export function uuidOf(uri: string): string {
  const parts = uri.split('/').filter(Boolean);
  return parts[parts.length - 1] ?? '';
}
