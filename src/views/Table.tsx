// The windowed table: only the rows that fit are rendered, one <Text> per row, memoized by object and flags.
import { Text } from 'ink';
import { memo } from 'react';
import { stateClass, type WireObject } from '../domain/index.js';
import { AGE_TICK_MS, type Column, type ColumnContext } from './columns.js';
import type { Row } from './rows.js';
import { fit } from './text.js';
import type { Theme } from '../theme.js';
import type { Highlights } from '../hooks/useHighlights.js';

interface RowProps {
  object: WireObject;
  columns: Column[];
  widths: number[];
  selected: boolean;
  marked: boolean;
  highlighted: boolean;
  stale: boolean;
  ctx: ColumnContext;
  theme: Theme;
}

const TableRow = memo(function TableRow({ object, columns, widths, selected, marked, highlighted, stale, ctx, theme }: RowProps) {
  const state = String(object['state'] ?? '');
  const terminated = state === 'Terminated';
  const muted = stale || terminated;
  const gutter = marked ? (selected ? '◈' : '◆') : selected ? '›' : ' '; // the cursor shows on a marked row too
  return (
    <Text wrap="truncate" inverse={selected && !theme.color} backgroundColor={selected ? theme.selection.bg : undefined}
      color={selected ? theme.selection.fg : undefined} dimColor={muted && !selected} strikethrough={terminated}>
      <Text color={marked ? theme.marked : highlighted ? theme.highlight : undefined}>{gutter}</Text>
      {segments(object, columns, widths, ctx).map(([text, tone], i) =>
        tone && !selected ? <Text key={i} color={tone === 'state' ? theme.state[stateClass(state)] : tone === 'warn' ? theme.fg.warning : theme.fg.error}>{text}</Text>
          : highlighted && !selected && i === 0 ? <Text key={i} color={theme.highlight}>{text}</Text>
            : <Text key={i}>{text}</Text>)}
    </Text>
  );
}, (a, b) => a.object === b.object && a.selected === b.selected && a.marked === b.marked && a.highlighted === b.highlighted &&
  a.stale === b.stale && a.widths === b.widths && a.columns === b.columns && a.theme === b.theme &&
  // Ages ("3m") move with time: re-render a row at most when the minute-granular clock changed.
  Math.floor(a.ctx.now / AGE_TICK_MS) === Math.floor(b.ctx.now / AGE_TICK_MS) && a.ctx.snapshot === b.ctx.snapshot &&
  a.ctx.metrics === b.ctx.metrics);

type Tone = 'state' | 'warn' | 'error' | null;

/**
 * The row as few styled pieces as possible (the text before the state, the state, a usage near its limit, the text
 * after): Ink's cost per frame grows with the number of styled pieces, not with the text.
 */
function segments(object: WireObject, columns: Column[], widths: number[], ctx: ColumnContext): [string, Tone][] {
  const out: [string, Tone][] = [];
  let run = '';
  columns.forEach((column, i) => {
    if (widths[i] === 0) return; // dropped: the terminal is too narrow
    const text = ` ${fit(column.value(object, ctx), widths[i]!)}`;
    const tone: Tone = column.state ? 'state' : column.level?.(object, ctx) ?? null;
    if (tone) {
      if (run) out.push([run, null]);
      out.push([text, tone]);
      run = '';
    } else run += text;
  });
  if (run) out.push([run, null]);
  return out;
}

export interface TableProps {
  rows: Row[];
  columns: Column[];
  widths: number[];
  height: number;
  cursor: number;
  top: number;
  marks: ReadonlySet<string>;
  highlighted: Highlights;
  stale: boolean;
  ctx: ColumnContext;
  theme: Theme;
  /** The column sorted by (its header is marked), -1 for none. */
  sort: { column: number; reverse: boolean };
}

export function Table({ rows, columns, widths, height, cursor, top, marks, highlighted, stale, ctx, theme, sort }: TableProps) {
  const visible = rows.slice(top, top + height);
  const mark = (i: number) => (i === sort.column ? (sort.reverse ? '↓' : '↑') : '');
  const header = ` ${columns.flatMap((c, i) => (widths[i] ? [fit(c.header + mark(i), widths[i])] : [])).join(' ')}`;
  return (
    <>
      <Text wrap="truncate" bold color={theme.fg.muted}>{header}</Text>
      {visible.map((row, i) => (
        <TableRow key={row.uri} object={row.object} columns={columns} widths={widths} selected={top + i === cursor}
          marked={marks.has(row.uri)} highlighted={highlighted.has(row.uri)} stale={stale} ctx={ctx} theme={theme} />
      ))}
      {visible.length === 0 ? <Text wrap="truncate" color={theme.fg.muted}>  (nothing here)</Text> : null}
      {Array.from({ length: Math.max(0, height - Math.max(1, visible.length)) }, (_, i) => <Text key={`pad${i}`}> </Text>)}
    </>
  );
}
