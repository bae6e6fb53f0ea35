// Scrolling that stops at the last page (help, the inspector, log panes), searching help and the inspector with /,
// help naming command ids, and prompt editing (ctrl-u), in ink-testing-library on a live fleet (24 rows).
import { beforeAll, describe, expect, it } from 'vitest';
import { fleetPerFile, renderApp, type LiveFleet } from '../helpers/monitor.js';
import { eventually } from '../helpers/server.js';

const fleetOf = fleetPerFile();
let fleet: LiveFleet;
beforeAll(() => {
  fleet = fleetOf();
});
const tick = (ms = 40) => new Promise((r) => setTimeout(r, ms));

function app() {
  const r = renderApp(fleet);
  return { ...r, frame: () => r.lastFrame() ?? '' };
}

/** "help · … · 12-31/60": the range of lines an overlay shows, and how many it has. */
function range(frame: string): { from: number; to: number; of: number } {
  const m = /(\d+)-(\d+)\/(\d+)/.exec(frame.split('\n').find((l) => /^ (help|inspect)/.test(l)) ?? '');
  if (!m) throw new Error(`no overlay title in:\n${frame}`);
  return { from: Number(m[1]), to: Number(m[2]), of: Number(m[3]) };
}

describe('scrolling stops at the last page', () => {
  it('G in help shows a full last page, not one line; g comes back to the top', async () => {
    const r = app();
    await eventually(() => expect(r.frame()).toMatch(/services \(\d+\)/));
    r.stdin.write('?');
    await eventually(() => expect(r.frame()).toMatch(/^ help/m));
    const first = range(r.frame());
    expect(first.from).toBe(1);
    expect(r.frame().split('\n')).toHaveLength(24); // its empty lines take their rows too
    r.stdin.write('G');
    await tick();
    expect(r.frame().split('\n')).toHaveLength(24);
    const last = range(r.frame());
    expect(last.to).toBe(last.of);
    expect(last.to - last.from + 1).toBe(first.to - first.from + 1); // as many lines as the first page
    r.stdin.write('g');
    await tick();
    expect(range(r.frame()).from).toBe(1);
  });

  it('G in the inspector, and j at the end, stay on the last page', async () => {
    const r = app();
    await eventually(() => expect(r.frame()).toMatch(/services \(\d+\)/));
    r.stdin.write('i');
    await eventually(() => expect(r.frame()).toMatch(/^ inspect/m));
    const page = range(r.frame()).to;
    r.stdin.write('G');
    await tick();
    r.stdin.write('jjj');
    await tick();
    const last = range(r.frame());
    expect(last.to).toBe(last.of);
    expect(last.to - last.from + 1).toBe(page);
  });

  it('g in a log pane shows its first lines on a full page', async () => {
    const r = app();
    await eventually(() => expect(r.frame()).toMatch(/services \(\d+\)/));
    r.stdin.write('l');
    await eventually(() => expect(r.frame()).toMatch(/logs service \S+ \((\d{2,})\)/), 5000);
    r.stdin.write('g');
    await tick(150);
    const lines = r.frame().split('\n');
    const title = lines.findIndex((l) => /▌logs service/.test(l));
    expect(lines[title]).toMatch(/paused \d+↑/);
    const body = lines.slice(title + 1, -2); // to the status line
    expect(body.length).toBeGreaterThan(3);
    expect(body.filter((l) => l.trim() === '')).toHaveLength(0); // no empty rows under the log lines
  });
});

