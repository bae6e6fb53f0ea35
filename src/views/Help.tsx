// Help, generated from the command registry: what every key does here, and the id to remap it by.
import type { Command } from '../keys/index.js';
import { Overlay } from './Overlay.js';
import type { Theme } from '../theme.js';

const SCOPE_TITLE: Record<string, string> = { global: 'Everywhere', table: 'On a table', logs: 'In a log pane', inspect: 'Inspecting' };

export function helpLines(commands: readonly Command[], readonly: boolean, configPath: string): string[] {
  const lines: string[] = [];
  for (const scope of ['global', 'table', 'logs'] as const) {
    const mine = commands.filter((c) => c.scope === scope);
    if (!mine.length) continue;
    lines.push(`${SCOPE_TITLE[scope]!}${lines.length ? '' : '   (key · command id · what it does)'}`);
    for (const c of mine) {
      const where = c.views ? `  (${c.views.join(', ')})` : '';
      lines.push(`  ${c.keys.join(' ').padEnd(12)} ${c.id.padEnd(17)} ${c.description}${c.dangerous ? ' — asks first' : ''}${where}`);
    }
    lines.push('');
  }
  lines.push('  ctrl+c       (always)          Quit, from anywhere');
  lines.push('', 'Usage', '  CPU (% of a core; a node: % of its cores) and MEM, live for the rows on screen, yellow from 75 % of a limit',
    '  and red from 90 %; i draws their last minutes; the header sums the nodes. Off: "metrics": false in the config.');
  lines.push('', `Remap a key by its command id in ${configPath}, e.g. {"keys": {"op.stop": "X", "down": ["j", "ctrl+n"]}}`);
  if (readonly) lines.push('', 'Read-only mode: commands that change anything are not available.');
  return lines;
}

export function Help({ lines, offset, search, width, height, theme }: {
  lines: string[]; offset: number; search: string; width: number; height: number; theme: Theme;
}) {
  return (
    <Overlay title=" help · j/k scroll · / search · esc or ? closes" lines={lines} offset={offset} search={search} width={width} height={height} theme={theme}
      emphasis={(line) => !line.startsWith(' ') && line !== ''} />
  );
}
