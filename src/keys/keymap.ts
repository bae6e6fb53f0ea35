// Key names and the keymap: which command a key means where, with user overrides and read-only mode applied.
import { COMMANDS, type Command, type Scope, type ViewName } from './commands.js';

/** The shape of a key press (Ink's `Key`, without depending on React). */
export interface KeyPress {
  upArrow?: boolean; downArrow?: boolean; leftArrow?: boolean; rightArrow?: boolean;
  pageUp?: boolean; pageDown?: boolean; home?: boolean; end?: boolean;
  return?: boolean; escape?: boolean; tab?: boolean; backspace?: boolean; delete?: boolean;
  ctrl?: boolean; shift?: boolean; meta?: boolean;
}

/** A stable name for a key press: 'j', 'G', 'ctrl+w', 'enter', 'esc', 'tab', 'shift+tab', 'up', 'pgdn', 'space'. */
export function keyName(input: string, key: KeyPress): string {
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.pageUp) return 'pgup';
  if (key.pageDown) return 'pgdn';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.return) return 'enter';
  if (key.escape) return 'esc';
  if (key.tab) return key.shift ? 'shift+tab' : 'tab';
  if (key.backspace || key.delete) return 'backspace';
  if (input === ' ') return 'space';
  if (key.ctrl && input) return `ctrl+${input.toLowerCase()}`;
  return input;
}

export class Keymap {
  private readonly commands: Command[];

  /** `overrides`: command id → keys that replace its defaults. `readonly`: commands that change things are gone. */
  constructor(overrides: Record<string, string[]> = {}, readonly readonly = false) {
    this.commands = COMMANDS
      .filter((c) => !(readonly && c.mutates))
      .map((c) => (overrides[c.id] ? { ...c, keys: overrides[c.id]! } : c));
  }

  /** The command a key means in a scope (the focused pane's scope first, then global) and view. */
  match(name: string, scope: Scope, view: ViewName | null): Command | undefined {
    const applies = (c: Command) => c.keys.includes(name) && (!c.views || (view !== null && c.views.includes(view)));
    return this.commands.find((c) => c.scope === scope && applies(c)) ?? this.commands.find((c) => c.scope === 'global' && applies(c));
  }

  has(id: string): boolean {
    return this.commands.some((c) => c.id === id);
  }

  keysFor(id: string): string[] {
    return this.commands.find((c) => c.id === id)?.keys ?? [];
  }

  /** Commands available in a scope and view, for help and hints. */
  available(scope: Scope, view: ViewName | null): Command[] {
    return this.commands.filter((c) => (c.scope === scope || c.scope === 'global') && (!c.views || (view !== null && c.views.includes(view))));
  }

  all(): readonly Command[] {
    return this.commands;
  }
}
