// Inspect: the object's usage, its related objects, its recent actions and the whole object, scrollable.
import { parsePath, type ResourceMetrics, type WireObject } from '../domain/index.js';
import type { MetricSeries, MetricsSnapshot } from '../hooks/useMetrics.js';
import { actionsAbout, childrenOf, findObject, labelOfUri, relatedOf, type Snapshot } from '../hooks/useSnapshot.js';
import { stateText } from './columns.js';
import { Overlay } from './Overlay.js';
import { sanitize, sparkline } from './text.js';
import { bytes, MEASURED_VIEWS, percent, rate } from './usage.js';
import type { Theme } from '../theme.js';

/** What inspect shows of an object's usage: the latest readings, and its history (oldest first) per series. */
export interface UsageView {
  metrics: MetricsSnapshot;
  history(uri: string, series: MetricSeries): { at: number[]; values: number[] };
  /** How many readings a sparkline shows. */
  points: number;
}

/**
 * A series on a timeline of `points` cells, one per interval, the last one the latest reading's: a reading in its
 * cell, a gap (NaN) where there was none (the row was off screen, the node did not answer).
 */
function timeline({ at, values }: { at: number[]; values: number[] }, points: number, intervalMs: number, end: number): number[] {
  const cells = new Array<number>(points).fill(NaN);
  const start = end - (points - 0.5) * intervalMs;
  at.forEach((t, i) => {
    const cell = Math.floor((t - start) / intervalMs);
    if (cell >= 0 && cell < points) cells[cell] = values[i]!;
  });
  return cells;
}

/**
 * The usage section: per resource a sparkline over the last minutes and the latest value, or why there is none.
 * CPU and memory are drawn against their limit where there is one, else against their peak (which is said). While
 * the first reading is on its way it has the same lines, empty: nothing below it moves when the reading comes.
 */
function usageLines(object: WireObject, usage: UsageView, snapshot: Snapshot): string[] {
  const uri = object.resource_uri;
  const kind = parsePath(uri)?.kind ?? '';
  if (!MEASURED_VIEWS.has(kind)) return [];
  const { metrics, points } = usage;
  const m = metrics.latest.get(uri);
  const why = metrics.problem ?? metrics.unavailable.get(uri) ?? (m && m.containers === 0 ? 'nothing running' : null);
  const minutes = Math.max(1, Math.round((points * metrics.interval) / 60));
  const title = `Usage (a reading every ${metrics.interval} s; the lines span ${minutes} min, gaps where there was none)`;
  if (why) return [title, `  ${sanitize(why)}`, ''];
  const cells = (series: MetricSeries) => timeline(usage.history(uri, series), points, metrics.interval * 1000, metrics.at);
  /** The line against `limit`, or against its peak, said after the value. */
  const line = (series: MetricSeries, value: string, limit: number | null, show: (n: number) => string) => {
    const values = cells(series);
    const peak = Math.max(0, ...values.filter(Number.isFinite));
    const scale = limit ?? Math.max(peak, 1e-9);
    const against = m && limit === null && peak > 0 ? ` (peak ${show(peak)})` : '';
    return `${sparkline(values, scale, true)}  ${m ? `${value}${against}` : '…'}`;
  };
  // The CPU limit in % of a core, from the share of it in use (a container's cpus, a node's cores).
  const cpuLimit = m?.cpu_limit_percent && m.cpu_percent ? (m.cpu_percent / m.cpu_limit_percent) * 100 : null;
  const ofLimit = m?.cpu_limit_percent == null ? '' : ` · ${percent(m.cpu_limit_percent)} of its limit`;
  const memory = m?.memory_limit_bytes ? ` of ${bytes(m.memory_limit_bytes)} (${percent((m.memory_bytes ?? 0) / m.memory_limit_bytes * 100)})` : '';
  const lines = [
    title,
    `  CPU   ${line('cpu_percent', `${percent(m?.cpu_percent ?? null)} of a core${ofLimit}`, cpuLimit, percent)}`,
    `  MEM   ${line('memory_bytes', `${bytes(m?.memory_bytes ?? null)}${memory}`, m?.memory_limit_bytes ?? null, bytes)}`,
    `  NET   ${line('net_rx_bps', `in ${rate(m?.net_rx_bps ?? null)}`, null, rate)}`,
    `        ${line('net_tx_bps', `out ${rate(m?.net_tx_bps ?? null)}`, null, rate)}`,
    `  DISK  ${line('block_read_bps', `read ${rate(m?.block_read_bps ?? null)}`, null, rate)}`,
    `        ${line('block_write_bps', `write ${rate(m?.block_write_bps ?? null)}`, null, rate)}`,
  ];
  if (kind !== 'container') lines.push(`  ${partOf(object, m, snapshot)}`);
  lines.push('');
  return lines;
}

/** What a service's or node's sum is of: its running containers, or only those that could be measured. */
function partOf(object: WireObject, m: ResourceMetrics | undefined, snapshot: Snapshot): string {
  if (!m) return 'the sum of its running containers: …';
  const children = childrenOf(snapshot, 'container', object.resource_uri) ?? [];
  const running = children.filter((c) => snapshot.objects.container.get(c)?.state === 'Running').length;
  return m.containers < running
    ? `the sum of ${m.containers} of its ${running} running containers (the others cannot be measured now)`
    : `the sum of its ${m.containers} running containers`;
}

/** `note`: why the object is shown without its details (env vars, links), which the store may not keep. */
export function inspectLines(object: WireObject, snapshot: Snapshot, usage?: UsageView, note?: string | null): string[] {
  const lines: string[] = usage ? usageLines(object, usage, snapshot) : [];
  const related = relatedOf(snapshot, object);
  if (related.length) {
    lines.push('Related');
    for (const r of related) {
      const state = findObject(snapshot, r)?.['state'];
      lines.push(`  ${labelOfUri(snapshot, r)}${typeof state === 'string' ? `  ${stateText(state)}` : ''}`);
    }
    lines.push('');
  }
  const actions = actionsAbout(snapshot, [object.resource_uri, ...related], 10);
  if (actions.length) {
    lines.push('Recent actions');
    for (const a of actions) lines.push(`  ${a.start_date.slice(5, 25)}  ${a.action}  ${stateText(a.state)}  ${labelOfUri(snapshot, a.object)}`);
    lines.push('');
  }
  lines.push('Object');
  if (note) lines.push(sanitize(`  (${note})`));
  for (const line of JSON.stringify(object, null, 2).split('\n')) lines.push(sanitize(line));
  return lines;
}

export function Inspect({ lines, title, offset, search, width, height, theme }: {
  lines: string[]; title: string; offset: number; search: string; width: number; height: number; theme: Theme;
}) {
  return (
    <Overlay title={` inspect ${title} · / search · esc closes`} lines={lines} offset={offset} search={search} width={width} height={height} theme={theme}
      emphasis={(line) => line === 'Related' || line === 'Recent actions' || line === 'Object' || line.startsWith('Usage')} />
  );
}
