// Inspect: the whole object, its related objects and its recent actions, scrollable.
import type { WireObject } from '../domain/index.js';
import { actionsAbout, findObject, labelOfUri, relatedOf, type Snapshot } from '../hooks/useSnapshot.js';
import { stateText } from './columns.js';
import { Overlay } from './Overlay.js';
import { sanitize } from './text.js';
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

export function Inspect({ lines, title, offset, search, width, height, theme }: {
  lines: string[]; title: string; offset: number; search: string; width: number; height: number; theme: Theme;
}) {
  return (
    <Overlay title={` inspect ${title} · / search · esc closes`} lines={lines} offset={offset} search={search} width={width} height={height} theme={theme}
      emphasis={(line) => line === 'Related' || line === 'Recent actions' || line === 'Object'} />
  );
}
