// Users, organisations and namespaces. A user may act in their own namespace and in those of the organisations
// they belong to; any other namespace is answered with 404, as if it did not exist.
import { randomBytes, timingSafeEqual } from 'node:crypto';

export interface Accounts {
  /** user → API key */
  users: Map<string, string>;
  /** organisation → its members */
  orgs: Map<string, Set<string>>;
  /**
   * A namespace every user is a member of, and where a request that names none goes (the docker backend's: an
   * engine has no tenants). Absent: a request without a namespace is in the user's own.
   */
  shared?: string;
}

export function createAccounts(users: readonly string[], orgs: readonly string[]): Accounts {
  const accounts: Accounts = { users: new Map(), orgs: new Map() };
  for (const spec of users) {
    const colon = spec.indexOf(':');
    if (colon <= 0 || colon === spec.length - 1) throw new Error(`--user expects NAME:APIKEY, got '${spec}'`);
    accounts.users.set(spec.slice(0, colon), spec.slice(colon + 1));
  }
  if (accounts.users.size === 0) accounts.users.set('demo', randomBytes(16).toString('hex'));
  for (const spec of orgs) {
    const [org, members] = spec.split(':');
    if (!org || !members) throw new Error(`--org expects ORG:MEMBER[,MEMBER…], got '${spec}'`);
    if (accounts.users.has(org)) throw new Error(`--org ${org}: a user already has that name`);
    const set = accounts.orgs.get(org) ?? new Set<string>();
    for (const member of members.split(',').filter(Boolean)) {
      if (!accounts.users.has(member)) throw new Error(`--org ${org}: '${member}' is not a --user`);
      set.add(member);
    }
    accounts.orgs.set(org, set);
  }
  return accounts;
}

/** The first user: the one whose namespace the simulated fleet lives in. */
export function primaryUser(accounts: Accounts): [string, string] {
  return accounts.users.entries().next().value as [string, string];
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The user named by `Authorization: Basic …`, or by `?user=&token=` (the Go SDK's websocket auth). */
export function authenticate(accounts: Accounts, authorization: string | undefined, query?: URLSearchParams): string | null {
  let user: string | undefined;
  let key: string | undefined;
  const basic = /^Basic\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) [user, key] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
  } else if (query?.get('user') && query.get('token')) {
    [user, key] = [query.get('user')!, query.get('token')!];
  }
  if (user === undefined || key === undefined) return null;
  const expected = accounts.users.get(user);
  return expected !== undefined && sameSecret(expected, key) ? user : null;
}

export function namespacesOf(accounts: Accounts, user: string): string[] {
  const namespaces = [user];
  for (const [org, members] of accounts.orgs) if (members.has(user)) namespaces.push(org);
  if (accounts.shared && !namespaces.includes(accounts.shared)) namespaces.push(accounts.shared);
  return namespaces;
}

export function canAccess(accounts: Accounts, user: string, namespace: string): boolean {
  return namespace === user || namespace === accounts.shared || (accounts.orgs.get(namespace)?.has(user) ?? false);
}

/** The namespace of a request that names none. */
export function defaultNamespace(accounts: Accounts, user: string): string {
  return accounts.shared ?? user;
}
