// The area between the title line and the status line: the table (or help, or the inspector), and the log panes
// below it or beside it, or one pane zoomed over all of it.
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import type { PaneData } from '../hooks/useLogPanes.js';
import type { UiState } from './interaction.js';
import type { Layout } from './layout.js';
import { LogPaneView, NO_DATA } from './LogPaneView.js';
import type { Theme } from '../theme.js';

export function Body({ ui, layout, width, table, logs, theme }: {
  ui: UiState; layout: Layout; width: number; table: ReactNode; logs: ReadonlyMap<number, PaneData>; theme: Theme;
}) {
  const { zoomPane, main } = layout;
  if (zoomPane) {
    return <LogPaneView pane={zoomPane} data={logs.get(zoomPane.id) ?? NO_DATA} width={width} height={main} focused theme={theme} />;
  }
  const panes = ui.panes.map((p, i) => (
    <LogPaneView key={p.id} pane={p} data={logs.get(p.id) ?? NO_DATA} width={layout.paneWidth} height={layout.paneHeights[i]!}
      focused={ui.focus === p.id} theme={theme} />
  ));
  if (!ui.beside || !ui.panes.length) return <>{table}{panes}</>;
  return (
    <Box flexDirection="row">
      <Box flexDirection="column" width={layout.tableWidth}>{table}</Box>
      <Box flexDirection="column" width={1}>{Array.from({ length: main }, (_, i) => <Text key={i} color={theme.fg.muted}>│</Text>)}</Box>
      <Box flexDirection="column" width={layout.logRoom}>{panes}</Box>
    </Box>
  );
}
