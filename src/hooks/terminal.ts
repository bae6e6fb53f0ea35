// What the monitor asks of the terminal besides frames: the clipboard (OSC 52) and the mouse (SGR reporting), each
// off where the terminal cannot do it or the configuration says no.

/** Mouse reporting on: button presses and the wheel (1000), reported in SGR form (1006), which has no size limit. */
export const MOUSE_ON = '\u001b[?1000h\u001b[?1006h';
export const MOUSE_OFF = '\u001b[?1006l\u001b[?1000l';

/** The most a copy sends: terminals drop (or choke on) larger OSC 52 payloads. */
export const COPY_LIMIT = 100_000;

/** OSC 52: the terminal puts `text` on the system clipboard. Base64, so nothing in the text reaches the terminal as is. */
export function osc52(text: string): string {
  return `\u001b]52;c;${Buffer.from(text, 'utf8').toString('base64')}\u0007`;
}

/** Terminals that take no escape sequences beyond the basics (the Linux console, dumb terminals). */
function basicTerminal(env: NodeJS.ProcessEnv): string | null {
  const term = env['TERM'] ?? '';
  return term === '' || term === 'dumb' || term === 'linux' ? `TERM=${term || '(unset)'}` : null;
}

/** Why copying is off, or null when it is on. */
export function clipboardOff(env: NodeJS.ProcessEnv, configured: boolean): string | null {
  if (!configured) return 'copy is off ("clipboard": false in the config)';
  const basic = basicTerminal(env);
  return basic ? `this terminal (${basic}) takes no clipboard sequence (OSC 52)` : null;
}

export function mouseOn(env: NodeJS.ProcessEnv, configured: boolean): boolean {
  return configured && basicTerminal(env) === null;
}
