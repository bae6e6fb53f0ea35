// Semantic colours: components ask for a meaning (state.running, fg.muted …), never for a colour.
// NO_COLOR / --no-color give a theme with no colours at all.
import type { StateClass } from './domain/index.js';

export interface Theme {
  name: string;
  state: Record<StateClass, string | undefined>;
  fg: { muted: string | undefined; accent: string | undefined; title: string | undefined; error: string | undefined; warning: string | undefined };
  selection: { bg: string | undefined; fg: string | undefined };
  highlight: string | undefined;
  marked: string | undefined;
  match: { bg: string | undefined; fg: string | undefined };
  color: boolean;
}

const DARK: Theme = {
  name: 'dark',
  state: { running: 'green', transition: 'yellow', stopped: 'gray', failed: 'red', terminated: 'gray', unknown: 'magenta' },
  fg: { muted: 'gray', accent: 'cyan', title: 'cyanBright', error: 'red', warning: 'yellow' },
  selection: { bg: 'blue', fg: 'whiteBright' },
  highlight: 'yellowBright',
  marked: 'magentaBright',
  match: { bg: 'yellow', fg: 'black' },
  color: true,
};

const LIGHT: Theme = {
  name: 'light',
  state: { running: 'green', transition: 'blue', stopped: 'gray', failed: 'red', terminated: 'gray', unknown: 'magenta' },
  fg: { muted: 'gray', accent: 'blue', title: 'blue', error: 'red', warning: 'magenta' },
  selection: { bg: 'cyan', fg: 'black' },
  highlight: 'magenta',
  marked: 'magenta',
  match: { bg: 'cyan', fg: 'black' },
  color: true,
};

const NONE: Theme = {
  name: 'none',
  state: { running: undefined, transition: undefined, stopped: undefined, failed: undefined, terminated: undefined, unknown: undefined },
  fg: { muted: undefined, accent: undefined, title: undefined, error: undefined, warning: undefined },
  selection: { bg: undefined, fg: undefined },
  highlight: undefined,
  marked: undefined,
  match: { bg: undefined, fg: undefined },
  color: false,
};

export function themeFor(name: 'dark' | 'light', color: boolean): Theme {
  if (!color) return NONE;
  return name === 'light' ? LIGHT : DARK;
}

/** The CLI's state symbols (wire-compat.md). */
export const STATE_SYMBOL: Record<StateClass, string> = {
  running: '▶', stopped: '◼', transition: '⚙', terminated: '✘', failed: '!', unknown: '?',
};
