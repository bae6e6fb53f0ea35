// The simulated shell's line editor: keystrokes in, what the terminal shows out. A small terminal model reads the
// echo (./terminal.ts) so that the tests check what a person would see.
import { describe, expect, it } from 'vitest';
import { LineEditor, type EditorEvent } from '../../../src/server/sim/line-editor.js';
import { Terminal } from './terminal.js';

const PROMPT = '$ ';

/** An editor on a terminal, the way exec uses it: output echoed, lines collected, a prompt after each. */
function session() {
  const editor = new LineEditor();
  const term = new Terminal();
  const lines: string[] = [];
  const events: EditorEvent[] = [];
  term.write(PROMPT);
  const type = (...messages: string[]) => {
    for (const m of messages) {
      for (const e of editor.feed(m)) {
        events.push(e);
        if (e.type === 'output') term.write(e.text);
        else if (e.type === 'line') {
          lines.push(e.text);
          term.write(PROMPT);
        } else if (e.type === 'interrupt') term.write(PROMPT);
        else if (e.type === 'clear') term.write(`\u001b[H\u001b[2J${PROMPT}${e.redraw}`);
      }
    }
  };
  return { editor, term, lines, events, type };
}

describe('LineEditor', () => {
  it('echoes typing, and Enter (CR, LF or CR LF, also split) runs the line', () => {
    const s = session();
    s.type('echo hi\r', 'ls\n', 'pwd\r', '\n', 'id\r\n');
    expect(s.lines).toEqual(['echo hi', 'ls', 'pwd', 'id']);
    expect(s.term.rows.map((r) => r.join(''))).toEqual(['$ echo hi', '$ ls', '$ pwd', '$ id', '$ ']);
  });

  it('left and right move the cursor; text typed there is inserted and the rest of the line redrawn', () => {
    const s = session();
    s.type('echo wrld', '\u001b[D\u001b[D\u001b[D', 'o');
    expect(s.editor.line).toBe('echo world');
    expect(s.term.current).toBe('$ echo wo|rld');
    s.type('\u001b[C\u001b[C', '\u0002', '\u0006'); // right right, ctrl-b, ctrl-f
    expect(s.term.current).toBe('$ echo worl|d');
    s.type('\u001b[C\u001b[C\u001b[C'); // past the end: stays there
    expect(s.term.current).toBe('$ echo world|');
    s.type('\r');
    expect(s.lines).toEqual(['echo world']);
  });

  it('takes an escape sequence split across messages, byte by byte, and never inserts it', () => {
    const s = session();
    s.type('abc', '\u001b', '[', 'D', '\u001b[', 'D', 'X', '\u001bO', 'C');
    expect(s.editor.line).toBe('aXbc');
    expect(s.term.current).toBe('$ aXb|c');
    for (const e of s.events) if (e.type === 'output') expect(e.text).not.toMatch(/\[D|OC/);
  });

  it('swallows escape sequences it does not know (function keys, modifiers, reports, paste marks)', () => {
    const s = session();
    s.type('ls', '\u001b[15~', '\u001b[1;2P', '\u001bOP', '\u001b[[A', '\u001b[200~', '\u001b[?1;2c', '\u001bx', '\u001b[12;40R');
    expect(s.editor.line).toBe('ls');
    expect(s.term.current).toBe('$ ls|');
    // A control character inside a sequence ends it and counts as itself.
    s.type('\u001b[1\r');
    expect(s.lines).toEqual(['ls']);
  });

  it('home/end and ctrl-a/ctrl-e go to the start and the end', () => {
    const s = session();
    s.type('cho x', '\u001b[H', 'e');
    expect(s.term.current).toBe('$ e|cho x');
    s.type('\u001b[F', 'y', '\u0001');
    expect(s.term.current).toBe('$ |echo xy');
    s.type('\u0005', '\u001bOH', '\u001b[4~', '\u001b[1~');
    expect(s.term.current).toBe('$ |echo xy');
    expect(s.editor.line).toBe('echo xy');
  });

  it('up and down walk the history, and come back to the line being written', () => {
    const s = session();
    s.type('one\r', 'two\r', 'two\r', '   \r', 'thr');
    s.type('\u001b[A');
    expect(s.term.current).toBe('$ two|'); // the same line twice is kept once, and blank lines not at all
    s.type('\u001b[A', '\u001b[A', '\u001bOA');
    expect(s.term.current).toBe('$ one|');
    s.type('\u001b[B');
    expect(s.term.current).toBe('$ two|');
    s.type('\u001b[B');
    expect(s.term.current).toBe('$ thr|');
    s.type('\u001b[B', 'ee\r', '\u001b[A');
    expect(s.lines).toEqual(['one', 'two', 'two', '   ', 'three']);
    expect(s.term.current).toBe('$ three|');
  });

  it('backspace and delete remove before and under the cursor', () => {
    const s = session();
    s.type('abcd', '\u007f');
    expect(s.events.at(-1)).toEqual({ type: 'output', text: '\b \b' });
    s.type('\u001b[D\u001b[D', '\b');
    expect(s.term.current).toBe('$ |bc');
    s.type('\u001b[3~');
    expect(s.term.current).toBe('$ |c');
    expect(s.editor.line).toBe('c');
  });

  it('ctrl-u clears to the start, ctrl-k to the end, ctrl-w a word', () => {
    const s = session();
    s.type('echo one two  three', '\u0017');
    expect(s.term.current).toBe('$ echo one two  |');
    s.type('\u0017');
    expect(s.term.current).toBe('$ echo one |');
    s.type('\u001b[D\u001b[D\u001b[D', '\u000b');
    expect(s.term.current).toBe('$ echo o|');
    s.type('\u001b[D', '\u0015');
    expect(s.term.current).toBe('$ |o');
    expect(s.editor.line).toBe('o');
  });

  it('moves by words with alt-b/alt-f and ctrl-left/right', () => {
    const s = session();
    s.type('cat /etc/hosts now', '\u001bb');
    expect(s.term.current).toBe('$ cat /etc/hosts |now');
    s.type('\u001b[1;5D', '\u001b[1;5D');
    expect(s.term.current).toBe('$ |cat /etc/hosts now');
    s.type('\u001bf');
    expect(s.term.current).toBe('$ cat| /etc/hosts now');
    s.type('\u001b[1;5C');
    expect(s.term.current).toBe('$ cat /etc/hosts| now');
  });

  it('ctrl-c abandons the line: ^C, a fresh prompt, nothing run or remembered', () => {
    const s = session();
    s.type('rm -rf', '\u001b[D', '\u0003');
    expect(s.events.filter((e) => e.type !== 'output')).toEqual([{ type: 'interrupt' }]);
    expect(s.term.rows.map((r) => r.join(''))).toEqual(['$ rm -r^C', '$ ']);
    s.type('\u001b[A');
    expect(s.editor.line).toBe('');
    s.type('ls\r');
    expect(s.lines).toEqual(['ls']);
  });

  it('ctrl-l clears the screen and draws the prompt and the line again, the cursor where it was', () => {
    const s = session();
    s.type('ls\r', 'echo hi', '\u001b[D\u001b[D', '\u000c');
    expect(s.term.rows.map((r) => r.join(''))).toEqual(['$ echo hi']);
    expect(s.term.current).toBe('$ echo |hi');
  });

  it('ctrl-d ends the input on an empty line; at the end of a line it runs it first; elsewhere it deletes', () => {
    const empty = session();
    empty.type('\u0004');
    expect(empty.events).toEqual([{ type: 'eof', line: '' }]);
    const mid = session();
    mid.type('lss', '\u001b[D', '\u0004');
    expect(mid.editor.line).toBe('ls');
    expect(mid.events.some((e) => e.type === 'eof')).toBe(false);
    mid.type('\u0005\u0004');
    expect(mid.events.at(-1)).toEqual({ type: 'eof', line: 'ls' });
  });

  it('moves over wide characters by their two columns, and keeps combining marks with their letter', () => {
    const s = session();
    s.type('日本', '\u001b[D');
    expect(s.events.at(-1)).toEqual({ type: 'output', text: '\u001b[2D' });
    s.type('e\u0301', '\u001b[D', '\u001b[D');
    expect(s.editor.line).toBe('日e\u0301本');
    expect(s.events.at(-1)).toEqual({ type: 'output', text: '\u001b[2D' }); // back over 日, not into é
  });

  it('answers a message of many edits with at most one redraw of the line, at the same cost per key', () => {
    const editor = new LineEditor();
    editor.feed('y'.repeat(30_000));
    const started = Date.now();
    const events = editor.feed(`\u0001${'x'.repeat(30_000)}${'\u001b[D'.repeat(1000)}${'\u007f'.repeat(1000)}`);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(editor.line).toBe('x'.repeat(29_000) + 'y'.repeat(30_000));
    expect(events).toHaveLength(1);
    const echo = (events[0] as { text: string }).text;
    expect(echo.length).toBeLessThan(60_100); // the line once, and a few moves
    const term = new Terminal();
    term.write(PROMPT + 'y'.repeat(30_000) + echo);
    expect(term.line.join('')).toBe(`$ ${editor.line}`);
    expect(term.col).toBe(2 + 28_000);
  });

  it('echoes a paste at the end of the line as it came, in one piece', () => {
    const s = session();
    const paste = 'x'.repeat(5000);
    s.type(paste);
    expect(s.events).toEqual([{ type: 'output', text: paste }]);
  });
});
