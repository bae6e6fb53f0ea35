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

/** Control characters that stand for a named key when they come inside a longer string. */
const CONTROL_KEYS: Record<string, KeyPress> = {
  '\r': { return: true }, '\n': { return: true }, '\t': { tab: true }, '\u007f': { backspace: true }, '\b': { backspace: true },
};

/**
 * One key press per key. Keys typed quickly, pasted, repeated or sent by a macro arrive in one read, and Ink hands
 * a run of them over as one string ("5x", "jjjjj", "\tj"): each must be handled on its own, after the one before it.
 * Ink already splits escape sequences (arrows) from the text around them; a string with an escape is one key.
 */
export function splitKeys(input: string, key: KeyPress): Array<{ input: string; key: KeyPress }> {
  // Esc typed just before a key arrives with it as one Alt+key (tmux and terminals do that within their
  // escape-time): dctop binds no Alt keys, so it is an Esc and then that key, as typed.
  if (key.meta && !key.ctrl && !key.escape && input.length === 1 && !hasNamedKey(key)) {
    return [{ input: '', key: { escape: true } }, { input, key: { shift: input !== input.toLowerCase() } }];
  }
  if (input.length <= 1 || input.includes('\u001b') || key.ctrl || key.meta) return [{ input, key }];
  const out: Array<{ input: string; key: KeyPress }> = [];
  for (const ch of input) {
    const code = ch.codePointAt(0)!;
    if (CONTROL_KEYS[ch]) out.push({ input: '', key: CONTROL_KEYS[ch]! });
    else if (code < 0x20) out.push({ input: String.fromCharCode(code + 96), key: { ctrl: true } }); // ctrl+w is \u0017
    else out.push({ input: ch, key: { shift: ch !== ch.toLowerCase() } });
  }
  return out;
}

/** A mouse report in SGR form: a button (0 left, 64 wheel up, 65 wheel down …) at a 0-based column and row. */
export interface MouseReport { button: number; x: number; y: number; release: boolean }

/**
 * The mouse report a read is, if it is one. Ink hands SGR reports (ESC [ < b ; x ; y M) over without their ESC:
 * they must never reach the keys one character at a time ('<' would sort, '6' switch views).
 */
export function parseMouse(input: string): MouseReport | null {
  const m = /^\u001b?\[<(\d+);(\d+);(\d+)([Mm])$/.exec(input);
  return m ? { button: Number(m[1]), x: Number(m[2]) - 1, y: Number(m[3]) - 1, release: m[4] === 'm' } : null;
}

function hasNamedKey(key: KeyPress): boolean {
  return !!(key.upArrow || key.downArrow || key.leftArrow || key.rightArrow || key.pageUp || key.pageDown || key.home || key.end ||
    key.return || key.tab || key.backspace || key.delete);
}

export class Keymap {
  private readonly commands: Command[];
  /** What read-only mode took away, so that pressing one of its keys can say so. */
  private readonly disabledCommands: Command[];

  /** `overrides`: command id → keys that replace its defaults. `readonly`: commands that change things are gone. */
  constructor(overrides: Record<string, string[]> = {}, readonly readonly = false) {
    const all = COMMANDS.map((c) => (overrides[c.id] ? { ...c, keys: overrides[c.id]! } : c));
    this.commands = all.filter((c) => !(readonly && c.mutates));
    this.disabledCommands = all.filter((c) => readonly && c.mutates);
  }

  /** The command a key means in a scope (the focused pane's scope first, then global) and view. */
  match(name: string, scope: Scope, view: ViewName | null): Command | undefined {
    return matchIn(this.commands, name, scope, view);
  }

  /** The command read-only mode disabled that this key would mean here, if any. */
  disabled(name: string, scope: Scope, view: ViewName | null): Command | undefined {
    return matchIn(this.disabledCommands, name, scope, view);
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

function matchIn(commands: readonly Command[], name: string, scope: Scope, view: ViewName | null): Command | undefined {
  const applies = (c: Command) => c.keys.includes(name) && (!c.views || (view !== null && c.views.includes(view)));
  return commands.find((c) => c.scope === scope && applies(c)) ?? commands.find((c) => c.scope === 'global' && applies(c));
}
