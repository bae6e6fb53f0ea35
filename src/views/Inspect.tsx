// Inspect: the whole object, its related objects and its recent actions, scrollable.
import { Text } from 'ink';
import type { WireObject } from '../domain/index.js';
import type { Snapshot } from '../hooks/useSnapshot.js';
import { objectLabel, stateText } from './columns.js';
import { sanitize, truncate } from './text.js';
import type { Theme } from '../theme.js';

export function inspectLines(object: WireObject, snapshot: Snapshot, now: number): string[] {
  const ctx = { snapshot, now };
  const lines: string[] = [];
  const ix = snapshot.indexes;
  const uri = object.resource_uri;
  const related: string[] = [];
  for (const field of ['stack', 'service', 'node', 'node_cluster', 'object']) {
    const value = object[field];
    if (typeof value === 'string' && value.startsWith('/api/')) related.push(value);
  }
  related.push(...(ix.servicesOfStack.get(uri) ?? []), ...(ix.containersOfService.get(uri) ?? []),
    ...(ix.nodesOfCluster.get(uri) ?? []), ...(ix.containersOfNode.get(uri) ?? []));
  if (related.length) {
    lines.push('Related');
    for (const r of related) {
      const o = (snapshot.objects.service.get(r) ?? snapshot.objects.container.get(r) ?? snapshot.objects.node.get(r) ??
        snapshot.objects.stack.get(r) ?? snapshot.objects.nodecluster.get(r)) as { state?: string } | undefined;
      lines.push(`  ${objectLabel(r, ctx)}${o?.state ? `  ${stateText(o.state)}` : ''}`);
    }
    lines.push('');
  }
  const actions = [...snapshot.objects.action.values()].filter((a) => a.object === uri || related.includes(a.object)).reverse().slice(0, 10);
  if (actions.length) {
    lines.push('Recent actions');
    for (const a of actions) lines.push(`  ${a.start_date.slice(5, 25)}  ${a.action}  ${stateText(a.state)}  ${objectLabel(a.object, ctx)}`);
    lines.push('');
  }
  lines.push('Object');
  for (const line of JSON.stringify(object, null, 2).split('\n')) lines.push(sanitize(line));
  return lines;
}

export function Inspect({ lines, title, offset, width, height, theme }: {
  lines: string[]; title: string; offset: number; width: number; height: number; theme: Theme;
}) {
  const body = Math.max(1, height - 1);
  const visible = lines.slice(offset, offset + body);
  return (
    <>
      <Text wrap="truncate" bold inverse color={theme.fg.accent}>{truncate(` inspect ${title} · ${offset + 1}-${offset + visible.length}/${lines.length} · esc closes`, width).padEnd(width)}</Text>
      {visible.map((line, i) => (
        <Text key={i} wrap="truncate" bold={line === 'Related' || line === 'Recent actions' || line === 'Object'}>{truncate(line, width)}</Text>
      ))}
      {Array.from({ length: Math.max(0, body - visible.length) }, (_, i) => <Text key={`p${i}`}> </Text>)}
    </>
  );
}
