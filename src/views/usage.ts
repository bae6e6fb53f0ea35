// Resource usage as the columns, the header and the inspector show it: percentages of a core, sizes and rates in
// binary units, and how close to its limit an object is.
import type { ResourceMetrics } from '../domain/index.js';

/** "3.2%", "45%", "3400%", "12k%": of one core (a node's or a service's sum can be many). */
export function percent(p: number | null): string {
  if (p === null || !Number.isFinite(p)) return '-';
  if (p < 9.95) return `${p.toFixed(1)}%`;
  if (p < 9999.5) return `${Math.round(p)}%`;
  return `${Math.round(p / 1000)}k%`;
}

/** The number a shown value says ("12%" → 12, "1.5G" → 1.5 × 2³⁰): what a column sorts by. */
export function shownValue(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(k%|%|[BKMGT])$/.exec(text);
  if (!m) return 0;
  const unit = m[2]!;
  return Number(m[1]) * (unit === 'k%' ? 1000 : unit === '%' ? 1 : 1024 ** UNITS.indexOf(unit));
}

const UNITS = ['B', 'K', 'M', 'G', 'T'];

/** "512B", "12K", "1.5M", "120M", "2.0G": binary units, one decimal below ten. */
export function bytes(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return '-';
  let value = Math.max(0, n);
  let unit = 0;
  while (value >= 1023.5 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit > 0 && value < 9.95 ? value.toFixed(1) : Math.round(value)}${UNITS[unit]}`;
}

export const rate = (bps: number | null) => (bps === null || !Number.isFinite(bps) ? '-' : `${bytes(bps)}/s`);

export type UsageLevel = 'warn' | 'error' | null;

/** Near the limit: from 75 % a warning, from 90 % an error (no limit: no level). */
export function level(fraction: number | null): UsageLevel {
  if (fraction === null || !Number.isFinite(fraction)) return null;
  return fraction >= 0.9 ? 'error' : fraction >= 0.75 ? 'warn' : null;
}

export const cpuLevel = (m: ResourceMetrics | undefined) => level(m?.cpu_limit_percent == null ? null : m.cpu_limit_percent / 100);
export const memoryLevel = (m: ResourceMetrics | undefined) =>
  level(m?.memory_bytes == null || !m.memory_limit_bytes ? null : m.memory_bytes / m.memory_limit_bytes);

/** The views whose rows have usage. */
export const MEASURED_VIEWS: ReadonlySet<string> = new Set(['container', 'service', 'node']);

/**
 * The objects whose usage the screen needs, the most needed first (a subscription takes at most `max`): what is
 * inspected, the rows on screen, every node (the header's totals), then, while a view is sorted by usage, its
 * rows in their own order (a sort needs every row's value: the first `max`).
 */
export function usageWanted(parts: { inspected?: string | undefined; visible: readonly string[]; nodes: Iterable<string>; sorting: readonly string[] }, max: number): string[] {
  const wanted = new Set<string>();
  const add = (uri: string) => wanted.size < max && wanted.add(uri);
  if (parts.inspected) add(parts.inspected);
  parts.visible.forEach(add);
  for (const uri of parts.nodes) add(uri);
  parts.sorting.forEach(add);
  return [...wanted];
}

/**
 * The fleet's usage, as the header says it: the measured nodes' sums against their cores and memory, and how many
 * nodes could not be measured (they would make the totals look lower than they are).
 */
export function fleetUsage(nodes: Iterable<{ resource_uri: string; cpu: number; memory: number; state: string }>,
  latest: ReadonlyMap<string, ResourceMetrics>): string {
  let [cpu, memory, cores, total, unmeasured] = [0, 0, 0, 0, 0];
  for (const node of nodes) {
    if (node.state === 'Terminated') continue;
    const m = latest.get(node.resource_uri);
    if (!m || m.cpu_percent === null || node.state !== 'Deployed') {
      unmeasured++;
      continue;
    }
    cores += node.cpu;
    total += node.memory * 2 ** 20;
    cpu += m.cpu_percent;
    memory += m.memory_bytes ?? 0;
  }
  if (!cores) return '';
  return `cpu ${(cpu / 100).toFixed(1)}/${cores} cores · mem ${bytes(memory)}/${bytes(total)}` +
    (unmeasured ? ` (${unmeasured} node${unmeasured > 1 ? 's' : ''} not measured)` : '');
}
