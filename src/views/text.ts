// Text from the server is untrusted: strip terminal control sequences before it reaches the screen, and fit
// every line to its width. fit() and truncate() sanitize: every line of the frame goes through one of them, so that
// they are the one choke point between any server's text (names, states, error messages, logs) and the terminal.

// CSI, OSC (terminated by BEL or ST), other ESC sequences, and C0/C1 controls except tab.
const CONTROL = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]|[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;
// Bidi overrides and isolates, zero-width and other invisible format characters (they reorder or hide what is
// shown), and lone surrogates (not characters at all).
const FORMAT = /[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function sanitize(text: string): string {
  return text.replace(CONTROL, '').replace(FORMAT, '').replace(/\t/g, '  ');
}

/** Cuts or pads to exactly `width` columns (one column per UTF-16 unit is close enough for our glyphs). */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  const clean = sanitize(text);
  if (clean.length > width) return width > 1 ? `${clean.slice(0, width - 1)}…` : clean.slice(0, width);
  return clean.padEnd(width);
}

export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  const clean = sanitize(text);
  return clean.length > width ? (width > 1 ? `${clean.slice(0, width - 1)}…` : clean.slice(0, width)) : clean;
}

/** "3s", "5m", "2h", "4d": how long ago. */
export function age(fromMs: number, nowMs: number): string {
  const s = Math.max(0, Math.round((nowMs - fromMs) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

const BARS = '▁▂▃▄▅▆▇█';

export function sparkline(values: readonly number[]): string {
  const max = Math.max(1, ...values);
  return values.map((v) => (v <= 0 ? ' ' : BARS[Math.min(BARS.length - 1, Math.floor((v / max) * (BARS.length - 1)))])).join('');
}
