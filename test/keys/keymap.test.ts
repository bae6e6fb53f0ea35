// keyName, Keymap (scopes, views, overrides, read-only mode, help), and the default registry's own consistency.
import { describe, expect, it } from 'vitest';
import { COMMANDS, findCommand, type Command, type Scope, type ViewName } from '../../src/keys/commands.js';
import { keyName, Keymap, type KeyPress } from '../../src/keys/keymap.js';

const VIEWS: ViewName[] = ['nodecluster', 'node', 'stack', 'service', 'container', 'action', 'events'];
const SCOPES: Scope[] = ['global', 'table', 'logs', 'inspect'];

/** The key press a terminal reports for a key name (the inverse of keyName, for the names dctop uses). */
function press(name: string): [string, KeyPress] {
  const special: Record<string, KeyPress> = {
    up: { upArrow: true }, down: { downArrow: true }, left: { leftArrow: true }, right: { rightArrow: true },
    pgup: { pageUp: true }, pgdn: { pageDown: true }, home: { home: true }, end: { end: true },
    enter: { return: true }, esc: { escape: true }, tab: { tab: true }, 'shift+tab': { tab: true, shift: true },
    backspace: { backspace: true },
  };
  if (special[name]) return ['', special[name]];
  if (name === 'space') return [' ', {}];
  if (name.startsWith('ctrl+')) return [name.slice(5), { ctrl: true }];
  return [name, {}];
}


describe('keyName', () => {
  it.each([
    ['up', { upArrow: true }], ['down', { downArrow: true }], ['left', { leftArrow: true }], ['right', { rightArrow: true }],
    ['pgup', { pageUp: true }], ['pgdn', { pageDown: true }], ['home', { home: true }], ['end', { end: true }],
    ['enter', { return: true }], ['esc', { escape: true }], ['tab', { tab: true }], ['shift+tab', { tab: true, shift: true }],
    ['backspace', { backspace: true }], ['backspace', { delete: true }],
  ] as [string, KeyPress][])('%s from %j', (name, key) => {
    expect(keyName('', key)).toBe(name);
  });

  it('special keys win over whatever input comes with them', () => {
    expect(keyName('\r', { return: true })).toBe('enter');
    expect(keyName('\t', { tab: true })).toBe('tab');
    expect(keyName('\u001b', { escape: true })).toBe('esc');
  });

  it('space is "space", not " "', () => {
    expect(keyName(' ', {})).toBe('space');
  });

  it('ctrl chords are ctrl+<lowercase letter>, whatever the case of the input', () => {
    expect(keyName('w', { ctrl: true })).toBe('ctrl+w');
    expect(keyName('W', { ctrl: true })).toBe('ctrl+w');
    expect(keyName('c', { ctrl: true })).toBe('ctrl+c');
    expect(keyName('f', { ctrl: true, shift: true })).toBe('ctrl+f');
  });

  it('printable characters are themselves, case kept', () => {
    for (const ch of ['j', 'G', '?', ':', '|', '{', '}', '~', '=', '+', '1', '/']) expect(keyName(ch, {})).toBe(ch);
    expect(keyName('G', { shift: true })).toBe('G');
  });

  it('every key name in the registry is one a key press produces', () => {
    for (const c of COMMANDS) {
      for (const name of c.keys) expect(keyName(...press(name)), `${c.id}: ${name}`).toBe(name);
    }
  });
});

