// Where everything goes on the screen: one pure function of the interaction state and the terminal, used both to
// draw the frame and to handle keys (a page down moves by the rows the table really has).
import type { PaneState, UiState } from './interaction.js';

export interface Layout {
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
  paneHeight: number;
}

/** header (2), banner, title line, status line, bottom line, and one spare line: the frame never fills the screen. */
export function layoutOf(ui: UiState, width: number, height: number, banner: number): Layout {
  const main = Math.max(3, height - 1 - 2 - banner - 1 - 1 - 1);
  const panes = ui.panes;
  const zoomPane = ui.zoomed ? panes.find((p) => p.id === ui.focus) : undefined;
  const logRoom = panes.length === 0 || zoomPane ? 0
    : ui.beside ? Math.floor(width * ui.logShare) : Math.max(3 * panes.length, Math.floor(main * ui.logShare));
  const tableWidth = ui.beside && panes.length && !zoomPane ? width - logRoom - 1 : width;
  const tableHeight = ui.beside || !panes.length ? main : Math.max(2, main - logRoom);
  return {
    main, logRoom, tableWidth, tableHeight, bodyRows: Math.max(1, tableHeight - 2), zoomPane,
    paneWidth: zoomPane || !ui.beside ? width : logRoom,
    paneHeight: zoomPane ? main : Math.max(2, Math.floor((ui.beside ? main : logRoom) / Math.max(1, panes.length))),
  };
}
