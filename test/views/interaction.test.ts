// The interaction reducer on its own: a question is answered only by a key read after a frame with it went out.
import { describe, expect, it } from 'vitest';
import { initialNav } from '../../src/hooks/useNavigation.js';
import { Keymap } from '../../src/keys/index.js';
import { initialUi, reduceKey, type Effect, type KeyEnv, type UiState } from '../../src/views/interaction.js';
import { layoutOf } from '../../src/views/layout.js';
import type { Row } from '../../src/views/rows.js';

const rows: Row[] = ['web-1', 'web-2'].map((name, i) => ({ uri: `/api/app/v1/alice/container/${i}/`, object: { resource_uri: `/api/app/v1/alice/container/${i}/`, name, state: 'Running' } }));

function env(frames: { n: number }): KeyEnv {
  return {
    keymap: new Keymap(), readonly: false, confirm: true, rows: () => rows, layout: (ui) => layoutOf(ui, 120, 40, 0),
    widths: () => [], overlayLines: () => [], names: () => [], namespaces: () => [], tableTop: () => 0, object: () => undefined, eventsSeen: () => 0, clipboardOff: () => null, columnKeys: () => [], columnValues: () => [], paneLines: () => [], framesWritten: () => frames.n, unsupported: () => undefined,
  };
}

function press(ui: UiState, keys: string, e: KeyEnv) {
  const effects = [];
  for (const ch of keys) {
    const r = reduceKey(ui, ch, {}, e);
    ui = r.ui;
    effects.push(...r.effects);
  }
  return { ui, effects };
}

describe('confirmations and frames', () => {
  it('a y read before any frame showed the question does not answer it; after a frame it does', () => {
    const frames = { n: 7 };
    const e = env(frames);
    let { ui, effects } = press(initialUi(initialNav('container')), 'jx', e);
    expect(ui.prompt?.kind).toBe('confirm');
    ({ ui, effects } = press(ui, 'y', e)); // no frame went out since x
    expect(effects.some((f) => f.type === 'operate')).toBe(false);
    expect(ui.prompt?.kind).toBe('confirm');
    frames.n++; // Ink wrote a frame: the question is on screen
    ({ ui, effects } = press(ui, 'y', e));
    const operate = effects.find((f) => f.type === 'operate');
    expect(operate && operate.type === 'operate' && operate.request.objects.map((o) => o['name'])).toEqual(['web-2']);
    expect(ui.prompt).toBeNull();
  });

  it('Alt+y (Esc, then y, typed together) cancels', () => {
    const frames = { n: 0 };
    const e = env(frames);
    let { ui } = press(initialUi(initialNav('container')), 'x', e);
    frames.n++;
    const r = reduceKey(ui, 'y', { meta: true }, e);
    ui = r.ui;
    expect(r.effects.some((f) => f.type === 'operate')).toBe(false);
    expect(ui.prompt).toBeNull();
  });
});

describe('what the review found', () => {
  const action = (state: string, cancelable: boolean): Row => ({
    uri: '/api/audit/v1/action/1/', object: { resource_uri: '/api/audit/v1/action/1/', action: 'Stack Redeploy', state, can_be_canceled: cancelable, can_be_retried: false },
  });
  function envWith(list: Row[]): KeyEnv {
    return { ...env({ n: 0 }), rows: () => list };
  }
  const said = (effects: Effect[]) => effects.flatMap((f) => (f.type === 'status' && f.status ? [f.status.text] : []));

  it('a cancel refused says the action cannot stop now, not that it needs the state it is in', () => {
    const { effects } = press(initialUi(initialNav('action')), 'C', envWith([action('In progress', false)]));
    expect(said(effects)).toEqual(['cancel: not possible for Stack Redeploy (In progress, and it cannot stop now: part-way through, or on its last step)']);
  });

  it('a new sort keeps the cursor on its object, not on its row', () => {
    const e = { ...env({ n: 0 }), widths: () => [18, 17] };
    let { ui } = press(initialUi(initialNav('container')), 'j', e); // on web-2, the second row
    ({ ui } = press(ui, '>', e));
    expect(ui.nav.sort.column).toBe(0);
    expect(ui.nav.selected).toBe(rows[1]!.uri);
    ({ ui } = press(initialUi(initialNav('container')), '>', e)); // never moved: the first row's object
    expect(ui.nav.selected).toBe(rows[0]!.uri);
    ({ ui } = press(ui, '~', e));
    expect(ui.nav.sort.reverse).toBe(true);
    expect(ui.nav.selected).toBe(rows[0]!.uri);
  });

  it('Esc in the filter prompt puts back the filter from before it opened', () => {
    const e = env({ n: 0 });
    let { ui } = press(initialUi(initialNav('container')), '/web', e);
    ui = reduceKey(ui, '', { return: true }, e).ui;
    expect(ui.nav.filter).toBe('web');
    ({ ui } = press(ui, '/db', e));
    expect(ui.nav.filter).toBe('db'); // as it is typed
    ui = reduceKey(ui, '', { escape: true }, e).ui;
    expect(ui.nav.filter).toBe('web');
    expect(ui.prompt).toBeNull();
  });
});
