// List endpoints: filters (the reference's, plus those the official clients send) and limit/offset pagination.
import { KINDS, parseWireDate, parsePath, type KindSpec, type ListPage, type WireObject } from '../domain/index.js';
import { toBool, toInt } from './body.js';

export const DEFAULT_LIMIT = 25;
export const MAX_LIMIT = 1000;

export type Resolve = (uri: string) => WireObject | undefined;
type Predicate = (o: WireObject) => boolean;

export function listPage(
  spec: KindSpec, all: readonly WireObject[], query: URLSearchParams, path: string, resolve: Resolve,
): ListPage<WireObject> {
  const predicates = buildPredicates(spec, query, resolve);
  const matching = predicates.length === 0 ? all : all.filter((o) => predicates.every((p) => p(o)));
  const ordered = spec.newestFirst ? [...matching].reverse() : matching;
  const requested = toInt(query.get('limit'), 0) ?? DEFAULT_LIMIT;
  // limit=0 means "as many as allowed", so that a client paging by offset + limit always moves forward.
  const limit = requested === 0 ? MAX_LIMIT : Math.min(requested, MAX_LIMIT);
  const offset = toInt(query.get('offset'), 0) ?? 0;
  const total = ordered.length;
  return {
    meta: {
      limit,
      offset,
      total_count: total,
      next: offset + limit < total ? pageUrl(path, query, limit, offset + limit) : null,
      previous: offset > 0 ? pageUrl(path, query, limit, Math.max(0, offset - limit)) : null,
    },
    objects: ordered.slice(offset, offset + limit),
  };
}

function pageUrl(path: string, query: URLSearchParams, limit: number, offset: number): string {
  const params = new URLSearchParams(query);
  params.set('limit', String(limit));
  params.set('offset', String(offset));
  return `${path}?${params.toString()}`;
}

function buildPredicates(spec: KindSpec, query: URLSearchParams, resolve: Resolve): Predicate[] {
  const predicates: Predicate[] = [];
  const pkField = spec.pk;
  for (const [param, value] of query) {
    if (param === 'limit' || param === 'offset' || param === 'format') continue;
    if (param === 'uuid__startswith') {
      predicates.push((o) => String(o['uuid'] ?? o[pkField] ?? '').startsWith(value));
    } else if (param === 'name') {
      predicates.push((o) => o['name'] === value);
    } else if (param === 'object' && spec.kind === 'action' && toBool(query.get('include_related')) === true) {
      const related = relatedUris(value, resolve);
      predicates.push((o) => related.has(String(o['object'])));
    } else {
      const filter = spec.filters.find((f) => f.param === param);
      if (filter) predicates.push(filterPredicate(filter.field, filter.match, value));
      else {
        const lookup = lookupPredicate(param, value, resolve);
        if (lookup) predicates.push(lookup);
        // Anything else is an unknown parameter: ignored, as the official clients expect.
      }
    }
  }
  return predicates;
}

function filterPredicate(field: string, match: string, value: string): Predicate {
  switch (match) {
    case 'bool': {
      const wanted = toBool(value);
      return (o) => o[field] === wanted;
    }
    case 'contains':
      return (o) => Array.isArray(o[field]) && (o[field] as unknown[]).includes(value);
    case 'gte':
    case 'lte': {
      const bound = parseWireDate(value);
      if (Number.isNaN(bound)) return () => false;
      return (o) => {
        const t = parseWireDate(o[field] as string | null);
        return !Number.isNaN(t) && (match === 'gte' ? t >= bound : t <= bound);
      };
    }
    default:
      return (o) => String(o[field] ?? '') === value;
  }
}

/**
 * Lookups across relations, as the CLI sends them: `stack__name=web` on services, `service__stack__name=web` on
 * containers. Each step but the last follows a field holding a resource URI; the last compares name or uuid.
 */
function lookupPredicate(param: string, value: string, resolve: Resolve): Predicate | undefined {
  const steps = param.split('__');
  const last = steps.pop();
  if (steps.length === 0 || (last !== 'name' && last !== 'uuid')) return undefined;
  return (o) => {
    let current: WireObject | undefined = o;
    for (const step of steps) {
      const uri: unknown = current?.[step];
      current = typeof uri === 'string' ? resolve(uri) : undefined;
      if (!current) return false;
    }
    return current?.[last] === value;
  };
}

/** The reference's "Relationships between Docker Cloud objects", for action filters with include_related. */
export function relatedUris(uri: string, resolve: Resolve): Set<string> {
  const related = new Set<string>([uri]);
  const object = resolve(uri);
  const parsed = parsePath(uri);
  if (!object || !parsed || parsed.kind === 'events' || parsed.kind === 'token') return related;
  const uris = (field: string, o: WireObject | undefined = object) =>
    (Array.isArray(o?.[field]) ? (o[field] as string[]) : typeof o?.[field] === 'string' ? [o[field] as string] : []);
  switch (KINDS[parsed.kind].kind) {
    case 'container':
      for (const service of uris('service')) {
        related.add(service);
        uris('stack', resolve(service)).forEach((s) => related.add(s));
      }
      break;
    case 'service':
      uris('containers').forEach((c) => related.add(c));
      uris('stack').forEach((s) => related.add(s));
      break;
    case 'stack':
      for (const service of uris('services')) {
        related.add(service);
        uris('containers', resolve(service)).forEach((c) => related.add(c));
      }
      break;
    case 'node':
      uris('node_cluster').forEach((c) => related.add(c));
      break;
    case 'nodecluster':
      uris('nodes').forEach((n) => related.add(n));
      break;
    default:
      break;
  }
  return related;
}
