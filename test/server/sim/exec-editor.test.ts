// Exec into a sim container over a real websocket behaves like a terminal: arrow keys edit the line (also when a
// key's bytes come in two messages), up recalls the history, ctrl-c abandons a line, ctrl-d on an empty line ends
// the session. What the client shows is read with a small terminal model.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { collect, eventually, findOne, openSocket, startTestServer, type TestServer } from '../../helpers/server.js';
import { Terminal } from './terminal.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ fleet: 'demo' });
});
afterAll(() => t.close());

/** Everything the session printed so far, on stdout and stderr in order. */
const printed = (ws: WebSocket) => collect(ws).frames.filter((f) => f.type === 'output').map((f) => f.output).join('');

/** Sends messages one by one, each after the answer to the one before (as keystrokes come). */
async function keys(ws: WebSocket, ...messages: string[]): Promise<void> {
  for (const m of messages) {
    const before = collect(ws).frames.length;
    ws.send(m);
    await eventually(() => collect(ws).frames.length > before || /^\u001b\[?$/.test(m), 2000, `an answer to ${JSON.stringify(m)}`);
    if (/^\u001b\[?$/.test(m)) await new Promise((r) => setTimeout(r, 30)); // half a key: no answer expected
  }
}

describe('exec: the simulated shell edits lines as a terminal does', () => {
  it('arrows, history, ctrl-c, and ctrl-d to end', async () => {
    const c = await findOne(t, '/api/app/v1/container/?name=db-1');
    const ws = await openSocket(`${t.wsUrl}${c.resource_uri}exec/`);
    await eventually(() => printed(ws).endsWith('# '), 2000, 'the prompt');
    const prompt = printed(ws);

    // "echo wrld", three times left (the third one's bytes in two messages), "o", Enter.
    await keys(ws, 'echo wrld', '\u001b[D', '\u001b[D', '\u001b', '[D', 'o', '\r');
    await eventually(() => printed(ws).includes('\nworld\n'), 2000, 'the output');
    expect(printed(ws)).not.toMatch(/\[D|wrld\n/);

    // Up recalls it; Enter runs it again.
    await keys(ws, '\u001b[A', '\r');
    await eventually(() => printed(ws).match(/\nworld\n/g)?.length === 2, 2000, 'the second run');

    // ctrl-c abandons a line: nothing runs.
    await keys(ws, 'nosuchcommand', '\u0003');
    expect(printed(ws)).toContain('nosuchcommand^C\n');
    expect(printed(ws)).not.toMatch(/not found/);

    const term = new Terminal();
    term.write(printed(ws));
    const rows = term.rows.map((r) => r.join(''));
    expect(rows.slice(0, 5)).toEqual([
      `${prompt}echo world`, 'world', `${prompt}echo world`, 'world', `${prompt}nosuchcommand^C`,
    ]);
    expect(term.current).toBe(`${prompt}|`);

    // ctrl-d on the empty line ends the session, with status 0.
    ws.send('\u0004');
    expect((await collect(ws).closed).reason).toBe('exit 0');
  });
});
