// Dates on the wire: RFC 2822 in UTC for REST objects ("Wed, 17 Sep 2014 08:26:22 +0000"),
// ISO 8601 without milliseconds for event `datetime` ("2016-02-01T16:47:28Z"). See wire-compat.md.

export function toRfc2822(ms: number): string {
  return new Date(ms).toUTCString().replace('GMT', '+0000');
}

export function toIso8601(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Parses an RFC 2822 or ISO 8601 date; NaN when it is neither. */
export function parseWireDate(text: string | null | undefined): number {
  if (!text) return Number.NaN;
  return Date.parse(text);
}
