// Keys that arrive together (fast typing over SSH, a paste, auto-repeat, a tmux macro) in ink-testing-library,
// where one stdin.write is one read: each key acts on the state the key before it left, operations act on what is
// shown selected, and the operations that can take something down ask first, naming their targets.
import { cleanup } from 'ink-testing-library';
import { beforeAll, describe, expect, it } from 'vitest';
import { fleetPerFile, renderApp, type AppOptions, type LiveFleet } from '../helpers/monitor.js';
import { eventually, findOne, type TestServer } from '../helpers/server.js';
import { questionLine } from '../../src/views/interaction.js';

const fleetOf = fleetPerFile();
let fleet: LiveFleet;
let t: TestServer;
beforeAll(() => {
  fleet = fleetOf();
  t = fleet.t;
});

const tick = (ms = 40) => new Promise((r) => setTimeout(r, ms));

function app(options: AppOptions = {}) {
  const r = renderApp(fleet, options);
  const frame = () => r.lastFrame() ?? '';
  return { ...r, frame, screen: () => parse(frame()) };
}

/** The table's rows by name, in order, and the one the cursor is on (the gutter shows › or ◆ for marked). */
function parse(frame: string): { names: string[]; selected: string | undefined; status: string; bottom: string } {
  const lines = frame.split('\n');
  const header = lines.findIndex((l) => /^ NAME /.test(l));
  const body = header < 0 ? [] : lines.slice(header + 1).filter((l) => /^[›◆◈ ] \S/.test(l) && !/^ (ready|loading)/.test(l));
  const names = body.map((l) => l.slice(2).split(/\s+/)[0]!);
  const selected = body.find((l) => l.startsWith('›') || l.startsWith('◈'))?.slice(2).split(/\s+/)[0];
  return { names, selected, status: lines.at(-2) ?? '', bottom: lines.at(-1) ?? '' };
}

const state = async (name: string, kind = 'container') => (await findOne(t, `/api/app/v1/${kind}/?name=${name}`)).state as string;

/** Narrows the view to rows matching the regex, and waits until the prompt closed. */
async function filterTo(r: ReturnType<typeof app>, re: string, count: number) {
  r.stdin.write('/');
  await tick();
  r.stdin.write(re);
  await tick();
  r.stdin.write('\r');
  await eventually(() => new RegExp(`\\((${count})\\) /`).test(r.frame()) && !/█/.test(parse(r.frame()).bottom), 5000, `filtered to ${count}`).catch((e) => { throw new Error(`${e.message}\n${r.frame()}`); });
}