describe('Keymap.match', () => {
  it('finds global commands in every scope and view', () => {
    const keymap = new Keymap();
    for (const scope of SCOPES) {
      for (const view of [...VIEWS, null]) {
        expect(keymap.match('q', scope, view)?.id).toBe('quit');
        expect(keymap.match('down', scope, view)?.id).toBe('down');
        expect(keymap.match('ctrl+w', scope, view)?.id).toBe('pane.next');
      }
    }
  });

  it('finds a scoped command only in its scope', () => {
    const keymap = new Keymap();
    expect(keymap.match('f', 'logs', null)?.id).toBe('logs.follow');
    expect(keymap.match('f', 'table', 'container')).toBeUndefined();
    expect(keymap.match('f', 'inspect', null)).toBeUndefined();
    expect(keymap.match('s', 'table', 'container')?.id).toBe('op.start');
    expect(keymap.match('s', 'logs', 'container')).toBeUndefined();
  });

  it('prefers the scoped command over a global one with the same key', () => {
    const keymap = new Keymap({ 'logs.follow': ['j'] });
    expect(keymap.match('j', 'logs', 'container')?.id).toBe('logs.follow');
    expect(keymap.match('j', 'table', 'container')?.id).toBe('down');
    expect(keymap.match('j', 'global', null)?.id).toBe('down');
  });

  it('applies view restrictions', () => {
    const keymap = new Keymap();
    expect(keymap.match('l', 'table', 'service')?.id).toBe('logs');
    expect(keymap.match('l', 'table', 'container')?.id).toBe('logs');
    expect(keymap.match('l', 'table', 'node')).toBeUndefined();
    expect(keymap.match('e', 'table', 'container')?.id).toBe('exec');
    expect(keymap.match('e', 'table', 'service')).toBeUndefined();
    expect(keymap.match('enter', 'table', 'stack')?.id).toBe('drill');
    expect(keymap.match('enter', 'table', 'container')).toBeUndefined();
    expect(keymap.match('C', 'table', 'action')?.id).toBe('op.cancel');
    expect(keymap.match('C', 'table', 'container')).toBeUndefined();
  });

  it('a view-restricted command never matches without a view; an unrestricted one does', () => {
    const keymap = new Keymap();
    expect(keymap.match('l', 'table', null)).toBeUndefined();
    expect(keymap.match('i', 'table', null)).toBeUndefined();
    expect(keymap.match('>', 'table', null)?.id).toBe('sort.next');
    expect(keymap.match('>', 'table', 'events')?.id).toBe('sort.next');
  });

  it('overrides replace the default keys (not add to them)', () => {
    const keymap = new Keymap({ 'op.stop': ['K', 'ctrl+s'] });
    expect(keymap.match('x', 'table', 'container')).toBeUndefined();
    expect(keymap.match('K', 'table', 'container')?.id).toBe('op.stop');
    expect(keymap.match('ctrl+s', 'table', 'service')?.id).toBe('op.stop');
    expect(keymap.keysFor('op.stop')).toEqual(['K', 'ctrl+s']);
    // Others keep their defaults.
    expect(keymap.keysFor('op.start')).toEqual(['s']);
    expect(keymap.match('s', 'table', 'container')?.id).toBe('op.start');
  });

  it('an override keeps the command\'s scope and views', () => {
    const keymap = new Keymap({ exec: ['E'] });
    expect(keymap.match('E', 'table', 'container')?.id).toBe('exec');
    expect(keymap.match('E', 'table', 'service')).toBeUndefined();
    expect(keymap.match('E', 'logs', 'container')).toBeUndefined();
  });

  it('overrides of unknown ids are ignored', () => {
    const keymap = new Keymap({ 'no.such': ['ctrl+y'] });
    expect(keymap.match('ctrl+y', 'table', 'container')).toBeUndefined();
    expect(keymap.all()).toHaveLength(COMMANDS.length);
  });

  it('read-only mode removes every mutating command and keeps every other', () => {
    const keymap = new Keymap({}, true);
    expect(keymap.readonly).toBe(true);
    for (const c of COMMANDS) {
      expect(keymap.has(c.id), c.id).toBe(!c.mutates);
      if (c.mutates) {
        expect(keymap.keysFor(c.id), c.id).toEqual([]);
        for (const view of c.views ?? VIEWS) {
          for (const key of c.keys) expect(keymap.match(key, c.scope, view)?.id, `${c.id} ${key} ${view}`).not.toBe(c.id);
        }
      }
    }
    expect(keymap.all().length).toBe(COMMANDS.filter((c) => !c.mutates).length);
    expect(keymap.match('x', 'table', 'container')).toBeUndefined();
    expect(keymap.match('D', 'table', 'node')).toBeUndefined();
    expect(keymap.match('e', 'table', 'container')).toBeUndefined();
    expect(keymap.match('l', 'table', 'container')?.id).toBe('logs');
    expect(keymap.match('q', 'table', 'container')?.id).toBe('quit');
  });

  it('read-only mode also removes an overridden mutating command', () => {
    const keymap = new Keymap({ 'op.stop': ['K'] }, true);
    expect(keymap.match('K', 'table', 'container')).toBeUndefined();
    expect(keymap.has('op.stop')).toBe(false);
  });

  it('every default binding matches its own command wherever the command applies', () => {
    const keymap = new Keymap();
    for (const c of COMMANDS) {
      const scopes = c.scope === 'global' ? SCOPES : [c.scope];
      for (const scope of scopes) {
        for (const view of c.views ?? [...VIEWS, null]) {
          for (const key of c.keys) expect(keymap.match(key, scope, view)?.id, `${c.id} ${key} ${scope} ${view}`).toBe(c.id);
        }
      }
    }
  });
});

