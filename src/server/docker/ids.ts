// UUIDs of Docker Cloud objects derived from the engine's own IDs: the same engine object always has the same URI,
// across restarts of `dctop serve`, and the shape is a v4 UUID's, as the official clients expect.
import { createHash } from 'node:crypto';

/** Every projection derives every UUID again: remembered (a hash each is most of a projection's cost). */
const known = new Map<string, string>();
const KNOWN_MAX = 200_000;

export function uuidFor(kind: string, engineId: string): string {
  const key = `${kind}\0${engineId}`;
  let uuid = known.get(key);
  if (uuid) return uuid;
  const h = createHash('sha256').update(key).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  uuid = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  if (known.size >= KNOWN_MAX) known.clear();
  known.set(key, uuid);
  return uuid;
}
