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