describe('Keymap.available (help and hints)', () => {
  const ids = (cs: Command[]) => cs.map((c) => c.id);

  it('lists the global commands plus the scope\'s commands for the view', () => {
    const available = ids(new Keymap().available('table', 'container'));
    expect(available).toEqual(expect.arrayContaining(['quit', 'help', 'down', 'filter', 'mark', 'inspect', 'logs', 'exec', 'op.stop', 'op.terminate', 'sort.next']));
    expect(available).not.toContain('drill');
    expect(available).not.toContain('op.scale');
    expect(available).not.toContain('op.cancel');
    expect(available).not.toContain('logs.follow');
  });

  it('is exactly the commands of that scope (or global) that apply in that view, in registry order', () => {
    const keymap = new Keymap();
    for (const scope of SCOPES) {
      for (const view of [...VIEWS, null]) {
        const expected = COMMANDS.filter((c) => (c.scope === scope || c.scope === 'global') && (!c.views || (view !== null && c.views.includes(view))));
        expect(ids(keymap.available(scope, view)), `${scope} ${view}`).toEqual(ids(expected));
      }
    }
  });

  it('log panes list the log commands and not the table ones', () => {
    const available = ids(new Keymap().available('logs', 'container'));
    expect(available).toEqual(expect.arrayContaining(['logs.follow', 'logs.wrap', 'logs.save', 'logs.close', 'quit']));
    expect(available).not.toContain('op.stop');
  });

  it('shows overridden keys', () => {
    const logs = new Keymap({ 'logs.follow': ['F'] }).available('logs', null).find((c) => c.id === 'logs.follow');
    expect(logs?.keys).toEqual(['F']);
  });

  it('leaves mutating commands out in read-only mode', () => {
    const available = new Keymap({}, true).available('table', 'container');
    expect(available.some((c) => c.mutates)).toBe(false);
    expect(ids(available)).toContain('logs');
    expect(ids(available)).not.toContain('exec');
  });
});

describe('the default registry', () => {
  it('has unique ids, and findCommand finds each', () => {
    const seen = new Set<string>();
    for (const c of COMMANDS) {
      expect(seen.has(c.id), c.id).toBe(false);
      seen.add(c.id);
      expect(findCommand(c.id)).toBe(c);
    }
    expect(findCommand('no.such')).toBeUndefined();
  });

  it('gives every command at least one key, and no command the same key twice', () => {
    for (const c of COMMANDS) {
      expect(c.keys.length, c.id).toBeGreaterThan(0);
      expect(new Set(c.keys).size, c.id).toBe(c.keys.length);
    }
  });

  it('has no two commands answering the same key in the same scope and view', () => {
    const conflicts: string[] = [];
    for (const scope of SCOPES) {
      for (const view of [...VIEWS, null]) {
        const seen = new Map<string, string>();
        for (const c of COMMANDS) {
          if (c.scope !== scope && c.scope !== 'global') continue;
          if (c.views && (view === null || !c.views.includes(view))) continue;
          for (const key of c.keys) {
            const other = seen.get(key);
            if (other && other !== c.id) conflicts.push(`${scope}/${view}: '${key}' → ${other} and ${c.id}`);
            seen.set(key, c.id);
          }
        }
      }
    }
    expect(conflicts).toEqual([]);
  });

  it('has no scoped command shadowing a global one (so a global key works everywhere)', () => {
    const globalKeys = new Map(COMMANDS.filter((c) => c.scope === 'global').flatMap((c) => c.keys.map((k) => [k, c.id] as const)));
    const shadowing = COMMANDS.filter((c) => c.scope !== 'global').flatMap((c) => c.keys.filter((k) => globalKeys.has(k)).map((k) => `${c.id} '${k}' shadows ${globalKeys.get(k)}`));
    expect(shadowing).toEqual([]);
  });

  it('binds no destructive command to a ctrl-chord', () => {
    const dangerous = COMMANDS.filter((c) => c.dangerous);
    expect(dangerous.length).toBeGreaterThan(0);
    for (const c of dangerous) expect(c.keys.filter((k) => k.startsWith('ctrl+')), c.id).toEqual([]);
  });

  it('binds nothing to ctrl+c (it always quits)', () => {
    for (const c of COMMANDS) expect(c.keys, c.id).not.toContain('ctrl+c');
  });

  it('marks every destructive or operation command as mutating, so read-only mode hides it', () => {
    for (const c of COMMANDS) {
      if (c.dangerous || c.operation) expect(c.mutates, c.id).toBe(true);
    }
  });

  it('restricts views only on table commands, to views that exist', () => {
    for (const c of COMMANDS) {
      if (!c.views) continue;
      expect(c.scope, c.id).toBe('table');
      expect(c.views.length, c.id).toBeGreaterThan(0);
      for (const v of c.views) expect(VIEWS, c.id).toContain(v);
    }
  });

  it('has a view.<name> command for every view', () => {
    for (const v of VIEWS) expect(findCommand(`view.${v}`)?.scope, v).toBe('global');
  });
});

