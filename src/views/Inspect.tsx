// Inspect: the whole object, its related objects and its recent actions, scrollable.
import { Text } from 'ink';
import type { WireObject } from '../domain/index.js';
import { actionsAbout, findObject, labelOfUri, relatedOf, type Snapshot } from '../hooks/useSnapshot.js';
import { stateText } from './columns.js';
import { sanitize, truncate } from './text.js';
import type { Theme } from '../theme.js';

export function inspectLines(object: WireObject, snapshot: Snapshot): string[] {
  const lines: string[] = [];
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
