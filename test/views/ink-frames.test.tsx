// dctop's changes to Ink's rendering (scripts/ink-patches.mjs), through Ink itself onto a stream that stands for a
// terminal: a frame redraws only the rows that changed, and they are the rows drawn whole; and a throttled value
// ends on the latest one.
import { EventEmitter } from 'node:events';
import { useEffect, useState } from 'react';
import { describe, expect, it } from 'vitest';
import { useThrottled } from '../../src/hooks/useThrottled.js';
import { liveHeap } from '../helpers/gc.js';

// Ink writes frames as they come only outside CI (it reads CI when it loads): these tests are about those frames.
for (const name of Object.keys(process.env)) if (name === 'CI' || name === 'CONTINUOUS_INTEGRATION' || name.startsWith('CI_')) delete process.env[name];
process.env['FORCE_COLOR'] = '1'; // and in colour, whatever runs the tests (chalk reads it when it loads)
const { Box, render, Text, useInput } = await import('ink');

/** A terminal's stdout as Ink sees it: a TTY of a size, recording what is written (the last `keep` writes). */
function terminal(columns = 60, rows = 20, keep = Infinity) {
  const out = Object.assign(new EventEmitter(), {
    isTTY: true, columns, rows, writes: [] as string[],
    write(chunk: string) {
      if (out.writes.push(chunk) > keep) out.writes.shift();
      return true;
    },
  });
  return out;
}

/** A terminal's stdin as Ink reads it: keys typed arrive as readable chunks. */
function keyboard() {
  const chunks: string[] = [];
  const stdin = Object.assign(new EventEmitter(), {
    isTTY: true,
    setRawMode: () => stdin, setEncoding: () => stdin, ref: () => stdin, unref: () => stdin, resume: () => stdin, pause: () => stdin,
    read: () => chunks.shift() ?? null,
    type(text: string) {
      chunks.push(text);
      stdin.emit('readable');
    },
  });
  return stdin;
}

const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));
const plain = (s: string) => s.replace(/\u001B\[[0-9;?]*[A-Za-z]/g, '');

describe('Ink, as dctop patches it', () => {
  it('draws changed rows as Ink draws them whole, with colours and wide characters', async () => {
    const stdout = terminal();
    let set: (lines: string[]) => void = () => {};
    function Lines() {
      const [lines, setLines] = useState(['alpha', 'beta', 'gamma']);
      set = setLines;
      return <Box flexDirection="column">{lines.map((l, i) => <Text key={i} color={i === 1 ? 'green' : undefined}>{l}</Text>)}</Box>;
    }
    const app = render(<Lines />, { stdout: stdout as never, patchConsole: false, maxFps: 1000 });
    await tick();
    set(['alpha', 'béta 漢字 x', 'gamma']);
    await tick();
    const last = plain(stdout.writes.join(''));
    expect(last).toContain('béta 漢字 x');
    // A fresh render of the same lines, every row drawn anew: the same text.
    const fresh = terminal();
    const again = render(<Box flexDirection="column">{['alpha', 'béta 漢字 x', 'gamma'].map((l, i) => <Text key={i} color={i === 1 ? 'green' : undefined}>{l}</Text>)}</Box>,
      { stdout: fresh as never, patchConsole: false });
    await tick();
    const row = (writes: string[]) => writes.join('').split('\n').find((l) => l.includes('béta'))!.replace(/^.*?(\u001B\[3\dm)/, '$1');
    expect(row(stdout.writes)).toBe(row(fresh.writes));
    app.unmount();
    again.unmount();
  });

  it('keeps a bounded memory of the texts it laid out, however many different ones it showed', async () => {
    // A log pane shows new lines all the time: 10,000 styled texts of 2,000 characters, wider than the terminal (cut).
    const stdout = terminal(60, 20, 10);
    let show: (batch: number) => void = () => {};
    function Log() {
      const [batch, setBatch] = useState(0);
      show = setBatch;
      return <Box flexDirection="column">{Array.from({ length: 50 }, (_, i) => <Text key={i} wrap="truncate"><Text color="green">{`${batch}:${i} `.padEnd(2000, 'x')}</Text></Text>)}</Box>;
    }
    const app = render(<Log />, { stdout: stdout as never, patchConsole: false, maxFps: 1000 });
    try {
      const showBatches = async (from: number, to: number) => {
        for (let batch = from; batch <= to; batch++) {
          show(batch);
          await tick(1);
        }
      };
      await showBatches(1, 100); // 5,000 texts: whatever is bounded is full by now
      const before = liveHeap();
      await showBatches(101, 200);
      expect(plain(stdout.writes.join(''))).toContain('200:0 ');
      // Kept, the 5,000 texts since would be 24 MB more; bounded, none.
      expect(liveHeap() - before).toBeLessThan(8 * 1024 * 1024);
    } finally {
      app.unmount();
    }
  });

  it('draws the frame that follows a key at once, not when the render throttle next allows one', async () => {
    const [stdout, stdin] = [terminal(), keyboard()];
    function Keys() {
      const [n, setN] = useState(0);
      useInput(() => setN((k) => k + 1));
      return <Text>{`keys ${n}`}</Text>;
    }
    const app = render(<Keys />, { stdout: stdout as never, stdin: stdin as never, patchConsole: false, maxFps: 0.5 }); // a frame per 2 s at most
    await tick();
    expect(plain(stdout.writes.join(''))).toContain('keys 0');
    stdin.type('j');
    await tick(200);
    expect(plain(stdout.writes.join(''))).toContain('keys 1');
    app.unmount();
  });

  it('a throttled value shows the first change at once, then the latest one at the end of the interval', async () => {
    const stdout = terminal();
    function Counter() {
      const [n, setN] = useState(0);
      useEffect(() => {
        const timers = [1, 2, 3].map((v) => setTimeout(() => setN(v), v * 20));
        return () => timers.forEach(clearTimeout);
      }, []);
      return <Text>{`shown ${useThrottled(n, 300)}`}</Text>;
    }
    const app = render(<Counter />, { stdout: stdout as never, patchConsole: false, maxFps: 1000 });
    await tick(100);
    const soon = plain(stdout.writes.join(''));
    expect(soon).toContain('shown 1');
    expect(soon).not.toContain('shown 3');
    await tick(400);
    expect(plain(stdout.writes.join('')).match(/shown \d/g)?.at(-1)).toBe('shown 3');
    app.unmount();
  });
});
