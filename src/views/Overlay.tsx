// A scrollable page over the table (help, the inspector): a title line, then lines from `offset`, never scrolled
// past the last page, with the lines that match the search highlighted.
import { Text } from 'ink';
import { matcher } from './rows.js';
import { truncate } from './text.js';
import type { Theme } from '../theme.js';

export function Overlay({ title, lines, offset, search, width, height, theme, emphasis }: {
  title: string; lines: readonly string[]; offset: number; search: string; width: number; height: number; theme: Theme;
  /** Lines shown in bold (section titles). */
  emphasis: (line: string) => boolean;
}) {
  const body = Math.max(1, height - 1);
  const from = Math.max(0, Math.min(offset, lines.length - body)); // a resize can leave the offset past the end
  const visible = lines.slice(from, from + body);
  const match = matcher(search);
  const where = `${from + 1}-${from + visible.length}/${lines.length}${search ? ` · /${search}/` : ''}`;
  return (
    <>
      <Text wrap="truncate" bold inverse color={theme.fg.accent}>{truncate(`${title} · ${where}`, width).padEnd(width)}</Text>
      {visible.map((line, i) => {
        const hit = match?.(line) ?? false;
        return (
          <Text key={i} wrap="truncate" bold={emphasis(line)} backgroundColor={hit ? theme.match.bg : undefined} color={hit ? theme.match.fg : undefined}
            inverse={hit && !theme.color}>{truncate(line, width) || ' ' /* an empty Text takes no row */}</Text>
        );
      })}
      {Array.from({ length: Math.max(0, body - visible.length) }, (_, i) => <Text key={`p${i}`}> </Text>)}
    </>
  );
}
