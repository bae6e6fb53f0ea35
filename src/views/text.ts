// Text from the server is untrusted: strip terminal control sequences before it reaches the screen, and fit
// every line to its width. fit() and truncate() sanitize: every line of the frame goes through one of them, so that
// they are the one choke point between any server's text (names, states, error messages, logs) and the terminal.

import stringWidth from 'string-width';

// CSI, OSC (terminated by BEL or ST), other ESC sequences, and C0/C1 controls except tab.
const CONTROL = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]|[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;
// Bidi overrides and isolates, zero-width and other invisible format characters (they reorder or hide what is
// shown), and lone surrogates (not characters at all).
const FORMAT = /[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function sanitize(text: string): string {
  return text.replace(CONTROL, '').replace(FORMAT, '').replace(/\t/g, '  ');
}

/** Cuts or pads to exactly `width` terminal columns (wide characters take two, combining marks none). */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  const clean = truncate(text, width);
  return clean + ' '.repeat(Math.max(0, width - columnsOf(clean)));
}

/** At most `width` terminal columns, cut with an ellipsis. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  // Most text, every frame: nothing to sanitize and a column a character.
  if (PLAIN.test(text)) return cutPlain(text, width);
  const key = `${width}\u0000${text}`;
  let cut = cuts.get(key);
  if (cut === undefined) {
    if (cuts.size >= KEPT) cuts.clear();
    cuts.set(key, (cut = cutToWidth(sanitize(text), width)));
  }
  return cut;
}

/** The same texts are cut to the same widths frame after frame (a state with its symbol, a name): measured once. */
const cuts = new Map<string, string>();
const widths = new Map<string, number>();
const KEPT = 20_000;

function cutPlain(text: string, width: number): string {
  return text.length > width ? (width > 1 ? `${text.slice(0, width - 1)}…` : text.slice(0, width)) : text;
}

function cutToWidth(clean: string, width: number): string {
  if (PLAIN.test(clean)) return cutPlain(clean, width);
  if (stringWidth(clean) <= width) return clean;
  // Whole graphemes up to the room left for the ellipsis: a wide character or an accent is never split.
  const room = width > 1 ? width - 1 : width;
  let out = '';
  let used = 0;
  for (const { segment } of graphemes.segment(clean)) {
    const w = stringWidth(segment);
    if (used + w > room) break;
    out += segment;
    used += w;
  }
  return width > 1 ? `${out}…` : out;
}

/** Columns a string takes in a terminal. */
export function columnsOf(text: string): number {
  if (PLAIN.test(text)) return text.length;
  let w = widths.get(text);
  if (w === undefined) {
    if (widths.size >= KEPT) widths.clear();
    widths.set(text, (w = stringWidth(text)));
  }
  return w;
}

/**
 * One column a character, as string-width counts them, and nothing to sanitize: printable ASCII and Latin-1, the
 * punctuation, arrows, box drawing and shapes of the screen (· … ● ▶ ◼ ▁▂▃, ⚙ and ✘). The fast path, most text:
 * string-width takes 60 times longer over anything not ASCII. Everything else is measured as Ink does. Ink's
 * patched measure-text.js and output.js use the same class (scripts/ink-patches.mjs).
 */
export const PLAIN = /^[\x20-\x7e\xa0-\xac\xae-\xff\u2010-\u2027\u2190-\u21ff\u2500-\u25fc\u25ff\u2699\u2718]*$/;
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** "3s", "5m", "2h", "4d": how long ago. */
export function age(fromMs: number, nowMs: number): string {
  const s = Math.max(0, Math.round((nowMs - fromMs) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

const BARS = '▁▂▃▄▅▆▇█';

/**
 * One bar per value, scaled to `max` (default: the largest); a space for an unknown (NaN), and for zero unless
 * `zeroBar` (then zero is the lowest bar, and only an unknown is a gap).
 */
export function sparkline(values: readonly number[], max = Math.max(1, ...values.filter(Number.isFinite)), zeroBar = false): string {
  return values.map((v) => (Number.isNaN(v) || (v <= 0 && !zeroBar) ? ' '
    : BARS[Math.max(0, Math.min(BARS.length - 1, Math.floor((v / max) * (BARS.length - 1))))])).join('');
}
