// Column layout: every view fits its terminal by dropping its least useful columns first, never its name or state.
import { describe, expect, it } from 'vitest';
import { COLUMNS, layoutColumns, nextSortColumn } from '../../src/views/columns.js';

const views = Object.keys(COLUMNS) as (keyof typeof COLUMNS)[];
const lineWidth = (widths: number[]) => 1 + widths.filter((w) => w > 0).reduce((sum, w) => sum + 1 + w, 0); // gutter, " col"

describe('layoutColumns', () => {
  it('at 120 columns the flexible column takes the room; wide-only columns wait for more', () => {
    const columns = COLUMNS.service;
    const widths = layoutColumns(columns, 118);
    const flex = columns.findIndex((c) => c.flex);
    expect(widths[flex]).toBeGreaterThan(columns[flex]!.width);
    columns.forEach((c, i) => expect(widths[i]! > 0, c.header).toBe(!c.wide));
  });

  it('at 200 columns shows more columns instead of stretching one: no column past its max, none cut', () => {
    for (const view of ['container', 'service'] as const) {
      const columns = COLUMNS[view];
      const widths = layoutColumns(columns, 198);
      expect(lineWidth(widths)).toBeLessThanOrEqual(199);
      columns.forEach((c, i) => {
        expect(widths[i], c.header).toBeLessThanOrEqual(c.max ?? c.width);
        if (!c.wide) expect(widths[i], c.header).toBeGreaterThan(0);
      });
      expect(columns.filter((c, i) => c.wide && widths[i]! > 0).length, view).toBeGreaterThanOrEqual(2);
    }
    const ports = COLUMNS.container.findIndex((c) => c.key === 'ports');
    expect(layoutColumns(COLUMNS.container, 198)[ports]).toBe(30); // room for a few published ports
  });

  for (const view of views) {
    it(`${view}: fits 80 and 60 columns, keeping what cannot be dropped`, () => {
      const columns = COLUMNS[view];
      for (const total of [78, 58]) { // the table's room in terminals of 80 and 60 columns
        const widths = layoutColumns(columns, total);
        expect(lineWidth(widths)).toBeLessThanOrEqual(total + 1);
        columns.forEach((c, i) => {
          if (c.drop === undefined && !c.wide) expect(widths[i]).toBeGreaterThan(0);
        });
        // What went, went in order: nothing shown has a lower drop number than something dropped.
        const dropped = columns.filter((c, i) => widths[i] === 0 && !c.wide).map((c) => c.drop!);
        const kept = columns.filter((c, i) => widths[i]! > 0 && c.drop !== undefined).map((c) => c.drop!);
        if (dropped.length && kept.length) expect(Math.min(...kept)).toBeGreaterThan(Math.max(...dropped));
      }
    });
  }

  it('drops the UUID first, then the deploy age, as the width shrinks', () => {
    const columns = COLUMNS.service;
    const shown = (total: number) => columns.filter((_, i) => layoutColumns(columns, total)[i]! > 0).map((c) => c.header);
    expect(shown(110)).toContain('UUID');
    expect(shown(100)).not.toContain('UUID');
    expect(shown(100)).toContain('DEPLOYED');
    expect(shown(90)).not.toContain('DEPLOYED');
    expect(shown(90)).toEqual(['NAME', 'STATE', 'CTRS', 'CPU', 'MEM', 'IMAGE', 'STACK']);
  });

  it('sorts only by the columns shown, forwards and backwards, from unsorted', () => {
    const widths = [16, 17, 0, 18, 0]; // the third and fifth dropped
    expect(nextSortColumn(widths, -1, 1)).toBe(0);
    expect(nextSortColumn(widths, 1, 1)).toBe(3);
    expect(nextSortColumn(widths, 3, 1)).toBe(0);
    expect(nextSortColumn(widths, -1, -1)).toBe(3);
    expect(nextSortColumn(widths, 0, -1)).toBe(3);
    expect(nextSortColumn(widths, 3, -1)).toBe(1);
  });
});
