// The user's configuration file, $XDG_CONFIG_HOME/dctop/config.json (fallback ~/.config/dctop/config.json):
// key remapping, theme, first view, read-only mode, confirmations, clipboard, mouse and metrics. Every mistake is a ConfigError with one clear line that names
// the file and the field, so that a typo never silently falls back to a default.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join, sep } from 'node:path';
import { COMMANDS, type Command, type ViewName } from './commands.js';
import { VIEW_WORDS, VIEWS, viewByAlias } from './views.js';

export interface MonitorConfig {
  /** Command id → keys that replace its default keys. */
  keys: Record<string, string[]>;
  theme: 'dark' | 'light';
  /** The first view; null: the default one. */
  view: ViewName | null;
  readonly: boolean;
  /** Ask "y/N" before stop, redeploy, terminate and docker-upgrade (typing a stack's or cluster's name always stays). */
  confirm: boolean;
  /** Copy (y) writes OSC 52 to the terminal, which puts the text on the clipboard; false: no copy. */
  clipboard: boolean;
  /** The mouse wheel scrolls and a click selects; false leaves the mouse to the terminal (its own selection). */
  mouse: boolean;
  /** Live CPU and memory of what is on screen (dctop serve's extension); false: no metrics socket, no columns' values. */
  metrics: boolean;
  /** The file it came from; null when there is none. */
  path: string | null;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const FIELDS = ['keys', 'theme', 'view', 'readonly', 'confirm', 'clipboard', 'mouse', 'metrics'] as const;
const THEMES = ['dark', 'light'] as const;

/** Key names that keyName() produces besides single characters and ctrl+<letter>. */
export const SPECIAL_KEYS: readonly string[] = [
  'enter', 'esc', 'tab', 'shift+tab', 'backspace', 'space', 'up', 'down', 'left', 'right', 'pgup', 'pgdn', 'home', 'end',
];

/** Names people write for keys, and the name dctop uses. */
const KEY_ALIASES: Readonly<Record<string, string>> = {
  return: 'enter', cr: 'enter', escape: 'esc', 'back-tab': 'shift+tab', backtab: 'shift+tab', 's-tab': 'shift+tab',
  bs: 'backspace', delete: 'backspace', del: 'backspace', spc: 'space', ' ': 'space',
  pageup: 'pgup', 'page-up': 'pgup', page_up: 'pgup', pagedown: 'pgdn', 'page-down': 'pgdn', page_down: 'pgdn',
  uparrow: 'up', downarrow: 'down', leftarrow: 'left', rightarrow: 'right',
};

// ── where it is ──────────────────────────────────────────────────────────────────────────────────────

/** $XDG_CONFIG_HOME/dctop/config.json when XDG_CONFIG_HOME is an absolute path (the XDG spec ignores relative ones),
 *  else <home>/.config/dctop/config.json. */
export function configPath(env: NodeJS.ProcessEnv = process.env, home?: string): string {
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(home ?? (env.HOME || homedir()), '.config');
  return join(base, 'dctop', 'config.json');
}

/** The configuration: defaults when the file does not exist, a ConfigError when it is unreadable or wrong. */
export async function loadConfig(env: NodeJS.ProcessEnv = process.env, home?: string): Promise<MonitorConfig> {
  const homeDir = home ?? (env.HOME || homedir());
  const path = configPath(env, homeDir);
  const shown = displayPath(path, homeDir);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return defaults();
    throw new ConfigError(`${shown}: cannot read the file (${code ?? (err as Error).message})`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${shown}: invalid JSON ${describeJsonError(text, (err as Error).message)}`);
  }
  return validateConfig(raw, path, homeDir);
}

/** Checks a parsed configuration file. Pure: `path` is only recorded and named in messages (with `home` shown as ~). */
export function validateConfig(raw: unknown, path: string, home: string = homedir()): MonitorConfig {
  const shown = displayPath(path, home);
  const fail = (field: string | null, message: string): never => {
    throw new ConfigError(field ? `${shown}: ${field}: ${message}` : `${shown}: ${message}`);
  };

  if (!isPlainObject(raw)) return fail(null, `expected a JSON object at the top level, got ${describeValue(raw)}`);

  const config = defaults();
  config.path = path;

  for (const field of Object.keys(raw)) {
    if (!(FIELDS as readonly string[]).includes(field)) {
      fail(field, `unknown field${suggest(field, FIELDS)} (the fields are ${FIELDS.join(', ')})`);
    }
  }

  if (Object.hasOwn(raw, 'theme')) {
    const theme = raw.theme;
    if (typeof theme !== 'string' || !(THEMES as readonly string[]).includes(theme)) {
      fail('theme', `expected 'dark' or 'light', got ${describeValue(theme)}${typeof theme === 'string' ? suggest(theme, THEMES) : ''}`);
    }
    config.theme = theme as MonitorConfig['theme'];
  }

  if (Object.hasOwn(raw, 'view') && raw.view !== null) {
    const view = raw.view;
    if (typeof view !== 'string') return fail('view', `expected a view name, got ${describeValue(view)}`);
    const resolved = viewByAlias(view) ?? null;
    if (!resolved) {
      fail('view', `unknown view ${quote(view)}${suggest(view, VIEW_WORDS)} (the views are ${VIEWS.map((v) => v.aliases[0]).join(', ')})`);
    }
    config.view = resolved;
  }

  for (const field of ['readonly', 'confirm', 'clipboard', 'mouse', 'metrics'] as const) {
    if (!Object.hasOwn(raw, field)) continue;
    if (typeof raw[field] !== 'boolean') fail(field, `expected true or false, got ${describeValue(raw[field])}`);
    config[field] = raw[field] as boolean;
  }

  if (Object.hasOwn(raw, 'keys')) config.keys = validateKeys(raw.keys, fail);

  return config;
}

// ── keys ─────────────────────────────────────────────────────────────────────────────────────────────

type Fail = (field: string | null, message: string) => never;

function validateKeys(raw: unknown, fail: Fail): Record<string, string[]> {
  if (!isPlainObject(raw)) return fail('keys', `expected an object of command id → key or list of keys, got ${describeValue(raw)}`);
  const ids = COMMANDS.map((c) => c.id);
  const keys: Record<string, string[]> = {};

  for (const [id, value] of Object.entries(raw)) {
    const field = `keys.${id}`;
    const command = COMMANDS.find((c) => c.id === id);
    if (!command) return fail(field, `unknown command ${quote(id)}${suggest(id, ids)}`);

    let list: unknown[];
    if (typeof value === 'string') list = [value];
    else if (Array.isArray(value)) list = value;
    else {
      const hint = typeof value === 'number' ? ` (write "${value}")` : '';
      return fail(field, `expected a key name or a list of key names, got ${describeValue(value)}${hint}`);
    }
    if (list.length === 0) return fail(field, 'empty list: give at least one key (a command cannot be unbound)');

    const names: string[] = [];
    for (const [i, key] of list.entries()) {
      const at = Array.isArray(value) ? `${field}[${i}]` : field;
      if (typeof key !== 'string') {
        const hint = typeof key === 'number' ? ` (write "${key}")` : '';
        return fail(at, `expected a key name, got ${describeValue(key)}${hint}`);
      }
      const problem = keyProblem(key);
      if (problem) return fail(at, problem);
      if (key === 'ctrl+c') return fail(at, `'ctrl+c' cannot be bound: it always quits`);
      if (command.dangerous && isCtrlChord(key)) {
        return fail(at, `${quote(key)} is a ctrl-chord, and ${id} can take things down: bind it to a plain key `
          + `(ctrl-chords are easy to hit by accident, e.g. when a tmux prefix goes astray)`);
      }
      if (!names.includes(key)) names.push(key);
    }
    keys[id] = names;
  }

  const conflict = findConflict(keys);
  if (conflict) {
    const [a, b, key] = conflict;
    // Name the field the user wrote: the overridden command (the first one, when both are).
    const [mine, other] = keys[a.id] ? [a, b] : [b, a];
    const otherKeys = keys[other.id] ? 'also bound to it in this file' : 'its default key';
    return fail(`keys.${mine.id}`, `${quote(key)} is already bound to ${other.id} (${describeScope(other)}; ${otherKeys}): `
      + `${mine.id} and ${other.id} cannot share a key`);
  }
  return keys;
}

/** Why a string is not a key name that keyName() produces; null when it is one. */
export function keyProblem(key: string): string | null {
  if (isKeyName(key)) return null;
  const lower = key.toLowerCase() === ' ' ? ' ' : key.trim().toLowerCase();
  let guess: string | undefined;
  if (isKeyName(lower) && lower !== key) guess = lower;
  else if (Object.hasOwn(KEY_ALIASES, lower)) guess = KEY_ALIASES[lower];
  else {
    const chord = /^(?:ctrl|control|c|\^)[-+]?([a-z])$/i.exec(key.trim()) ?? /^\^([a-z])$/i.exec(key.trim());
    if (chord) guess = `ctrl+${chord[1]!.toLowerCase()}`;
    else if (/^shift[-+]([a-z])$/i.test(key.trim())) guess = key.trim().slice(-1).toUpperCase();
    else {
      const near = closest(lower, SPECIAL_KEYS);
      if (near) guess = near;
    }
  }
  const mean = guess ? ` (did you mean ${guess}?)` : '';
  return `${quote(key)} is not a key name${mean}: use a single character, ctrl+<letter>, or one of ${SPECIAL_KEYS.join(' ')}`;
}

function isKeyName(key: string): boolean {
  if (SPECIAL_KEYS.includes(key)) return true;
  if (/^ctrl\+[a-z]$/.test(key)) return true;
  const chars = Array.from(key);
  return chars.length === 1 && !/[\p{C}\s]/u.test(key);
}

function isCtrlChord(key: string): boolean {
  return key.startsWith('ctrl+');
}

/** Whether two commands can be asked for the same key at the same time: the same scope, or one of them global,
 *  and views that overlap (no views: every view). */
function canCollide(a: Command, b: Command): boolean {
  if (a.scope !== b.scope && a.scope !== 'global' && b.scope !== 'global') return false;
  if (!a.views || !b.views) return true;
  return a.views.some((v) => b.views!.includes(v));
}

/** The first pair of commands that share a key in the effective keymap (defaults plus `overrides`). */
function findConflict(overrides: Record<string, string[]>): [Command, Command, string] | null {
  const effective = COMMANDS.map((c) => ({ ...c, keys: overrides[c.id] ?? c.keys }));
  // Overridden commands first, in file order, so that the message is about a line the user wrote.
  const order = Object.keys(overrides);
  effective.sort((a, b) => rank(a.id) - rank(b.id));
  function rank(id: string): number {
    const i = order.indexOf(id);
    return i === -1 ? order.length : i;
  }
  for (const [i, a] of effective.entries()) {
    for (const b of effective.slice(i + 1)) {
      const shared = a.keys.find((k) => b.keys.includes(k));
      if (shared !== undefined && canCollide(a, b)) return [a, b, shared];
    }
  }
  return null;
}

function describeScope(c: Command): string {
  if (c.scope === 'global') return 'global';
  return c.views ? `${c.scope}: ${c.views.join(', ')}` : c.scope;
}

// ── helpers ──────────────────────────────────────────────────────────────────────────────────────────

function defaults(): MonitorConfig {
  return { keys: {}, theme: 'dark', view: null, readonly: false, confirm: true, clipboard: true, mouse: true, metrics: true, path: null };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function displayPath(path: string, home: string): string {
  if (home && home !== sep && (path === home || path.startsWith(home.endsWith(sep) ? home : home + sep))) {
    return '~' + path.slice(home.endsWith(sep) ? home.length - 1 : home.length);
  }
  return path;
}

function quote(s: string): string {
  return `'${s}'`;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return quote(value);
  return `${typeof value} ${String(value)}`;
}

/** " (did you mean X?)" or "". */
function suggest(input: string, candidates: readonly string[]): string {
  const near = closest(input, candidates);
  return near ? ` (did you mean ${near}?)` : '';
}

/** The candidate nearest to `input`: one it ends with after a dot ('stop' → 'op.stop'), else the one at the smallest
 *  edit distance, if that distance is small for the length (1 edit, or one in three characters). */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  const lower = input.toLowerCase();
  const exact = candidates.find((c) => c.toLowerCase() === lower);
  if (exact) return exact;
  const suffix = candidates.filter((c) => c.toLowerCase().endsWith('.' + lower));
  if (suffix.length === 1) return suffix[0];
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return input && bestDistance <= Math.max(1, Math.floor(input.length / 3)) ? best : undefined;
}

/** Levenshtein distance, with a transposition counted as one edit. */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}

// ── where JSON went wrong ────────────────────────────────────────────────────────────────────────────

/** "at line L, column C: <what>" — computed here, because Node's JSON.parse messages give a position only sometimes. */
function describeJsonError(text: string, fallback: string): string {
  const found = locateJsonError(text);
  if (!found) return `(${fallback})`;
  const before = text.slice(0, found.offset);
  const line = before.split('\n').length;
  const column = found.offset - (before.lastIndexOf('\n') + 1) + 1;
  return `at line ${line}, column ${column}: ${found.message}`;
}

/** A small JSON scanner that only finds the first error: its offset and what was expected. */
function locateJsonError(text: string): { offset: number; message: string } | null {
  let pos = 0;
  class Stop { constructor(readonly offset: number, readonly message: string) {} }
  const stop = (message: string, at = pos): never => { throw new Stop(at, message); };
  const found = () => (pos >= text.length ? 'the end of the file' : `'${text[pos]}'`);
  const ws = () => { while (pos < text.length && ' \t\n\r'.includes(text[pos]!)) pos++; };

  function value(): void {
    ws();
    const ch = text[pos];
    if (ch === '{') return object();
    if (ch === '[') return array();
    if (ch === '"') return string();
    if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) return number();
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, pos)) { pos += word.length; return; }
    }
    if (ch === "'") stop('strings need double quotes');
    stop(`expected a value, found ${found()}`);
  }
  function object(): void {
    pos++; ws();
    if (text[pos] === '}') { pos++; return; }
    for (;;) {
      ws();
      if (text[pos] === '}') stop("trailing comma before '}'");
      if (text[pos] !== '"') stop(`expected a double-quoted field name, found ${found()}`);
      string(); ws();
      if (text[pos] !== ':') stop(`expected ':' after the field name, found ${found()}`);
      pos++; value(); ws();
      if (text[pos] === ',') { pos++; continue; }
      if (text[pos] === '}') { pos++; return; }
      stop(`expected ',' or '}', found ${found()}`);
    }
  }
  function array(): void {
    pos++; ws();
    if (text[pos] === ']') { pos++; return; }
    for (;;) {
      ws();
      if (text[pos] === ']') stop("trailing comma before ']'");
      value(); ws();
      if (text[pos] === ',') { pos++; continue; }
      if (text[pos] === ']') { pos++; return; }
      stop(`expected ',' or ']', found ${found()}`);
    }
  }
  function string(): void {
    const start = pos++;
    while (pos < text.length) {
      const ch = text[pos]!;
      if (ch === '"') { pos++; return; }
      if (ch === '\\') {
        const esc = text[pos + 1];
        if (esc === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(pos + 2, pos + 6))) stop('bad \\u escape in a string');
          pos += 6;
        } else if (esc !== undefined && '"\\/bfnrt'.includes(esc)) pos += 2;
        else stop('bad escape in a string');
        continue;
      }
      if (ch.charCodeAt(0) < 0x20) stop('unescaped control character (a line break?) in a string');
      pos++;
    }
    stop('unterminated string', start);
  }
  function number(): void {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(pos));
    if (!m) stop('malformed number');
    pos += m![0].length;
  }

  try {
    ws();
    if (pos >= text.length) return { offset: pos, message: 'the file is empty' };
    value(); ws();
    if (pos < text.length) stop(`unexpected ${found()} after the end of the JSON value`);
    return null;
  } catch (e) {
    if (e instanceof Stop) return { offset: e.offset, message: e.message };
    throw e;
  }
}