describe('help', () => {
  it('names the command id of every key, for remapping, and where the file is', async () => {
    const r = app();
    await eventually(() => expect(r.frame()).toMatch(/services \(\d+\)/));
    r.stdin.write('?');
    await eventually(() => expect(r.frame()).toMatch(/^ help/m));
    expect(r.frame()).toMatch(/q +quit +Quit/);
  });

  it('/ searches it as it is typed, highlights, and n goes to the next match', async () => {
    const r = app();
    await eventually(() => expect(r.frame()).toMatch(/services \(\d+\)/));
    r.stdin.write('?');
    await eventually(() => expect(r.frame()).toMatch(/^ help/m));
    r.stdin.write('/');
    await tick();
    r.stdin.write('op.terminate');
    await tick();
    expect(r.frame()).toMatch(/\/op\.terminate\//);
    const at = range(r.frame()).from;
    expect(at).toBeGreaterThan(1);
    expect(r.frame().split('\n').find((l) => /^ help/.test(l) === false && /op\.terminate/.test(l))).toBeTruthy();
    r.stdin.write('\r');
    await tick();
    r.stdin.write('/');
    await tick();
    r.stdin.write('Stop');
    await tick();
    const matchOf = () => (/\/Stop\/: match (\d+) of (\d+)/.exec(r.frame()) ?? []).slice(1).map(Number);
    const [k, of] = matchOf();
    r.stdin.write('\r');
    await tick();
    r.stdin.write('n');
    await tick();
    expect(matchOf()).toEqual([(k! % of!) + 1, of]);
    for (let i = 0; i < of!; i++) r.stdin.write('n'); // round the end and back to where it was
    await tick(100);
    expect(matchOf()).toEqual([(k! % of!) + 1, of]);
    expect(of).toBeGreaterThan(1);
    r.stdin.write('/');
    await tick();
    r.stdin.write('nothing-like-this');
    await tick();
    expect(r.frame()).toMatch(/no match for \/nothing-like-this\//);
  });

  it('/ searches the inspector too', async () => {
    const r = app();
    await eventually(() => expect(r.frame()).toMatch(/services \(\d+\)/));
    r.stdin.write('i');
    await eventually(() => expect(r.frame()).toMatch(/^ inspect/m));
    r.stdin.write('/');
    await tick();
    r.stdin.write('"deployment_strategy"');
    await tick();
    expect(range(r.frame()).from).toBeGreaterThan(1);
    expect(r.frame()).toMatch(/"deployment_strategy": "/);
  });
});

describe('the status line and the title', () => {
  it('a message lasts until the next key; the title names the view once', async () => {
    const r = app();
    await eventually(() => expect(r.frame()).toMatch(/services \(\d+\)/));
    expect(r.frame().split('\n')[2]).toMatch(/^ services \(\d+\)$/); // no "   services" after it at the top
    r.stdin.write(':');
    await tick();
    r.stdin.write('foo\r');
    await eventually(() => expect(r.frame()).toMatch(/unknown command ':foo'/));
    r.stdin.write('j');
    await tick();
    expect(r.frame()).not.toMatch(/unknown command/);
  });
});

describe('prompts', () => {
  it('ctrl-u clears what was typed', async () => {
    const r = app();
    await eventually(() => expect(r.frame()).toMatch(/services \(\d+\)/));
    r.stdin.write(':');
    await tick();
    r.stdin.write('nonsense');
    await tick();
    r.stdin.write('\u0015');
    await tick();
    r.stdin.write('ctr');
    await tick();
    r.stdin.write('\r');
    await eventually(() => expect(r.frame()).toMatch(/containers \(\d+\)/));
  });
});

describe('Tab completes', () => {
  const bottom = (frame: string) => frame.split('\n').at(-1) ?? '';
  async function typing(r: ReturnType<typeof app>, ...keys: string[]) {
    for (const k of keys) {
      r.stdin.write(k);
      await tick();
    }
    return bottom(r.frame());
  }

  it('a command as far as the candidates agree, then cycles through them', async () => {
    const r = app();
    await eventually(() => expect(r.frame()).toMatch(/services \(\d+\)/));
    expect(await typing(r, ':', 'se', '\t')).toBe(':service█');
    expect(r.frame()).toMatch(/2 candidates: service, services/);
    expect(await typing(r, '\t')).toBe(':service█');
    expect(await typing(r, '\t')).toBe(':services█');
    expect(await typing(r, '\t')).toBe(':service█'); // round again
    await typing(r, 's', '\r');
    await eventually(() => expect(r.frame()).toMatch(/services \(\d+\)/));
  });

  it("object names after a view's name, namespaces after ns, and names in a filter", async () => {
    const r = app();
    await eventually(() => expect(r.frame()).toMatch(/services \(\d+\)/));
    expect(await typing(r, ':', 'ctr we', '\t')).toMatch(/^:ctr web-\d?█$/);
    await typing(r, '\u0015');
    expect(await typing(r, 'ns al', '\t')).toBe(':ns alice █');
    await typing(r, '\u001b');
    await tick(60);
    expect(await typing(r, '/', 'stat', '\t')).toBe('/state:█'); // a column's key
    expect(await typing(r, 'Sto', '\t')).toBe('/state:Stopped █'); // and the values it takes
    await typing(r, '\u0015');
    expect(await typing(r, 'wor', '\t')).toMatch(/^\/wor\w+█$/);
    const first = bottom(r.frame());
    expect(await typing(r, '\t')).not.toBe(first); // worker, wordpress: the next one
  });
});

describe('a log pane scrolled up', () => {
  it('holds still while lines keep coming; G follows again', async () => {
    const r = app();
    await eventually(() => expect(r.frame()).toMatch(/services \(\d+\)/));
    r.stdin.write('l');
    await eventually(() => expect(r.frame()).toMatch(/logs service \S+ \((\d{2,})\) · follow/), 5000);
    r.stdin.write('kkk');
    await tick(150);
    const pane = () => {
      const lines = r.frame().split('\n');
      const title = lines.findIndex((l) => /▌logs service/.test(l));
      return { title: lines[title]!, body: lines.slice(title + 1, -2) };
    };
    const before = pane();
    expect(before.title).toMatch(/paused 3↑/);
    const count = () => Number(/\((\d+)\)/.exec(pane().title)?.[1]);
    const lines = count();
    await eventually(() => expect(count()).toBeGreaterThan(lines), 10_000); // more lines came
    expect(pane().body).toEqual(before.body);
    expect(pane().title).toMatch(new RegExp(`paused ${3 + count() - lines}↑`));
    r.stdin.write('G');
    await eventually(() => expect(pane().title).toMatch(/ · follow/));
  });
});
