// Seeded randomness, so that `--seed` makes a fleet reproducible (its UUIDs are keyed with a per-server secret).
import { createHmac, randomBytes } from 'node:crypto';

/** A stream of numbers in [0, 1); a fleet's stream carries the secret its UUIDs are keyed with. */
export type Rng = (() => number) & { secret?: Buffer };

/** mulberry32: small, fast, good enough for a simulation. Each stream gets a secret of its own (see uuid4). */
export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  return Object.assign(() => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }, { secret: randomBytes(32) });
}

/** A seed derived from a string (e.g. a container's UUID), for per-object streams of randomness. */
export function hashSeed(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

export function randInt(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)]!;
}

export function hex(rng: Rng, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += Math.floor(rng() * 16).toString(16);
  return out;
}


/**
 * A version-4 UUID. The seeded stream is drawn from as it always was (so that the rest of a seeded fleet — names,
 * placement, timings — stays reproducible), but the UUID is that draw keyed with the stream's secret (one per fleet): one UUID of
 * one's own no longer recovers the generator and every other tenant's UUIDs, and a restart with the same seed
 * does not bring back the UUIDs of objects that clients saw terminated.
 */
const FALLBACK = randomBytes(32);

export function uuid4(rng: Rng): string {
  const draw = `${hex(rng, 32)}${Math.floor(rng() * 4)}`;
  const h = createHmac('sha256', rng.secret ?? FALLBACK).update(draw).digest('hex').slice(0, 32).split('');
  h[12] = '4';
  h[16] = '89ab'[parseInt(h[16]!, 16) & 3]!;
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}