describe('keys in one read', () => {
  it('5x: switches to containers, then asks about the container shown selected there, never the service', async () => {
    const r = app();
    await eventually(() => r.screen().selected === 'web', 5000, 'services, web selected');
    r.stdin.write('5x');
    await eventually(() => /Stop container db-1\? y\/N/.test(r.frame()), 5000, 'the question about db-1');
    expect(r.screen().selected).toBe('db-1');
    r.stdin.write('n');
    await eventually(() => /Stop canceled/.test(r.frame()), 5000, 'canceled');
    expect(await state('web', 'service')).toBe('Running');
    expect(await state('db-1')).toBe('Running');
  });

  it('3i: inspects the first stack, not the service that was selected', async () => {
    const r = app();
    await eventually(() => r.screen().selected === 'web', 5000, 'services');
    r.stdin.write('3i');
    await eventually(() => /inspect shop ·/.test(r.frame()), 5000, 'inspecting the stack shop');
    expect(r.frame()).toMatch(/"resource_uri": "\/api\/app\/v1\/alice\/stack\//);
  });

  it('jjjjj moves five rows, kk two back, G and g to the ends', async () => {
    const r = app();
    await eventually(() => r.screen().names.length === 16, 5000, 'services');
    const names = r.screen().names;
    r.stdin.write('jjjjj');
    await eventually(() => r.screen().selected === names[5], 2000, `the 6th row (${names[5]})`);
    r.stdin.write('kk');
    await eventually(() => r.screen().selected === names[3], 2000, 'two rows back');
    r.stdin.write('Gkg');
    await eventually(() => r.screen().selected === names[0], 2000, 'the first row');
  });

  it('jx: asks about the row the j moved to', async () => {
    const r = app({ view: 'container' });
    await eventually(() => r.screen().selected === 'db-1', 5000, 'containers');
    const second = r.screen().names[1]!;
    r.stdin.write('jx');
    await eventually(() => r.frame().includes(`Stop container ${second}? y/N`), 5000, `the question about ${second}`);
    r.stdin.write('\u001b');
    await eventually(() => /Stop canceled/.test(r.frame()), 5000, 'canceled by esc');
  });

  it('kkk in a log pane scrolls it three lines; Tab then j moves the table, not the pane', async () => {
    const r = app({ view: 'container' });
    await eventually(() => r.screen().selected === 'db-1', 5000, 'containers');
    r.stdin.write('l');
    await eventually(() => /▌logs container db-1 \((\d{2,})\) · follow/.test(r.frame()), 8000, 'a focused pane with lines');
    r.stdin.write('kkk');
    // Paused 3 lines up, and more as lines come (a paused pane holds still): read the number.
    const up = () => Number(/logs container db-1 \(\d+\) · paused (\d+)↑/.exec(r.frame())?.[1] ?? NaN);
    await eventually(() => up() >= 3, 2000, 'paused three lines up');
    r.stdin.write('\tj');
    await eventually(() => !/▌logs/.test(r.frame()) && r.screen().selected === r.screen().names[1], 2000, 'table focused, cursor one down');
    expect(r.frame()).toMatch(/ logs container db-1 \(\d+\) · paused \d+↑/); // the pane did not move
    r.stdin.write('\tjj');
    // Back in the pane, the two j's scroll it (the table's cursor stays where it was).
    await eventually(() => /▌logs/.test(r.frame()) && r.screen().selected === r.screen().names[1] && up() >= 1, 2000, 'back in the pane');
  });

  it('ctrl+w inside a run of keys is a key of its own', async () => {
    const r = app({ view: 'container' });
    await eventually(() => r.screen().selected === 'db-1', 5000, 'containers');
    r.stdin.write('l');
    await eventually(() => /▌logs container db-1/.test(r.frame()), 5000, 'a focused pane');
    r.stdin.write('\u0017j'); // ctrl+w, j
    await eventually(() => !/▌logs/.test(r.frame()) && r.screen().selected === r.screen().names[1], 2000, 'table focused, moved');
  });
});

describe('confirmations', () => {
  it('x asks, naming the target; y stops it', async () => {
    const r = app({ view: 'container' });
    await filterTo(r, '^web-1$', 1);
    r.stdin.write('x');
    await eventually(() => /Stop container web-1\? y\/N/.test(r.frame()), 5000, 'the question');
    expect(await state('web-1')).toBe('Running'); // nothing happened yet
    r.stdin.write('y');
    await eventually(async () => (await state('web-1')) === 'Stopped', 10000, 'stopped on the server');
    await eventually(() => /Stop web-1: 1\/1 done/.test(r.frame()), 5000, 'the result');
  });

  it('n, Esc and any other key cancel, say so, and do nothing else', async () => {
    const r = app({ view: 'container' });
    await filterTo(r, '^web-2$', 1);
    for (const [key, said] of [['n', 'Redeploy canceled'], ['\u001b', 'Redeploy canceled'], ['j', "Redeploy canceled ('j' is not y)"]] as const) {
      r.stdin.write('R');
      await eventually(() => /Redeploy container web-2\? y\/N/.test(r.frame()), 5000, 'the question').catch((e) => { throw new Error(`${e.message}\n${r.frame()}`); });
      r.stdin.write(key);
      await eventually(() => r.screen().status.includes(said) && !/y\/N/.test(r.frame()), 5000, `canceled by ${JSON.stringify(key)}`);
    }
    const actions = (await t.api('GET', '/api/audit/v1/action/?limit=100')).body.objects as Array<{ action: string; object: string }>;
    const web2 = await findOne(t, '/api/app/v1/container/?name=web-2');
    expect(actions.filter((a) => a.object === web2.resource_uri)).toEqual([]);
  });

  it('a y typed in the same read as the key that asks does not answer', async () => {
    const r = app({ view: 'container' });
    await filterTo(r, '^web-3$', 1);
    r.stdin.write('xy');
    await eventually(() => /Stop container web-3\? y\/N/.test(r.frame()), 5000, 'the question stays');
    expect(r.frame()).toMatch(/'y' arrived before the question showed/);
    await tick(200);
    expect(await state('web-3')).toBe('Running');
    r.stdin.write('y'); // now it has been seen
    await eventually(async () => (await state('web-3')) === 'Stopped', 10000, 'stopped after a y read later');
  });

  it('marked rows: the question lists them and says what is skipped and why', async () => {
    const r = app({ view: 'container' });
    await filterTo(r, '^(worker-[12]|backup-1)$', 3);
    r.stdin.write('   '); // mark all three
    await eventually(() => /3 marked/.test(r.frame()), 2000, 'three marked');
    r.stdin.write('x');
    await eventually(() => /Stop 2 marked containers: worker-1, worker-2 \(skipping backup-1 \(Stopped\)\)\? y\/N/.test(r.frame()), 5000, 'the question');
    r.stdin.write('q'); // cancels: it does not quit
    await eventually(() => /Stop canceled \('q' is not y\)/.test(r.frame()), 5000, 'canceled');
    expect(await state('worker-1')).toBe('Running');
    r.stdin.write('s'); // start asks nothing, and says what it skipped
    await eventually(() => /Start backup-1/.test(r.frame()), 5000, 'start');
    await eventually(() => /skipped worker-1 \(Running\), worker-2 \(Running\)/.test(r.frame()), 5000, 'the skipped ones named');
  });

  it('terminate of a stack asks for its name, and a wrong one cancels', async () => {
    const r = app({ view: 'stack' });
    const before = await state('analytics', 'stack');
    await filterTo(r, '^analytics$', 1);
    r.stdin.write('D');
    await eventually(() => /Terminate stack analytics\? type its name to confirm:/.test(r.frame()), 5000, 'the question');
    r.stdin.write('analytic\r');
    await eventually(() => /Terminate canceled \('analytic' is not 'analytics'\)/.test(r.frame()), 5000, 'canceled');
    expect(await state('analytics', 'stack')).toBe(before);
  });

  it('with "confirm": false the simple questions go, type-the-name stays', async () => {
    const r = app({ view: 'container', confirm: false });
    await filterTo(r, '^web-4$', 1);
    r.stdin.write('x');
    await eventually(async () => (await state('web-4')) === 'Stopped', 10000, 'stopped without a question');
    cleanup();
    const s = app({ view: 'stack', confirm: false });
    await filterTo(s, '^monitoring$', 1);
    s.stdin.write('D');
    await eventually(() => /Terminate stack monitoring\? type its name/.test(s.frame()), 5000, 'still asks for the name');
    s.stdin.write('\u001b');
  });
});

describe('what the first review found', () => {
  it('Esc and a key in one read (Alt+key to Ink) are Esc, then the key: Esc+y cancels, Esc+x clears the filter first', async () => {
    const r = app({ view: 'container' });
    await filterTo(r, '^cache-2$', 1);
    r.stdin.write('x');
    await eventually(() => /Stop container cache-2\? y\/N/.test(r.frame()), 5000, 'the question');
    r.stdin.write('\u001by');
    // Esc cancels; then y, as typed: a copy, harmless (and off here: no terminal to copy through).
    await eventually(() => /copy: copy needs a terminal/.test(r.frame()) && !/y\/N/.test(r.frame()), 2000, 'canceled, then y');
    await tick(200);
    expect(await state('cache-2')).toBe('Running');
    r.stdin.write('\u001bx'); // the Esc clears the filter, then x asks about the row selected in the whole list
    await eventually(() => /containers \(\d{2,}\)/.test(r.frame()) && /Stop container \S+\? y\/N/.test(r.frame()), 2000, 'filter cleared, then x');
    r.stdin.write('n');
  });

  it('scaling down asks; scaling a cluster down asks for its name; scaling up does not ask', async () => {
    const r = app();
    await filterTo(r, '^api$', 1);
    r.stdin.write('=');
    await eventually(() => /scale api \(now 6\) to:/.test(r.frame()), 2000, 'the number');
    r.stdin.write('0\r');
    await eventually(() => /Scale to 0: service api\? y\/N/.test(r.frame()), 2000, 'the question');
    r.stdin.write('n');
    await eventually(() => /Scale to 0: canceled/.test(r.frame()), 2000, 'canceled');
    expect((await findOne(t, '/api/app/v1/service/?name=api')).target_num_containers).toBe(6);
    cleanup();
    const c = app({ view: 'nodecluster' });
    await eventually(() => /› \S+\s+▶ Deployed/.test(c.frame()), 5000, 'clusters');
    const name = parse(c.frame()).selected!;
    c.stdin.write('=');
    await eventually(() => /to:/.test(c.frame()), 2000, 'the number');
    c.stdin.write('0\r');
    await eventually(() => c.frame().includes(`Scale to 0: node cluster ${name}? type its name to confirm:`), 2000, 'asks for the name');
    c.stdin.write('\u001b');
  });

  it('retry is offered on a failed action, and asks, naming it', async () => {
    const r = app({ view: 'node' });
    r.stdin.write('/');
    await tick();
    r.stdin.write('Unreachable\r');
    await eventually(() => /nodes \(1\)/.test(r.frame()), 5000, 'the unreachable node');
    r.stdin.write('H'); // a health-check of an unreachable node fails: a failed action can be retried
    await eventually(() => /Health-check \S+: 0\/1 done, 1 failed/.test(r.frame()), 10000, 'failed');
    r.stdin.write('6');
    await eventually(() => /› Node Health Check\s+! Failed/.test(r.frame()), 5000, 'the action first');
    expect(parse(r.frame()).bottom).toMatch(/r retry/);
    r.stdin.write('r');
    await eventually(() => /Retry action Node Health Check\? y\/N/.test(r.frame()), 2000, 'asks');
    r.stdin.write('n');
    await eventually(() => /Retry canceled/.test(r.frame()), 2000, 'canceled');
  });

  it('the way to answer stays visible when the list of targets is long', async () => {
    const r = app({ view: 'container' });
    await filterTo(r, '^(api|web)-', 10);
    r.stdin.write('          ');
    await eventually(() => /10 marked/.test(r.frame()), 2000, 'ten marked');
    r.stdin.write('x');
    await eventually(() => /^Stop \d+ marked containers: api-1, api-2, .*\? y\/N$/.test(parse(r.frame()).bottom), 2000, 'the question');
    // At 60 columns the list is cut, the answer is not.
    const line = questionLine({ kind: 'confirm', text: '', typeName: null, askedAt: 0, request: {
      op: 'stop', label: 'Stop', view: 'container', marked: true, skipped: ['backup-1 (Stopped)'],
      objects: Array.from({ length: 10 }, (_, i) => ({ resource_uri: `/c${i}/`, name: `a-long-container-name-${i}` })),
    } }, 60);
    expect(line).toHaveLength(60);
    expect(line).toMatch(/^Stop 10 marked containers: a-long-container-name-0, .*…\? y\/N $/);
    r.stdin.write('n');
  });

  it('a table key while a log pane has the focus says where it applies', async () => {
    const r = app({ view: 'container' });
    await eventually(() => r.screen().selected === 'db-1', 5000, 'containers');
    r.stdin.write('l');
    await eventually(() => /▌logs container db-1/.test(r.frame()), 5000, 'a focused pane');
    r.stdin.write('x');
    await eventually(() => /Stop acts on the table: Tab to it first/.test(r.frame()), 2000, 'said');
    r.stdin.write('\t7x');
    await eventually(() => /Stop is for .* not events/.test(r.frame()), 2000, 'said');
    r.stdin.write('X'); // a pane's key, with the table focused
    await eventually(() => /Close acts on a log pane: Tab to it first/.test(r.frame()), 2000, 'said where');
  });

  it('Esc back from a drill-down returns to the row it came from', async () => {
    const r = app();
    await eventually(() => r.screen().names.length === 16, 5000, 'services');
    const names = r.screen().names;
    r.stdin.write('jjj\r');
    await eventually(() => r.frame().includes(`containers of ${names[3]}`), 2000, 'drilled in');
    r.stdin.write('\u001b');
    await eventually(() => r.screen().selected === names[3], 2000, `back on ${names[3]}`);
  });
});

describe('refusals are said', () => {
  it('read-only: the key says it is disabled', async () => {
    const r = app({ readonly: true, view: 'container' });
    await eventually(() => r.screen().selected === 'db-1', 5000, 'containers');
    r.stdin.write('x');
    await eventually(() => /read-only: stop is disabled/.test(r.frame()), 2000, 'said');
    r.stdin.write('D');
    await eventually(() => /read-only: terminate is disabled/.test(r.frame()), 2000, 'said');
    expect(await state('db-1')).toBe('Running');
  });

  it('nothing selected', async () => {
    const r = app({ view: 'container' });
    await filterTo(r, '^no-such-container$', 0);
    r.stdin.write('x');
    await eventually(() => /stop: nothing selected/.test(r.frame()), 2000, 'said');
  });

  it('a state that does not allow it, with the states that do', async () => {
    const r = app({ view: 'container' });
    await filterTo(r, '^cache-1$', 1);
    r.stdin.write('s');
    await eventually(() => /start needs Stopped: not for cache-1 \(Running\)/.test(r.frame()), 2000, 'said');
  });
});

describe('untrusted text reaches the terminal only through the sanitizer', () => {
  it("a node nickname with OSC 52, a CSI, bidi overrides and a lone surrogate: not in the breadcrumb, the question or the status", async () => {
    const node = await findOne(t, '/api/infra/v1/node/');
    const hostile = 'evil\u001b]52;c;Y3VybCBldmlsIHwgc2g=\u0007\u001b[2J\u202e\u2066x\ud800';
    expect((await t.api('PATCH', node.resource_uri, { nickname: hostile })).status).toBe(200);
    const r = app({ view: 'node' });
    await eventually(() => /evilx/.test(r.frame()), 5000, 'the node listed');
    r.stdin.write('/');
    await tick();
    r.stdin.write('^evil');
    await tick();
    r.stdin.write('\r');
    await eventually(() => /nodes \(1\)/.test(r.frame()) && !/█/.test(parse(r.frame()).bottom), 5000, 'filtered');
    r.stdin.write('U'); // the question names the node
    await eventually(() => /Upgrade docker node evilx\? y\/N/.test(r.frame()) || /upgrade docker needs/.test(r.frame()), 5000, 'asked or refused');
    r.stdin.write('n');
    r.stdin.write('\r'); // drill down: the breadcrumb carries the nickname
    await eventually(() => /containers of evilx/.test(r.frame()), 5000, 'the breadcrumb');
    for (const frame of r.frames) {
      expect(frame).not.toMatch(/\u001b\]|\u001b\[2J|[\u202e\u2066]|[\ud800-\udbff](?![\udc00-\udfff])/);
    }
  });
});

describe('display widths', () => {
  it('wide and combining characters keep the columns in line', async () => {
    const nodes = (await t.api('GET', '/api/infra/v1/node/')).body.objects;
    expect((await t.api('PATCH', nodes[1].resource_uri, { nickname: '日本語のノード' })).status).toBe(200);
    expect((await t.api('PATCH', nodes[2].resource_uri, { nickname: 'cafe\u0301-node' })).status).toBe(200);
    const r = app({ view: 'node' });
    await eventually(() => /日本語/.test(r.frame()) && /cafe\u0301/.test(r.frame()), 5000, 'listed');
    const { default: stringWidth } = await import('string-width');
    const rows = r.frame().split('\n').filter((l) => /^[› ] \S/.test(l) && /(Deployed|Unreachable)/.test(l));
    expect(rows.length).toBeGreaterThan(3);
    const stateColumn = (l: string) => stringWidth(l.slice(0, l.search(/[▶◼⚙✘!] /)));
    const columns = new Set(rows.map(stateColumn));
    expect(columns.size).toBe(1);
    const { fit, truncate, columnsOf } = await import('../../src/views/text.js');
    expect(columnsOf(fit('日本語のコンテナ', 9))).toBe(9);
    expect(truncate('日本語のコンテナ', 9)).toBe('日本語の…');
    expect(columnsOf(fit('cafe\u0301-e\u0301-e\u0301', 8))).toBe(8);
    expect(fit('cafe\u0301', 6)).toBe('cafe\u0301  ');
  });
});
