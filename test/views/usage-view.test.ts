// How usage reads on screen, on made-up readings: sorted by what is shown (rows without a value last either way),
// values only where the state allows one, the header's totals of the measured nodes, sparklines on a timeline with
// gaps, the sum of a service that could be measured only in part, and the columns gone when metrics are off.
import { describe, expect, it } from 'vitest';
import type { ResourceMetrics, WireObject } from '../../src/domain/index.js';
import { initialNav } from '../../src/hooks/useNavigation.js';
import type { MetricsSnapshot, Snapshot } from '../../src/store/index.js';
import { COLUMNS, layoutColumns } from '../../src/views/columns.js';
import { inspectLines } from '../../src/views/Inspect.js';
import { rowsFor } from '../../src/views/rows.js';
import { fleetUsage } from '../../src/views/usage.js';

const NOW = 1_000_000;
const uri = (kind: string, name: string) => `/api/${kind === 'node' ? 'infra' : 'app'}/v1/a/${kind}/${name}/`;
const container = (name: string, state = 'Running', node = uri('node', 'n1')): WireObject =>
  ({ resource_uri: uri('container', name), uuid: name, name, state, node, service: uri('service', 'web'), image_name: 'img', exit_code: null,
    container_ports: [], deployed_datetime: null, started_datetime: null, autorestart: 'OFF', private_ip: '', entrypoint: '', run_command: '' });
const node = (name: string, state = 'Deployed'): WireObject =>
  ({ resource_uri: uri('node', name), uuid: name, nickname: name, state, cpu: 4, memory: 8192, current_num_containers: 2 });
const reading = (cpu: number | null, memory = 100 * 2 ** 20, containers = 1): ResourceMetrics => ({
  cpu_percent: cpu, cpu_limit_percent: null, memory_bytes: memory, memory_limit_bytes: null,
  net_rx_bps: 0, net_tx_bps: 0, block_read_bps: 0, block_write_bps: 0, containers,
});

function snapshot(containers: WireObject[], nodes: WireObject[], services: WireObject[] = []): Snapshot {
  const empty = new Map();
  const map = (objects: WireObject[]) => new Map(objects.map((o) => [o.resource_uri, o]));
  const byParent = (field: string) => {
    const index = new Map<string, string[]>();
    for (const c of containers) index.set(String(c[field]), [...(index.get(String(c[field])) ?? []), c.resource_uri]);
    return index;
  };
  return {
    version: 1, at: NOW, changed: new Set(), complete: true, stale: false, staleSince: null, recentEvents: [], eventRate: [], error: null,
    health: { state: 'live', since: 0 },
    objects: { container: map(containers), node: map(nodes), service: map(services), nodecluster: empty, stack: empty, action: empty },
    indexes: { nodesOfCluster: empty, containersOfNode: byParent('node'), servicesOfStack: empty, containersOfService: byParent('service') },
    terminatedAt: new Map(), containerStates: {},
  } as unknown as Snapshot;
}

const metrics = (latest: [string, ResourceMetrics][], at = NOW): MetricsSnapshot =>
  ({ version: 1, latest: new Map(latest), unavailable: new Map(), problem: null, interval: 2, at });

const cpuColumn = COLUMNS.container.findIndex((c) => c.key === 'cpu');
const crumb = initialNav('container').path[0]!;
const names = (rows: { object: WireObject }[]) => rows.map((r) => r.object['name']);

describe('usage on screen', () => {
  const cs = [container('a'), container('b'), container('c'), container('d', 'Stopped'), container('e', 'Running', uri('node', 'lost'))];
  const s = snapshot(cs, [node('n1'), node('lost', 'Unreachable')]);
  const m = metrics([
    [uri('container', 'a'), reading(12.4)], [uri('container', 'b'), reading(12.3)], [uri('container', 'c'), reading(40)],
    [uri('container', 'd'), reading(30)], [uri('container', 'e'), reading(99)], // readings older than the states
  ]);

  it('sorts by the value shown, highest first or reversed, rows without one last either way', () => {
    const sorted = (reverse: boolean) => names(rowsFor(s, crumb, '', { column: cpuColumn, reverse }, false, NOW, null, m));
    // a and b both show "12%": they keep the store's order, whichever reading is higher below what is shown
    expect(sorted(true)).toEqual(['c', 'a', 'b', 'd', 'e']);
    expect(sorted(false)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('shows a value only where the state allows one: not for a stopped container, nor one on a node that does not answer', () => {
    const cpu = COLUMNS.container[cpuColumn]!;
    const ctx = { snapshot: s, now: NOW, metrics: m };
    expect(cs.map((c) => cpu.value(c, ctx))).toEqual(['12%', '12%', '40%', '-', '-']);
  });

  it('sums the measured nodes in the header and says how many could not be measured', () => {
    const nodes = [node('n1'), node('n2'), node('lost', 'Unreachable')] as unknown as Parameters<typeof fleetUsage>[0];
    const latest = new Map([[uri('node', 'n1'), reading(150, 2 * 2 ** 30, 3)], [uri('node', 'n2'), reading(50, 2 ** 30, 2)]]);
    expect(fleetUsage(nodes, latest)).toBe('cpu 2.0/8 cores · mem 3.0G/16G (1 node not measured)');
  });

  it('draws sparklines on a timeline: a gap where there was no reading, the lowest bar for zero', () => {
    const c = container('a');
    // Readings 2 s apart, with two missing in the middle; the last one now.
    const at = [NOW - 10_000, NOW - 8000, NOW - 2000, NOW];
    const values = [10, 20, 0, 40];
    const lines = inspectLines(c, s, { metrics: metrics([[c.resource_uri, reading(40)]]), points: 6, history: () => ({ at, values }) });
    const cpu = lines.find((l) => l.startsWith('  CPU'))!;
    expect(cpu).toMatch(/^ {2}CPU {3}▂▄ {2}▁█ {2}40% of a core \(peak 40%\)$/);
  });

  it("says a service's sum is of some of its running containers when the others cannot be measured", () => {
    const service = { resource_uri: uri('service', 'web'), uuid: 'web', name: 'web', state: 'Running' } as unknown as WireObject;
    const withService = snapshot(cs, [node('n1')], [service]);
    const lines = inspectLines(service, withService, { metrics: metrics([[service.resource_uri, reading(60, 1, 3)]]), points: 6, history: () => ({ at: [], values: [] }) });
    expect(lines).toContain('  the sum of 3 of its 4 running containers (the others cannot be measured now)');
  });

  it('has no usage columns when metrics are off', () => {
    const widths = layoutColumns(COLUMNS.container, 118, false);
    COLUMNS.container.forEach((c, i) => {
      if (c.usage) expect(widths[i], c.header).toBe(0);
    });
    expect(widths.filter((w) => w > 0).length).toBeGreaterThan(5);
  });
});
