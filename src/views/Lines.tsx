// The one-line parts of the frame: the title of the table (what, how many, filter, sort, marks, where), the status
// line (what just happened), and the bottom line (the keys that apply here, or the prompt being typed).
import { Text } from 'ink';
import type { NavState } from '../hooks/useNavigation.js';
import { nameOf } from '../hooks/useSnapshot.js';
import type { Status } from '../hooks/useOperations.js';
import { viewSpec } from '../keys/index.js';
import type { Column } from './columns.js';
import { questionLine, type Prompt } from './interaction.js';
import { truncate } from './text.js';
import type { Theme } from '../theme.js';

export function TitleLine({ nav, count, columns, focused, width, theme, note }: {
  nav: NavState; count: number; columns: readonly Column[]; focused: boolean; width: number; theme: Theme;
  /** What else the view says about itself ("paused, 120 newer not shown"). */
  note: string;
}) {
  const crumb = nav.path[nav.path.length - 1]!;
  const sort = nav.sort.column >= 0 ? ` sort:${columns[nav.sort.column]?.header.toLowerCase()}${nav.sort.reverse ? '↓' : '↑'}` : '';
  const title = ` ${viewSpec(crumb.view).title}${crumb.label ? ` of ${crumb.label}` : ''} (${count})` +
    `${nav.filter ? ` /${nav.filter}/` : ''}${sort}` +
    `${nav.marks.length ? ` · ${nav.marks.length} marked` : ''}${nav.allTerminated ? ' · all terminated shown' : ''}${note ? ` · ${note}` : ''}`;
  // Where the person came from, once there is somewhere: "stacks › shop › web".
  const crumbs = nav.path.length > 1 ? `   ${nav.path.map((c) => c.label ?? viewSpec(c.view).title).join(' › ')}` : '';
  return (
    <Text wrap="truncate" bold color={focused ? theme.fg.accent : theme.fg.muted}>
      {truncate(`${title}${crumbs}`, width)}
    </Text>
  );
}

export function StatusLine({ status, idle, width, theme }: { status: Status | null; idle: string; width: number; theme: Theme }) {
  const color = status?.level === 'error' ? theme.fg.error : status?.level === 'success' ? theme.state.running
    : status?.level === 'progress' ? theme.fg.warning : theme.fg.muted;
  return <Text wrap="truncate" color={color}>{truncate(` ${status ? status.text : idle}`, width)}</Text>;
}

/** Keys that always show, whatever the width: the ways to every other key. */
export interface FixedHints { command: string; filter: string; help: string }

export function BottomLine({ prompt, hints, fixed, width, theme }: {
  prompt: Prompt | null; hints: string; fixed: FixedHints; width: number; theme: Theme;
}) {
  if (!prompt) return <Text wrap="truncate" color={theme.fg.muted}>{hintLine(hints, fixed, width)}</Text>;
  let line: string;
  if (prompt.kind === 'confirm') line = questionLine(prompt, width);
  else if (prompt.kind === 'copy') line = `copy ${nameOf(prompt.object)}: n name · u UUID · r resource URI · j JSON`;
  else {
    const one = prompt.kind === 'scale' && prompt.request.objects.length === 1 ? prompt.request.objects[0]! : undefined;
    const now = one ? one['target_num_containers'] ?? one['target_num_nodes'] : undefined;
    const label = prompt.kind === 'scale'
      ? `scale ${one ? `${nameOf(one)}${now === undefined ? '' : ` (now ${String(now)})`}` : `${prompt.request.objects.length} objects`} to: `
      : prompt.kind === 'command' ? ':' : '/';
    line = `${label}${prompt.text}█`;
  }
  return <Text wrap="truncate" color={prompt.kind === 'confirm' ? theme.fg.error : theme.fg.accent}>{truncate(line, width)}</Text>;
}

/** The view's hints, cut to fit, then the fixed ones, never cut: ": command · / filter · ? help" keep their place. */
export function hintLine(hints: string, fixed: FixedHints, width: number): string {
  const tail = [fixed.command && `${fixed.command} command`, fixed.filter && `${fixed.filter} filter`, fixed.help && `${fixed.help} help`]
    .filter(Boolean).join(' · ');
  const room = width - tail.length - 4;
  const head = hints && room > 8 ? `${truncate(` ${hints}`, room)} · ` : ' ';
  return truncate(`${head}${tail}`, width);
}
