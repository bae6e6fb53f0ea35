// Which rows a view shows: scope, filter, sort, and terminated objects (recent ones marked, the rest on T).
import { describe, expect, it } from 'vitest';
import type { WireObject } from '../../src/domain/index.js';
import { initialNav } from '../../src/hooks/useNavigation.js';
import type { Snapshot } from '../../src/store/index.js';
import { RECENTLY_TERMINATED_MS, rowsFor } from '../../src/views/rows.js';

const NOW = 1_000_000;
const svc = (name: string, state: string): WireObject =>
  ({ resource_uri: `/api/app/v1/a/service/${name}/`, uuid: name, name, state, image_name: `img/${name}`, stack: null,
    running_num_containers: 0, target_num_containers: 1, current_num_containers: 0, deployed_datetime: null, synchronized: true });

function snapshot(objects: WireObject[], terminatedAt: [string, number][]): Snapshot {
  const empty = new Map();
  return {
    version: 1, at: NOW, changed: new Set(), complete: true, stale: false, staleSince: null, recentEvents: [], eventRate: [], error: null,
    health: { state: 'live', since: 0 },
    objects: { service: new Map(objects.map((o) => [o.resource_uri, o])), nodecluster: empty, node: empty, stack: empty, container: empty, action: empty },
    indexes: { nodesOfCluster: empty, containersOfNode: empty, servicesOfStack: empty, containersOfService: empty },
    terminatedAt: new Map(terminatedAt), containerStates: {},
  } as unknown as Snapshot;
}

const crumb = initialNav('service').path[0]!;
const names = (rows: { object: WireObject }[]) => rows.map((r) => r.object['name']);

describe('rowsFor', () => {
  const s = snapshot([svc('web', 'Running'), svc('old', 'Terminated'), svc('fresh', 'Terminated'), svc('db', 'Stopped')], [
    ['/api/app/v1/a/service/old/', NOW - RECENTLY_TERMINATED_MS - 1],
    ['/api/app/v1/a/service/fresh/', NOW - 1000],
  ]);

  it('shows recently terminated objects, and the older ones only when asked', () => {
    expect(names(rowsFor(s, crumb, '', { column: -1, reverse: false }, false, NOW))).toEqual(['web', 'fresh', 'db']);
    expect(names(rowsFor(s, crumb, '', { column: -1, reverse: false }, true, NOW))).toEqual(['web', 'old', 'fresh', 'db']);
  });

  it('filters by regex over every column, or by text when the regex is invalid', () => {
    expect(names(rowsFor(s, crumb, '^(web|db)$', { column: -1, reverse: false }, true, NOW))).toEqual(['web', 'db']);
    expect(names(rowsFor(s, crumb, 'img/f', { column: -1, reverse: false }, true, NOW))).toEqual(['fresh']);
    expect(names(rowsFor(s, crumb, '(', { column: -1, reverse: false }, true, NOW))).toEqual([]);
  });

  it('sorts by a column, and reverses', () => {
    expect(names(rowsFor(s, crumb, '', { column: 0, reverse: false }, true, NOW))).toEqual(['db', 'fresh', 'old', 'web']);
    expect(names(rowsFor(s, crumb, '', { column: 0, reverse: true }, true, NOW))).toEqual(['web', 'old', 'fresh', 'db']);
  });
});

describe('sorting and order', () => {
  it('sorts names naturally: api-2 before api-10', () => {
    const s = snapshot(['api-10', 'api-2', 'api-1', 'API-3'].map((n) => svc(n, 'Running')), []);
    expect(names(rowsFor(s, crumb, '', { column: 0, reverse: false }, false, NOW))).toEqual(['api-1', 'api-2', 'API-3', 'api-10']);
  });

  it('lists actions newest first by when they started, whatever order they came in', () => {
    const action = (uuid: string, minute: number): WireObject => ({
      resource_uri: `/api/audit/v1/action/${uuid}/`, uuid, action: `A ${uuid}`, state: 'Success', object: '', user: 'alice',
      start_date: `Tue, 1 Dec 2026 10:${String(minute).padStart(2, '0')}:00 +0000`, end_date: null,
    });
    const base = snapshot([], []);
    // The first listing came newest first; a new one was added at the end.
    const actions = [action('b', 20), action('a', 10), action('c', 30)];
    const s = { ...base, objects: { ...base.objects, action: new Map(actions.map((a) => [a.resource_uri, a])) } } as unknown as Snapshot;
    const rows = rowsFor(s, initialNav('action').path[0]!, '', { column: -1, reverse: false }, false, NOW);
    expect(rows.map((r) => r.object['uuid'])).toEqual(['c', 'b', 'a']);
  });

  it('a filter word with an unknown column is plain text; known columns match only there', () => {
    const s = snapshot([svc('web', 'Running'), svc('db', 'Stopped')], []);
    const filtered = (f: string) => names(rowsFor(s, crumb, f, { column: -1, reverse: false }, false, NOW));
    expect(filtered('state:stopped')).toEqual(['db']);
    expect(filtered('name:web state:running')).toEqual(['web']);
    expect(filtered('name:stopped')).toEqual([]);
  });
});
