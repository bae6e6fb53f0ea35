// Where everything goes on the screen: one pure function of the interaction state and the terminal, used both to
// draw the frame and to handle keys (a page down moves by the rows the table really has).
import type { PaneState, UiState } from './interaction.js';

export interface Layout {
  /** The row (0-based) where the table (or help, or the panes beside it) begins, under the title line. */
  top: number;
  /** Lines between the title line and the status line. */
  main: number;
  /** Room for the log panes: columns when beside the table, lines when below it. */
  logRoom: number;
  tableWidth: number;
  tableHeight: number;
  /** Table rows that fit under its header. */
  bodyRows: number;
  /** The pane zoomed to the whole area, if any. */
  zoomPane: PaneState | undefined;
  paneWidth: number;
  /** The height of each pane, in the order of ui.panes: the rows that do not divide evenly go to the last ones. */
  paneHeights: readonly number[];
}

/**
 * header (2), banner, title line, main, status line, bottom line: every row of the terminal. `spare` rows are left
 * empty at the bottom (1 where ink cannot draw a frame of the terminal's full height in place).
 */
export function layoutOf(ui: UiState, width: number, height: number, banner: number, spare = 0): Layout {
  const main = Math.max(3, height - spare - 2 - banner - 1 - 1 - 1);
  const panes = ui.panes;
  const zoomPane = ui.zoomed ? panes.find((p) => p.id === ui.focus) : undefined;
  const logRoom = panes.length === 0 || zoomPane ? 0
    : ui.beside ? Math.floor(width * ui.logShare) : Math.max(3 * panes.length, Math.floor(main * ui.logShare));
  const tableWidth = ui.beside && panes.length && !zoomPane ? width - logRoom - 1 : width;
  const tableHeight = ui.beside || !panes.length ? main : Math.max(2, main - logRoom);
  const room = ui.beside ? main : main - tableHeight;
  const each = Math.max(2, Math.floor(room / Math.max(1, panes.length)));
  const extra = Math.max(0, room - each * panes.length);
  return {
    top: 2 + banner + 1, main, logRoom, tableWidth, tableHeight, bodyRows: Math.max(1, tableHeight - 1), zoomPane, // under its header
    paneWidth: zoomPane || !ui.beside ? width : logRoom,
    paneHeights: panes.map((_, i) => (zoomPane ? main : each + (i >= panes.length - extra ? 1 : 0))),
  };
}

/** What is at a cell of the screen (0-based): the table (or an overlay over it), a pane, or neither. */
export function hitTest(layout: Layout, ui: UiState, x: number, y: number): { area: 'table'; row: number } | { area: 'pane'; pane: PaneState } | null {
  const row = y - layout.top;
  if (row < 0 || row >= layout.main) return null;
  if (layout.zoomPane) return { area: 'pane', pane: layout.zoomPane };
  const inTable = ui.beside ? x < layout.tableWidth : row < layout.tableHeight;
  if (inTable || !ui.panes.length) return row < layout.tableHeight ? { area: 'table', row } : null;
  if (ui.beside && x === layout.tableWidth) return null; // the divider
  let from = ui.beside ? 0 : layout.tableHeight;
  for (const [i, pane] of ui.panes.entries()) {
    from += layout.paneHeights[i]!;
    if (row < from) return { area: 'pane', pane };
  }
  return null;
}

/** The height of a pane at this layout. */
export function paneHeightOf(layout: Layout, ui: UiState, pane: PaneState): number {
  if (layout.zoomPane) return layout.main;
  return layout.paneHeights[ui.panes.findIndex((p) => p.id === pane.id)] ?? 2;
}
