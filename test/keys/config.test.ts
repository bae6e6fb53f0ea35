// The configuration file: where it is, defaults when there is none, and one clear line for every mistake
// (naming the file and the field). Real files in temporary directories.
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, configPath, loadConfig, validateConfig, type MonitorConfig } from '../../src/keys/config.js';
import { Keymap } from '../../src/keys/keymap.js';

let root: string;
let n = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'dctop-config-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A fresh XDG_CONFIG_HOME (and home), with `content` as dctop/config.json unless undefined. */
async function setup(content?: string | object): Promise<{ env: NodeJS.ProcessEnv; home: string; file: string }> {
  const dir = join(root, `case-${++n}`);
  const xdg = join(dir, 'xdg');
  const home = join(dir, 'home');
  await mkdir(home, { recursive: true });
  const file = join(xdg, 'dctop', 'config.json');
  if (content !== undefined) {
    await mkdir(join(xdg, 'dctop'), { recursive: true });
    await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return { env: { XDG_CONFIG_HOME: xdg }, home, file };
}

async function load(content?: string | object): Promise<MonitorConfig> {
  const { env, home } = await setup(content);
  return loadConfig(env, home);
}

/** Loads `content`, expects a ConfigError, checks it is one line naming the file (and the field), returns the message. */
async function loadError(content: string | object, field?: string): Promise<string> {
  const { env, home, file } = await setup(content);
  const err = await loadConfig(env, home).then(
    () => { throw new Error('expected a ConfigError'); },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigError);
  const message = (err as ConfigError).message;
  expect(message).not.toContain('\n');
  expect(message.startsWith(`${file}: `), message).toBe(true);
  if (field) expect(message.startsWith(`${file}: ${field}: `), message).toBe(true);
  return message.slice(file.length + 2);
}

const DEFAULTS = { keys: {}, theme: 'dark', view: null, readonly: false, confirm: true, clipboard: true, mouse: true, metrics: true, path: null };

describe('configPath', () => {
  it('uses $XDG_CONFIG_HOME when it is set', () => {
    expect(configPath({ XDG_CONFIG_HOME: '/x/cfg' }, '/home/u')).toBe('/x/cfg/dctop/config.json');
  });

  it('falls back to ~/.config when XDG_CONFIG_HOME is unset, empty or relative', () => {
    expect(configPath({}, '/home/u')).toBe('/home/u/.config/dctop/config.json');
    expect(configPath({ XDG_CONFIG_HOME: '' }, '/home/u')).toBe('/home/u/.config/dctop/config.json');
    expect(configPath({ XDG_CONFIG_HOME: 'rel/dir' }, '/home/u')).toBe('/home/u/.config/dctop/config.json');
  });

  it('takes the home from $HOME when no home is given', () => {
    expect(configPath({ HOME: '/home/h' })).toBe('/home/h/.config/dctop/config.json');
  });
});

describe('loadConfig: valid files', () => {
  it('gives the defaults when there is no file', async () => {
    expect(await load()).toEqual(DEFAULTS);
  });

  it('gives the defaults when a directory on the way is a file', async () => {
    const { env, home } = await setup();
    await writeFile(env.XDG_CONFIG_HOME!, 'not a directory');
    expect(await loadConfig(env, home)).toEqual(DEFAULTS);
  });

  it('reads from ~/.config when XDG_CONFIG_HOME is not set', async () => {
    const { home } = await setup();
    await mkdir(join(home, '.config', 'dctop'), { recursive: true });
    const file = join(home, '.config', 'dctop', 'config.json');
    await writeFile(file, '{"theme": "light"}');
    expect(await loadConfig({}, home)).toEqual({ ...DEFAULTS, theme: 'light', path: file });
  });

  it('reads a full file', async () => {
    const { env, home, file } = await setup({
      theme: 'light',
      view: 'container',
      readonly: true,
      confirm: false,
      clipboard: false,
      mouse: false,
      metrics: false,
      keys: { 'op.start': ['K', 'ctrl+s'], 'logs.follow': 'F', 'pane.next': ['tab', 'ctrl+n'], 'op.terminate': 'backspace' },
    });
    const config = await loadConfig(env, home);
    expect(config).toEqual({
      theme: 'light',
      view: 'container',
      readonly: true,
      confirm: false,
      clipboard: false,
      mouse: false,
      metrics: false,
      keys: { 'op.start': ['K', 'ctrl+s'], 'logs.follow': ['F'], 'pane.next': ['tab', 'ctrl+n'], 'op.terminate': ['backspace'] },
      path: file,
    });
    // It is what a Keymap takes.
    const keymap = new Keymap(config.keys, false);
    expect(keymap.match('K', 'table', 'service')?.id).toBe('op.start');
    expect(keymap.match('F', 'logs', null)?.id).toBe('logs.follow');
  });

  it('gives the defaults for the fields a file leaves out', async () => {
    const { env, home, file } = await setup('{}');
    expect(await loadConfig(env, home)).toEqual({ ...DEFAULTS, path: file });
  });

  it('accepts a byte-order mark', async () => {
    expect((await load('\uFEFF{"theme": "light"}')).theme).toBe('light');
  });

  it.each([
    ['clusters', 'nodecluster'], ['nodes', 'node'], ['stacks', 'stack'], ['services', 'service'],
    ['containers', 'container'], ['actions', 'action'], ['events', 'events'],
    ['nodecluster', 'nodecluster'], ['node', 'node'], ['stack', 'stack'], ['service', 'service'], ['action', 'action'],
  ])('accepts the view %s', async (view, expected) => {
    expect((await load({ view })).view).toBe(expected);
  });

  it('accepts view null (the default)', async () => {
    expect((await load({ view: null })).view).toBeNull();
  });

  it('accepts every key form keyName produces', async () => {
    const keys = ['enter', 'esc', 'tab', 'shift+tab', 'backspace', 'space', 'up', 'down', 'left', 'right', 'pgup', 'pgdn', 'home', 'end', 'ctrl+z', 'Q', 'é', '#'];
    // logs.* are alone in their scope with few global keys: give logs.clear keys no global command uses.
    const config = await load({ keys: { 'logs.clear': ['ctrl+z', 'Q', 'é', '#'], 'pane.next': ['shift+tab'] } });
    expect(config.keys['logs.clear']).toEqual(['ctrl+z', 'Q', 'é', '#']);
    for (const key of keys.slice(0, 14)) {
      // Each special key on a log command that does not collide with a global one.
      const globalUse = new Keymap().match(key, 'global', null);
      if (globalUse) continue;
      expect((await load({ keys: { 'logs.clear': key } })).keys['logs.clear'], key).toEqual([key]);
    }
  });

  it('allows swapping two keys of the same scope', async () => {
    const config = await load({ keys: { 'op.start': 'x', 'op.stop': 's' } });
    expect(config.keys).toEqual({ 'op.start': ['x'], 'op.stop': ['s'] });
  });

  it('allows the same key in different scopes, and in the same scope for views that never meet', async () => {
    // op.stop is a table command, 'x' in a log pane is free.
    expect((await load({ keys: { 'logs.clear': 'x' } })).keys['logs.clear']).toEqual(['x']);
    // op.cancel is only in actions, op.start never is.
    expect((await load({ keys: { 'op.cancel': 's' } })).keys['op.cancel']).toEqual(['s']);
  });

  it('allows moving a global key away and reusing it', async () => {
    const config = await load({ keys: { quit: 'Q', 'logs.close': 'q' } });
    expect(config.keys).toEqual({ quit: ['Q'], 'logs.close': ['q'] });
  });

  it('drops a key listed twice for one command', async () => {
    expect((await load({ keys: { 'op.stop': ['K', 'K'] } })).keys['op.stop']).toEqual(['K']);
  });
});

describe('loadConfig: errors', () => {
  it('invalid JSON: says where (line and column)', async () => {
    const message = await loadError('{\n  "theme": "light",\n}\n');
    expect(message).toBe("invalid JSON at line 3, column 1: trailing comma before '}'");
  });

  it.each([
    ['{"theme" "light"}', "invalid JSON at line 1, column 10: expected ':' after the field name, found '\"'"],
    ["{'theme': 'light'}", 'invalid JSON at line 1, column 2: expected a double-quoted field name, found \'\'\''],
    ['{"keys": {"quit": ["Q"}}', "invalid JSON at line 1, column 23: expected ',' or ']', found '}'"],
    ['{"theme": "light"', "invalid JSON at line 1, column 18: expected ',' or '}', found the end of the file"],
    ['{"theme": "li\nght"}', 'invalid JSON at line 1, column 14: unescaped control character (a line break?) in a string'],
    ['{"readonly": yes}', 'invalid JSON at line 1, column 14: expected a value, found \'y\''],
    ['{} {}', "invalid JSON at line 1, column 4: unexpected '{' after the end of the JSON value"],
    ['', 'invalid JSON at line 1, column 1: the file is empty'],
    ['  \n', 'invalid JSON at line 2, column 1: the file is empty'],
  ])('invalid JSON %j', async (text, expected) => {
    expect(await loadError(text)).toBe(expected);
  });

  it('unreadable file: names it', async () => {
    const { env, home, file } = await setup();
    await mkdir(file, { recursive: true }); // a directory where the file should be
    await expect(loadConfig(env, home)).rejects.toThrow(new ConfigError(`${file}: cannot read the file (EISDIR)`));
  });

  // Skipped as root (as CI runs): root reads any file, so no permission error can be made to happen.
  it.runIf(process.getuid?.() !== 0)('a file without read permission', async () => {
    const { env, home, file } = await setup('{}');
    await chmod(file, 0o000);
    await expect(loadConfig(env, home)).rejects.toThrow(`${file}: cannot read the file (EACCES)`);
  });

  it('the top level is not an object', async () => {
    expect(await loadError('["dark"]')).toBe('expected a JSON object at the top level, got a list');
    expect(await loadError('null')).toBe('expected a JSON object at the top level, got null');
  });

  it('unknown top-level field, with a suggestion', async () => {
    expect(await loadError({ thme: 'dark' }, 'thme')).toBe('thme: unknown field (did you mean theme?) (the fields are keys, theme, view, readonly, confirm, clipboard, mouse, metrics)');
    expect(await loadError({ colors: {} }, 'colors')).toBe('colors: unknown field (the fields are keys, theme, view, readonly, confirm, clipboard, mouse, metrics)');
    expect(await loadError({ readOnly: true })).toContain('(did you mean readonly?)');
  });

  it('theme', async () => {
    expect(await loadError({ theme: 'drak' }, 'theme')).toBe("theme: expected 'dark' or 'light', got 'drak' (did you mean dark?)");
    expect(await loadError({ theme: 1 }, 'theme')).toBe("theme: expected 'dark' or 'light', got number 1");
  });

  it('view', async () => {
    expect(await loadError({ view: 'container' + 's2' }, 'view')).toBe(
      "view: unknown view 'containers2' (did you mean containers?) (the views are clusters, nodes, stacks, services, containers, actions, events)");
    expect(await loadError({ view: 'pods' }, 'view')).toBe(
      "view: unknown view 'pods' (the views are clusters, nodes, stacks, services, containers, actions, events)");
    expect(await loadError({ view: 5 }, 'view')).toBe('view: expected a view name, got number 5');
  });

  it('readonly', async () => {
    expect(await loadError({ readonly: 'yes' }, 'readonly')).toBe("readonly: expected true or false, got 'yes'");
    expect(await loadError({ readonly: 1 }, 'readonly')).toBe('readonly: expected true or false, got number 1');
    expect(await loadError({ confirm: 'no' }, 'confirm')).toBe("confirm: expected true or false, got 'no'");
  });

  it('keys is not an object', async () => {
    expect(await loadError({ keys: ['q'] }, 'keys')).toBe('keys: expected an object of command id → key or list of keys, got a list');
  });

  it('unknown command, with a suggestion', async () => {
    expect(await loadError({ keys: { 'op.stp': 'K' } }, 'keys.op.stp')).toBe("keys.op.stp: unknown command 'op.stp' (did you mean op.stop?)");
    expect(await loadError({ keys: { stop: 'K' } }, 'keys.stop')).toBe("keys.stop: unknown command 'stop' (did you mean op.stop?)");
    expect(await loadError({ keys: { 'logs.folow': 'F' } })).toBe("keys.logs.folow: unknown command 'logs.folow' (did you mean logs.follow?)");
    expect(await loadError({ keys: { frobnicate: 'F' } })).toBe("keys.frobnicate: unknown command 'frobnicate'");
  });

  it('the example from the brief, with the file shown under ~', async () => {
    const { home } = await setup();
    await mkdir(join(home, '.config', 'dctop'), { recursive: true });
    await writeFile(join(home, '.config', 'dctop', 'config.json'), '{"keys": {"op.stp": "K"}}');
    await expect(loadConfig({}, home)).rejects.toThrow(
      new ConfigError("~/.config/dctop/config.json: keys.op.stp: unknown command 'op.stp' (did you mean op.stop?)"));
  });

  it('a value that is neither a key nor a list of keys', async () => {
    expect(await loadError({ keys: { 'view.node': 2 } }, 'keys.view.node')).toBe('keys.view.node: expected a key name or a list of key names, got number 2 (write "2")');
    expect(await loadError({ keys: { 'op.stop': { key: 'K' } } })).toBe('keys.op.stop: expected a key name or a list of key names, got an object');
    expect(await loadError({ keys: { 'op.stop': ['K', null] } }, 'keys.op.stop[1]')).toBe('keys.op.stop[1]: expected a key name, got null');
  });

  it('an empty list', async () => {
    expect(await loadError({ keys: { 'op.stop': [] } }, 'keys.op.stop')).toBe('keys.op.stop: empty list: give at least one key (a command cannot be unbound)');
  });

  it.each([
    ['Enter', 'enter'], ['ESC', 'esc'], ['return', 'enter'], ['escape', 'esc'], ['PageDown', 'pgdn'], ['delete', 'backspace'],
    ['Ctrl+X', 'ctrl+x'], ['C-x', 'ctrl+x'], ['^x', 'ctrl+x'], ['ctrl-x', 'ctrl+x'], ['shift+k', 'K'], [' ', 'space'], ['ent', 'end'],
  ])('invalid key name %j, with a suggestion', async (key, guess) => {
    expect(await loadError({ keys: { 'op.stop': key } }, 'keys.op.stop')).toBe(
      `keys.op.stop: '${key}' is not a key name (did you mean ${guess}?): use a single character, ctrl+<letter>, or one of enter esc tab shift+tab backspace space up down left right pgup pgdn home end`);
  });

  it.each(['', 'xy', 'ctrl+1', 'ctrl+', 'alt+x', 'f5', '\t', '\u0007'])('invalid key name %j', async (key) => {
    const message = await loadError({ keys: { 'op.stop': [key] } }, 'keys.op.stop[0]');
    expect(message).toContain(`'${key}' is not a key name`);
    expect(message).toContain('use a single character, ctrl+<letter>, or one of enter esc');
  });

  it('ctrl+c may not be bound', async () => {
    expect(await loadError({ keys: { quit: ['Q', 'ctrl+c'] } }, 'keys.quit[1]')).toBe("keys.quit[1]: 'ctrl+c' cannot be bound: it always quits");
  });

  it('a destructive command may not be on a ctrl-chord, and the message says why', async () => {
    const message = await loadError({ keys: { 'op.terminate': 'ctrl+d' } }, 'keys.op.terminate');
    expect(message).toBe("keys.op.terminate: 'ctrl+d' is a ctrl-chord, and op.terminate can take things down: bind it to a plain key "
      + '(ctrl-chords are easy to hit by accident, e.g. when a tmux prefix goes astray)');
    // So may none of the others that ask first (stop among them); commands that do not may.
    expect(await loadError({ keys: { 'op.stop': 'ctrl+k' } }, 'keys.op.stop')).toMatch(/op\.stop can take things down/);
    expect((await load({ keys: { 'op.start': 'ctrl+k' } })).keys['op.start']).toEqual(['ctrl+k']);
  });

  it('a conflict with another command\'s default key in the same scope names both', async () => {
    expect(await loadError({ keys: { 'op.stop': 's' } }, 'keys.op.stop')).toBe(
      "keys.op.stop: 's' is already bound to op.start (table: stack, service, container; its default key): op.stop and op.start cannot share a key");
  });

  it('a conflict between a scoped command and a global one names both', async () => {
    expect(await loadError({ keys: { 'logs.follow': 'q' } }, 'keys.logs.follow')).toBe(
      "keys.logs.follow: 'q' is already bound to quit (global; its default key): logs.follow and quit cannot share a key");
    expect(await loadError({ keys: { quit: 'x' } }, 'keys.quit')).toBe(
      "keys.quit: 'x' is already bound to op.stop (table: stack, service, container; its default key): quit and op.stop cannot share a key");
    expect(await loadError({ keys: { 'pane.next': 'ctrl+f' } }, 'keys.pane.next')).toBe(
      "keys.pane.next: 'ctrl+f' is already bound to pagedown (global; its default key): pane.next and pagedown cannot share a key");
  });

  it('a conflict between two overrides names both', async () => {
    expect(await loadError({ keys: { 'op.start': 'y', 'op.stop': ['K', 'y'] } }, 'keys.op.start')).toBe(
      "keys.op.start: 'y' is already bound to op.stop (table: stack, service, container; also bound to it in this file): op.start and op.stop cannot share a key");
  });

  it('a conflict only where views overlap', async () => {
    // drill: nodecluster, node, stack, service; op.deploy: nodecluster → they meet in nodecluster.
    expect(await loadError({ keys: { 'op.deploy': 'enter' } }, 'keys.op.deploy')).toContain("'enter' is already bound to drill");
  });

  it('checks conflicts regardless of read-only mode (it can be turned off on the command line)', async () => {
    expect(await loadError({ readonly: true, keys: { 'logs': 'x' } }, 'keys.logs')).toContain("'x' is already bound to op.stop");
  });

  it('reports the first problem in the file order of fields', async () => {
    expect(await loadError({ keys: { 'op.stop': 'Enter', 'op.stp': 'K' } }, 'keys.op.stop')).toContain("'Enter' is not a key name");
  });
});

describe('validateConfig', () => {
  it('is pure: the same result for the same input, and it records the path', () => {
    const raw = { theme: 'light', keys: { 'op.stop': 'K' } };
    const a = validateConfig(raw, '/etc/x/config.json', '/home/u');
    const b = validateConfig(raw, '/etc/x/config.json', '/home/u');
    expect(a).toEqual(b);
    expect(a).toEqual({ ...DEFAULTS, theme: 'light', keys: { 'op.stop': ['K'] }, path: '/etc/x/config.json' });
    expect(raw.keys['op.stop']).toBe('K'); // not modified
  });

  it('names the file in its errors, with the home shown as ~', () => {
    expect(() => validateConfig({ view: 'x' }, '/etc/x/config.json', '/home/u')).toThrow(/^\/etc\/x\/config\.json: view: /);
    expect(() => validateConfig({ view: 'x' }, '/home/u/.config/dctop/config.json', '/home/u')).toThrow(/^~\/\.config\/dctop\/config\.json: view: /);
    expect(() => validateConfig({ view: 'x' }, '/home/user2/config.json', '/home/u')).toThrow(/^\/home\/user2\/config\.json: /);
  });

  it('ConfigError is an Error', () => {
    try {
      validateConfig(1, '/c.json', '/home/u');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect(e).toBeInstanceOf(Error);
      expect((e as Error).name).toBe('ConfigError');
      expect((e as Error).message).toBe('/c.json: expected a JSON object at the top level, got number 1');
    }
  });

  it('rejects prototype tricks as unknown commands', () => {
    expect(() => validateConfig(JSON.parse('{"keys": {"__proto__": "K"}}'), '/c.json', '/h')).toThrow("/c.json: keys.__proto__: unknown command '__proto__'");
    expect(() => validateConfig({ keys: { constructor: 'K' } }, '/c.json', '/h')).toThrow("unknown command 'constructor'");
  });
});
