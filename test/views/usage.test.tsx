// Live usage in the monitor, on a real store and metrics socket of a real sim server: CPU and MEM columns for the
// rows on screen (and only those subscribed), sorted highest first with >, the fleet's totals in the header,
// sparklines in inspect; and the MetricsStore's history.
import { describe, expect, it } from 'vitest';
import { MetricsStore } from '../../src/store/index.js';
import { clientFor } from '../helpers/client.js';
import { fleetPerFile, renderApp } from '../helpers/monitor.js';
import { eventually, startTestServer } from '../helpers/server.js';

const fleetOf = fleetPerFile();
const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));

/** "12%", "3.4%" → 12, 3.4. */
const cpuOf = (line: string) => Number(/▶ Running\s+(\d+(?:\.\d)?)%/.exec(line)?.[1] ?? NaN);

describe('usage in the monitor', () => {
  it('shows CPU and MEM for the containers on screen, the fleet in the header, and subscribes to nothing else', async () => {
    const fleet = fleetOf();
    const { lastFrame } = renderApp(fleet, { view: 'container' });
    await eventually(() => /CPU\s+MEM/.test(lastFrame() ?? '') && /▶ Running\s+\d+(\.\d)?%\s+\d+(\.\d)?[KMG]/.test(lastFrame() ?? ''), 6000, 'usage in the rows');
    expect(lastFrame()).toMatch(/cpu \d+\.\d\/\d+ cores · mem \d+(\.\d)?[MG]\/\d+(\.\d)?G/);
    // What was asked for: the rows shown and the nodes, not every container of the fleet.
    const snapshot = fleet.store.getSnapshot();
    const asked = [...fleet.metrics.getSnapshot().latest.keys(), ...fleet.metrics.getSnapshot().unavailable.keys()];
    const containers = asked.filter((u) => u.includes('/container/'));
    expect(containers.length).toBeGreaterThan(0);
    expect(containers.length).toBeLessThan(snapshot.objects.container.size);
    expect(asked.filter((u) => u.includes('/node/')).length).toBe(snapshot.objects.node.size);
  });

  it('> onto CPU sorts the containers by it, highest first', async () => {
    const fleet = fleetOf();
    const { lastFrame, stdin } = renderApp(fleet, { view: 'container' });
    await eventually(() => /▶ Running\s+\d/.test(lastFrame() ?? ''), 6000, 'usage in the rows');
    for (const key of ['>', '>', '>']) {
      stdin.write(key);
      await tick();
    }
    await eventually(() => /sort:cpu↓/.test(lastFrame() ?? ''), 2000, 'sorted by CPU');
    // The view's rows are measured now (the sort needs them): the next readings order them.
    await tick(2200);
    const values = (lastFrame() ?? '').split('\n').map(cpuOf).filter((v) => !Number.isNaN(v));
    expect(values.length).toBeGreaterThan(5);
    expect(values).toEqual([...values].sort((a, b) => b - a));
  });

  it('inspect shows sparklines of CPU, memory, network and disk, growing with each reading', async () => {
    const fleet = fleetOf();
    const { lastFrame, stdin } = renderApp(fleet, { view: 'container' });
    await eventually(() => /▶ Running\s+\d/.test(lastFrame() ?? ''), 6000, 'usage in the rows');
    stdin.write('i');
    await eventually(() => /Usage \(a reading every/.test(lastFrame() ?? ''), 4000, 'the usage section');
    const frame = lastFrame()!;
    expect(frame).toMatch(/CPU\s+[▁-█ ]+\s+\d+(\.\d)?% of a core/);
    expect(frame).toMatch(/MEM\s+[▁-█ ]+\s+\d+(\.\d)?[KMG]/);
    expect(frame).toMatch(/in \d+(\.\d)?[BKM]\/s/);
    expect(frame).toMatch(/write \d+(\.\d)?[BKM]\/s/);
    const bars = () => (/CPU\s+([▁-█ ]+?)\s+\d/.exec(lastFrame() ?? '')?.[1] ?? '').trim().length;
    const before = bars();
    await eventually(() => bars() > before, 4000, 'another reading in the sparkline');
  });
});

describe('the MetricsStore', () => {
  it('keeps a bounded history per object, forgets those no longer read, and stops asking when nothing is wanted', async () => {
    const t = await startTestServer({ fleet: 'demo' });
    const client = await clientFor(t);
    const metrics = new MetricsStore(client, { interval: 1, historyMs: 3000 });
    try {
      const [container] = t.backend.list('container', 'alice').filter((c) => c['state'] === 'Running');
      const uri = container!.resource_uri;
      metrics.want([uri]);
      await eventually(() => metrics.getSnapshot().latest.has(uri) && metrics.getSnapshot().version >= 5, 8000, 'five readings');
      const { at, values } = metrics.history(uri, 'cpu_percent');
      expect(values).toHaveLength(3); // 3 s of readings a second apart: the oldest went
      expect(at).toEqual([...at].sort((a, b) => a - b));
      expect(values.every((v) => v >= 0)).toBe(true);
      // Another object from now on: the first one's history goes once it is older than a history lasts.
      const other = t.backend.list('container', 'alice').find((c) => c['state'] === 'Running' && c.resource_uri !== uri)!;
      metrics.want([other.resource_uri]);
      await eventually(() => metrics.history(uri, 'cpu_percent').values.length === 0, 8000, 'the first history forgotten');
      expect(metrics.history(other.resource_uri, 'cpu_percent').values.length).toBeGreaterThan(0);
      metrics.want([]);
      await tick(300);
      const version = metrics.getSnapshot().version;
      await tick(2200);
      expect(metrics.getSnapshot().version).toBe(version);
    } finally {
      metrics.close();
      await client.close();
      await t.close();
    }
  });
});
