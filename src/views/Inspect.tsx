// Inspect: the whole object, its related objects and its recent actions, scrollable.
import type { WireObject } from '../domain/index.js';
import type { MetricSeries, MetricsSnapshot } from '../hooks/useMetrics.js';
import { actionsAbout, findObject, labelOfUri, relatedOf, type Snapshot } from '../hooks/useSnapshot.js';
import { stateText } from './columns.js';
import { Overlay } from './Overlay.js';
import { sanitize, sparkline } from './text.js';
import { bytes, percent, rate } from './usage.js';

/** What inspect shows of an object's usage: the latest readings, and its history (oldest first) per series. */
export interface UsageView {
  metrics: MetricsSnapshot;
  history(uri: string, series: MetricSeries): { values: number[] };
  /** How many readings a sparkline shows. */
  points: number;
}

const MEASURED = new Set(['container', 'service', 'node']);

/** The usage section: a sparkline and the latest value per resource, or why there is none. */
function usageLines(object: WireObject, usage: UsageView): string[] {
  const uri = object.resource_uri;
  const kind = uri.split('/').at(-3) ?? '';
  if (!MEASURED.has(kind)) return [];
  const { metrics } = usage;
  const m = metrics.latest.get(uri);
  const why = metrics.problem ?? metrics.unavailable.get(uri) ?? (m ? null : 'waiting for the first reading…');
  const minutes = Math.round((usage.points * metrics.interval) / 60);
  const lines = [`Usage${m ? ` (the last ${minutes} min, a reading every ${metrics.interval} s)` : ''}`];
  if (why) return [...lines, `  ${sanitize(why)}`, ''];
  if (m!.containers === 0) return [...lines, '  nothing running', ''];
  const line = (series: MetricSeries, max?: number) => sparkline(usage.history(uri, series).values.slice(-usage.points), max).padStart(usage.points); // the newest beside its value
  const ofLimit = m!.cpu_limit_percent === null ? '' : ` · ${percent(m!.cpu_limit_percent)} of its limit`;
  const memory = m!.memory_limit_bytes ? ` of ${bytes(m!.memory_limit_bytes)} (${percent((m!.memory_bytes ?? 0) / m!.memory_limit_bytes * 100)})` : '';
  lines.push(
    `  CPU   ${line('cpu_percent')}  ${percent(m!.cpu_percent)} of a core${ofLimit}`,
    `  MEM   ${line('memory_bytes', m!.memory_limit_bytes ?? undefined)}  ${bytes(m!.memory_bytes)}${memory}`,
    `  NET   ${line('net_rx_bps')}  in ${rate(m!.net_rx_bps)}`,
    `        ${line('net_tx_bps')}  out ${rate(m!.net_tx_bps)}`,
    `  DISK  ${line('block_read_bps')}  read ${rate(m!.block_read_bps)}`,
    `        ${line('block_write_bps')}  write ${rate(m!.block_write_bps)}`,
  );
  if (m!.containers > 1) lines.push(`  the sum of ${m!.containers} containers`);
  lines.push('');
  return lines;
}
import type { Theme } from '../theme.js';

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
