// One log pane: a window on its buffer, following the end unless scrolled up, with optional wrap, timestamps,
// search highlighting, and sources coloured for service logs.
import { Text } from 'ink';
import type { LogLine, PaneData } from '../hooks/useLogPanes.js';
import type { PaneState } from './interaction.js';
import { matcher } from './rows.js';
import { sanitize, truncate } from './text.js';
import type { Theme } from '../theme.js';

const SOURCE_COLORS = ['cyan', 'magenta', 'green', 'yellow', 'blue', 'redBright', 'greenBright', 'cyanBright'];

function sourceColor(source: string, theme: Theme): string | undefined {
  if (!theme.color) return undefined;
  let h = 0;
  for (const ch of source) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return SOURCE_COLORS[h % SOURCE_COLORS.length];
}

/** A line as displayed; `seq`: the number of its log line since the pane opened (lines dropped from the top count). */
interface VisualLine { text: string; stream: 'stdout' | 'stderr'; source: string | undefined; seq: number; gap: boolean }

/** The lines as displayed (wrapped or not), after the search filter is NOT applied: search highlights. */
export function visualLines(lines: readonly LogLine[], pane: Pick<PaneState, 'timestamps' | 'wrap'>, width: number, first = 0): VisualLine[] {
  const out: VisualLine[] = [];
  lines.forEach((line, index) => {
    const stamp = pane.timestamps ? `${new Date(line.time).toISOString().slice(11, 19)} ` : '';
    const source = line.source ? `${line.source} │ ` : '';
    const text = `${stamp}${source}${sanitize(line.text)}`;
    const gap = line.gap === true;
    const seq = first + index;
    if (!pane.wrap || text.length <= width) out.push({ text, stream: line.stream, source: line.source, seq, gap });
    else for (let i = 0; i < text.length; i += width) out.push({ text: text.slice(i, i + width), stream: line.stream, source: line.source, seq, gap });
  });
  return out;
}

/** A pane scrolled up holds still: its offset from the last line grows by the lines that came after it was set. */
export function heldOffset(pane: Pick<PaneState, 'offset' | 'heldAt'>, lines: readonly { seq: number }[]): number {
  if (!pane.offset || pane.heldAt === null) return pane.offset;
  let since = 0;
  for (let i = lines.length - 1; i >= 0 && lines[i]!.seq >= pane.heldAt; i--) since++;
  return pane.offset + since;
}

export const NO_DATA: PaneData = { lines: [], dropped: 0, connection: 'live', ended: null };

export function LogPaneView({ pane, data, width, height, focused, theme }: {
  pane: PaneState; data: PaneData; width: number; height: number; focused: boolean; theme: Theme;
}) {
  // Why the stream ended, or that it waits for the API, takes the last line, however full the pane is.
  const note = data.ended;
  const body = Math.max(1, height - 1 - (note && height > 2 ? 1 : 0));
  const lines = visualLines(data.lines, pane, width, data.dropped);
  const offset = heldOffset(pane, lines);
  const end = Math.max(0, lines.length - offset);
  const visible = lines.slice(Math.max(0, end - body), end);
  const match = matcher(pane.search);
  const connection = data.connection ?? 'live';
  const following = pane.follow && pane.offset === 0;
  // A pane does not say "follow" when nothing can come: it says it is waiting for the API, or that it ended.
  const state = connection === 'disconnected' ? 'disconnected' : connection === 'ended' ? 'ended' : following ? 'follow' : '';
  const flags = [state, following ? '' : `paused ${offset}↑`, pane.wrap ? 'wrap' : '', pane.timestamps ? 'time' : '',
    pane.search ? `/${pane.search}/` : '', `tail ${pane.tail}`].filter(Boolean).join(' · ');
  const title = ` ${focused ? '▌' : ' '}logs ${pane.title} (${data.lines.length}) · ${flags}`;
  return (
    <>
      <Text wrap="truncate" bold={focused} inverse={focused} color={focused ? theme.fg.accent : theme.fg.muted}>{truncate(title, width).padEnd(width)}</Text>
      {visible.map((line, i) => {
        const hit = match?.(line.text) ?? false;
        return (
          <Text key={i} wrap="truncate" dimColor={line.gap} color={line.gap ? theme.fg.warning : line.stream === 'stderr' ? theme.fg.error : line.source ? sourceColor(line.source, theme) : undefined}
            backgroundColor={hit ? theme.match.bg : undefined} inverse={hit && !theme.color}>
            {truncate(line.text, width) || ' ' /* an empty Text takes no row */}
          </Text>
        );
      })}
      {Array.from({ length: Math.max(0, body - visible.length) }, (_, i) => <Text key={`p${i}`}> </Text>)}
      {note && height > 2 ? <Text wrap="truncate" color={theme.fg.warning}>{truncate(`— ${note} —`, width)}</Text> : null}
    </>
  );
}
