// The fast path of widths: text of PLAIN characters is as wide as it is long, here and in Ink (patched to the same
// class), so that columns line up exactly as string-width, which Ink measures with otherwise, would put them.
import { readFileSync } from 'node:fs';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { PLAIN, columnsOf, sanitize, truncate } from '../../src/views/text.js';

const plainCharacters = () => {
  const out: string[] = [];
  for (let c = 0; c <= 0xffff; c++) if (PLAIN.test(String.fromCharCode(c))) out.push(String.fromCharCode(c));
  return out;
};

describe('text of one column a character', () => {
  it('is every character string-width measures as one column, with nothing to sanitize', () => {
    const chars = plainCharacters();
    expect(chars.length).toBe(582);
    const wrong = chars.filter((ch) => stringWidth(ch) !== 1 || sanitize(ch) !== ch);
    expect(wrong.map((ch) => ch.codePointAt(0)!.toString(16))).toEqual([]);
    const line = chars.join('');
    expect(stringWidth(line)).toBe(line.length);
  });

  it('is measured and cut as string-width would', () => {
    for (const text of ['cpu 386.7/634 cores · mem 1.3T', '▶ Running', '◼ Stopped', '▁▂▃▄▅▆▇█', 'café ©']) {
      expect(columnsOf(text)).toBe(stringWidth(text));
      expect(stringWidth(truncate(text, 6))).toBe(Math.min(6, stringWidth(text)));
    }
    // Outside the class, each is measured: wide, zero-width, emoji.
    expect(columnsOf('日本')).toBe(4);
    expect(columnsOf('e\u0301')).toBe(1);
    expect(columnsOf('◽')).toBe(2);
  });

  it('is the same class in Ink as patched', () => {
    const patches = readFileSync(new URL('../../scripts/ink-patches.mjs', import.meta.url), 'utf8');
    expect(patches).toContain(`String.raw\`${PLAIN.source}\``);
  });
});
