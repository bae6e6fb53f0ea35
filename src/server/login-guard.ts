// Failed logins are slowed: after a burst of wrong keys for one user, or from one address, further attempts are
// answered 429 with Retry-After for a while, whatever the key (so that guessing keys costs time, not CPU).
import { authenticate, type Accounts } from './auth.js';
import { ApiError } from './errors.js';

const WINDOW_MS = 60_000;
/** Wrong keys allowed per user, and per address, in a window. */
const ALLOWED = 20;

export class LoginGuard {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Seconds to wait before trying again, or 0. */
  wait(user: string | null, address: string): number {
    return Math.max(this.waitFor(`u:${user ?? ''}`), this.waitFor(`a:${address}`));
  }

  failed(user: string | null, address: string): void {
    for (const key of [`u:${user ?? ''}`, `a:${address}`]) {
      const times = this.recent(key);
      times.push(this.now());
      this.failures.set(key, times);
    }
    if (this.failures.size > 100_000) this.failures.clear(); // bounded, whatever an attacker sends
  }

  private waitFor(key: string): number {
    const times = this.recent(key);
    if (times.length < ALLOWED) return 0;
    return Math.max(1, Math.ceil((times[0]! + WINDOW_MS - this.now()) / 1000));
  }

  private recent(key: string): number[] {
    const since = this.now() - WINDOW_MS;
    const times = (this.failures.get(key) ?? []).filter((t) => t > since);
    if (times.length) this.failures.set(key, times);
    else this.failures.delete(key);
    return times;
  }
}

/** The user a Basic header claims, right or wrong (for counting failures per user). */
function claimedUser(authorization: string | undefined): string | null {
  const basic = /^Basic\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!basic) return null;
  const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 ? decoded.slice(0, colon) : null;
}

/**
 * The authenticated user, or a 401 (with the challenge) — or a 429 once a user or an address sent too many wrong
 * keys, so that guessing keys is slow. Shared by REST and the Stream API's handshakes.
 */
export function checkLogin(logins: LoginGuard, accounts: Accounts, authorization: string | undefined, address: string, query?: URLSearchParams): string {
  const claimed = claimedUser(authorization) ?? query?.get('user') ?? null;
  const wait = logins.wait(claimed, address);
  if (wait > 0) throw new ApiError(429, `Too many failed logins; retry in ${wait} s`, { 'Retry-After': String(wait) });
  const user = authenticate(accounts, authorization, query);
  if (user) return user;
  if (claimed !== null) logins.failed(claimed, address); // no credentials at all is no guess at a key
  throw new ApiError(401, 'Authentication required: send Authorization: Basic base64(user:apikey)', { 'WWW-Authenticate': 'Basic realm="dctop"' });
}

