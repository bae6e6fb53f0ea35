// Help, generated from the command registry: what every key does here.
import { Text } from 'ink';
import type { Command } from '../keys/index.js';
import { truncate } from './text.js';
import type { Theme } from '../theme.js';

const SCOPE_TITLE: Record<string, string> = { global: 'Everywhere', table: 'On a table', logs: 'In a log pane', inspect: 'Inspecting' };

export function helpLines(commands: readonly Command[], readonly: boolean): string[] {
  const lines: string[] = [];
  for (const scope of ['global', 'table', 'logs'] as const) {
    const mine = commands.filter((c) => c.scope === scope);
    if (!mine.length) continue;
    lines.push(SCOPE_TITLE[scope]!);
    for (const c of mine) {
      const where = c.views ? `  (${c.views.join(', ')})` : '';
      lines.push(`  ${c.keys.join(' ').padEnd(14)} ${c.description}${c.dangerous ? ' — asks first' : ''}${where}`);
    }
    lines.push('');
  }
  lines.push('  ctrl+c         Quit, from anywhere');
  if (readonly) lines.push('', 'Read-only mode: commands that change anything are not available.');
  return lines;
}

export function Help({ lines, offset, width, height, theme }: { lines: string[]; offset: number; width: number; height: number; theme: Theme }) {
  const body = Math.max(1, height - 1);
  const visible = lines.slice(offset, offset + body);
  return (
    <>
      <Text wrap="truncate" bold inverse color={theme.fg.accent}>{truncate(' help · j/k scroll · esc or ? closes', width).padEnd(width)}</Text>
      {visible.map((line, i) => <Text key={i} wrap="truncate" bold={!line.startsWith(' ') && line !== ''}>{truncate(line, width)}</Text>)}
      {Array.from({ length: Math.max(0, body - visible.length) }, (_, i) => <Text key={`p${i}`}> </Text>)}
    </>
  );
}
