// Inspect: the object's usage, its related objects, its recent actions and the whole object, scrollable.
import type { WireObject } from '../domain/index.js';
import type { MetricSeries, MetricsSnapshot } from '../hooks/useMetrics.js';
import { actionsAbout, findObject, labelOfUri, relatedOf, type Snapshot } from '../hooks/useSnapshot.js';
import { stateText } from './columns.js';
import { Overlay } from './Overlay.js';
import { sanitize, sparkline } from './text.js';
import { bytes, MEASURED_VIEWS, percent, rate } from './usage.js';
import type { Theme } from '../theme.js';

/** What inspect shows of an object's usage: the latest readings, and its history (oldest first) per series. */
export interface UsageView {
  metrics: MetricsSnapshot;
  history(uri: string, series: MetricSeries): { values: number[] };
  /** How many readings a sparkline shows. */
  points: number;
}

/**
 * The usage section: a sparkline and the latest value per resource, or why there is none. While the first reading
 * is on its way it has the same lines, empty: nothing below it moves when the reading comes.
 */
function usageLines(object: WireObject, usage: UsageView): string[] {
  const uri = object.resource_uri;
  const kind = uri.split('/').at(-3) ?? '';
  if (!MEASURED_VIEWS.has(kind)) return [];
  const { metrics } = usage;
  const m = metrics.latest.get(uri);
  const why = metrics.problem ?? metrics.unavailable.get(uri) ?? (m && m.containers === 0 ? 'nothing running' : null);
  const minutes = Math.round((usage.points * metrics.interval) / 60);
  const title = `Usage (the last ${minutes} min, a reading every ${metrics.interval} s)`;
  if (why) return [title, `  ${sanitize(why)}`, ''];
  const line = (series: MetricSeries, max?: number) =>
    sparkline(usage.history(uri, series).values.slice(-usage.points), max).padStart(usage.points); // the newest beside its value
  const ofLimit = m?.cpu_limit_percent == null ? '' : ` · ${percent(m.cpu_limit_percent)} of its limit`;
  const memory = m?.memory_limit_bytes ? ` of ${bytes(m.memory_limit_bytes)} (${percent((m.memory_bytes ?? 0) / m.memory_limit_bytes * 100)})` : '';
  const value = (text: string) => (m ? text : '…');
  const lines = [
    title,
    `  CPU   ${line('cpu_percent')}  ${value(`${percent(m?.cpu_percent ?? null)} of a core${ofLimit}`)}`,
    `  MEM   ${line('memory_bytes', m?.memory_limit_bytes ?? undefined)}  ${value(`${bytes(m?.memory_bytes ?? null)}${memory}`)}`,
    `  NET   ${line('net_rx_bps')}  in ${value(rate(m?.net_rx_bps ?? null))}`,
    `        ${line('net_tx_bps')}  out ${value(rate(m?.net_tx_bps ?? null))}`,
    `  DISK  ${line('block_read_bps')}  read ${value(rate(m?.block_read_bps ?? null))}`,
    `        ${line('block_write_bps')}  write ${value(rate(m?.block_write_bps ?? null))}`,
  ];
  if (kind !== 'container') lines.push(`  the sum of ${m ? m.containers : '…'} running containers`);
  lines.push('');
  return lines;
}

export function inspectLines(object: WireObject, snapshot: Snapshot, usage?: UsageView): string[] {
  const lines: string[] = usage ? usageLines(object, usage) : [];
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
