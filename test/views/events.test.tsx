// The events view: pause, the detail column, Enter/i/l on an event's object, filters by column, on a live fleet.
import { beforeAll, describe, expect, it } from 'vitest';
import { fleetPerFile, renderApp, type LiveFleet } from '../helpers/monitor.js';
import { eventually, findOne, type TestServer } from '../helpers/server.js';

const fleetOf = fleetPerFile();
let fleet: LiveFleet;
let t: TestServer;
beforeAll(() => {
  fleet = fleetOf();
  t = fleet.t;
});
const tick = (ms = 40) => new Promise((r) => setTimeout(r, ms));

function app() {
  const r = renderApp(fleet, { view: 'events' });
  return { ...r, frame: () => r.lastFrame() ?? '' };
}
const title = (frame: string) => frame.split('\n').find((l) => /^ events/.test(l)) ?? '';
const rows = (frame: string) => frame.split('\n').filter((l) => /^[›◆◈ ] \d\d:\d\d:\d\d /.test(l));

async function stop(name: string) {
  const c = await findOne(t, `/api/app/v1/container/?name=${name}`);
  await t.api('POST', `${c.resource_uri}stop/`);
  await eventually(async () => (await findOne(t, `/api/app/v1/container/?name=${name}`)).state === 'Stopped', 10000, `${name} stopped`);
  return c;
}
async function start(name: string) {
  const c = await findOne(t, `/api/app/v1/container/?name=${name}`);
  await t.api('POST', `${c.resource_uri}start/`);
  await eventually(async () => (await findOne(t, `/api/app/v1/container/?name=${name}`)).state === 'Running', 10000, `${name} running`);
}

describe('the events view', () => {
  it('p pauses it: newer events are counted in the title, not shown; p again shows them', async () => {
    const r = app();
    await stop('mailer-1');
    await eventually(() => expect(rows(r.frame()).length).toBeGreaterThan(0));
    r.stdin.write('p');
    await tick();
    const newer = () => Number(/paused, (\d+) newer not shown/.exec(title(r.frame()))?.[1] ?? NaN);
    const paused = newer();
    expect(paused).toBeGreaterThanOrEqual(0);
    const before = rows(r.frame());
    await start('mailer-1');
    await eventually(() => expect(newer()).toBeGreaterThan(paused));
    const detail = r.frame().split('\n').find((l) => /^ TIME /.test(l))!.indexOf('OBJECT');
    const events = (lines: string[]) => lines.map((l) => l.slice(0, detail)); // OBJECT and DETAIL name what is now
    expect(events(rows(r.frame()))).toEqual(events(before));
    r.stdin.write('p');
    await eventually(() => expect(rows(r.frame()).length).toBeGreaterThan(before.length));
    expect(title(r.frame())).not.toMatch(/paused/);
  });

  it("shows why: a stopped container's exit code in DETAIL, on its newest event only", async () => {
    const r = app();
    await stop('cache-2');
    await eventually(() => expect(r.frame()).toMatch(/container\s+update\s+◼ Stopped\s+container cache-2\s+[Ee]xit \d+/));
    await start('cache-2');
    await eventually(() => expect(r.frame()).toMatch(/container\s+update\s+▶ Running\s+container cache-2/));
    // The object is running now: its earlier Stopped event no longer claims an exit code it does not show.
    expect(r.frame()).not.toMatch(/◼ Stopped\s+container cache-2\s+[Ee]xit/);
  });

  it('filters by column: type:container state:stopped', async () => {
    const r = app();
    await stop('mailer-2');
    await eventually(() => expect(r.frame()).toMatch(/Stopped/));
    r.stdin.write('/');
    await tick();
    r.stdin.write('type:container state:stopped\r');
    await tick(100);
    const shown = rows(r.frame());
    expect(shown.length).toBeGreaterThan(0);
    for (const row of shown) expect(row).toMatch(/ container +\w+ +◼ Stopped /);
    await start('mailer-2');
  });

  it('Enter goes to the object of the event, selected in its own view; i inspects it', async () => {
    const r = app();
    await stop('api-3');
    await eventually(() => expect(r.frame()).toMatch(/◼ Stopped\s+container api-3/));
    r.stdin.write('/');
    await tick();
    r.stdin.write('api-3\r');
    await tick(100);
    r.stdin.write('i');
    await eventually(() => expect(r.frame()).toMatch(/^ inspect api-3/m));
    r.stdin.write('\u001b');
    await tick(100);
    r.stdin.write('\r');
    await eventually(() => expect(r.frame()).toMatch(/^ containers \(\d+\)/m));
    expect(r.frame()).toMatch(/^› api-3 /m);
    r.stdin.write('\u001b'); // back to the events, where it was
    await eventually(() => expect(r.frame()).toMatch(/^ events \(\d+\) \/api-3\//m));
    await start('api-3');
  });
});
