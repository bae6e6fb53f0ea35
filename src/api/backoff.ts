// Exponential backoff with full jitter and a cap: attempt n waits a random time in [0, min(cap, base·2ⁿ)],
// never less than a floor the server asked for (Retry-After).

export interface BackoffPolicy { baseMs: number; capMs: number }

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 250, capMs: 10_000 };

export function backoffDelay(policy: BackoffPolicy, attempt: number, floorMs = 0, random = Math.random): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** attempt);
  return Math.max(floorMs, Math.round(random() * ceiling));
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
