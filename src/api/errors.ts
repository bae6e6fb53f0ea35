// Errors of the client as typed values: what kind of failure, the HTTP status and the server's own message.
// Messages name the method and path, never credentials.

export type ErrorKind =
  | 'config'        // the client is not configured right (no credentials, a bad host)
  | 'auth'          // 401: wrong or missing credentials
  | 'forbidden'     // 402/403: billing, quota
  | 'not_found'     // 404
  | 'method'        // 405
  | 'conflict'      // 409: a unique field already taken
  | 'validation'    // 400, 413, 415: the request itself is wrong
  | 'rate_limited'  // 429
  | 'server'        // 500 and other 5xx
  | 'unavailable'   // 502, 503, 504
  | 'network'       // no connection, reset, refused
  | 'timeout'       // connect or request took too long
  | 'protocol'      // an answer that is not what the API sends (not JSON, a malformed frame)
  | 'closed';       // the client was closed: nothing more is sent, nothing is retried

export class DockerCloudError extends Error {
  /** What went wrong, readable, without the method and path the message starts with ("connection refused"). */
  readonly detail: string;

  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly status?: number,
    /** For rate_limited: what Retry-After asked for. */
    readonly retryAfterMs?: number,
    detail?: string,
  ) {
    super(message);
    this.name = 'DockerCloudError';
    this.detail = detail ?? message;
  }
}

export function kindOfStatus(status: number): ErrorKind {
  if (status === 401) return 'auth';
  if (status === 402 || status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 405) return 'method';
  if (status === 409) return 'conflict';
  if (status === 429) return 'rate_limited';
  if (status === 502 || status === 503 || status === 504) return 'unavailable';
  if (status >= 500) return 'server';
  return 'validation';
}

/** The code of a network failure: node's (ECONNREFUSED …), undici's (UND_ERR_…), or that of the first of several. */
function networkCode(error: unknown): string {
  const e = error as { code?: unknown; cause?: { code?: unknown }; errors?: { code?: unknown }[] } | null | undefined;
  const code = e?.code ?? e?.cause?.code ?? e?.errors?.[0]?.code;
  return typeof code === 'string' ? code : '';
}

/** Network-level failures of undici and node, by code. */
export function kindOfNetworkError(error: unknown): ErrorKind {
  const code = networkCode(error);
  if (/TIMEOUT|TIMEDOUT/.test(code)) return 'timeout';
  if (!code && /timed out/i.test(String((error as Error | undefined)?.message ?? ''))) return 'timeout';
  return 'network';
}

/** What each network failure means, said once (node's messages repeat the code: "connect ECONNREFUSED 127.0.0.1:80"). */
const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ECONNABORTED: 'connection aborted',
  EPIPE: 'connection closed while sending',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'name lookup failed for now',
  EHOSTUNREACH: 'host unreachable',
  EHOSTDOWN: 'host down',
  ENETUNREACH: 'network unreachable',
  ENETDOWN: 'network down',
  ETIMEDOUT: 'timed out',
  EADDRNOTAVAIL: 'address not available',
  UND_ERR_CONNECT_TIMEOUT: 'connect timed out',
  UND_ERR_HEADERS_TIMEOUT: 'no answer in time',
  UND_ERR_BODY_TIMEOUT: 'the answer stalled',
  UND_ERR_SOCKET: 'the connection closed unexpectedly',
  UND_ERR_CLOSED: 'the connection is closed',
  UND_ERR_ABORTED: 'aborted',
  UND_ERR_DESTROYED: 'the connection is closed',
};

/**
 * A network failure in a few words, each said once: "connection refused", "host not found", "TLS: certificate has
 * expired". Never the code and then a message that repeats it, never a stack.
 */
export function describeNetworkError(error: unknown): string {
  const code = networkCode(error);
  const known = NETWORK_CODES[code];
  if (known) return known;
  const e = error as { message?: unknown; cause?: { message?: unknown }; errors?: { message?: unknown }[] } | null | undefined;
  const raw = [e?.cause?.message, e?.message, e?.errors?.[0]?.message].find((m) => typeof m === 'string' && m.trim() !== '');
  let message = typeof raw === 'string' ? raw.split('\n')[0]!.trim() : String(error);
  if (/CERT|SSL|TLS|SELF_SIGNED|ALTNAME/i.test(`${code} ${message}`)) message = `TLS: ${message}`;
  else if (/^socket hang up$/i.test(message)) message = 'the connection closed unexpectedly';
  else if (/handshake has timed out/i.test(message)) message = 'the handshake timed out';
  // A code the message does not already say (and only one): "EPROTO: …" but not "ECONNREFUSED: connect ECONNREFUSED".
  return code && !message.includes(code) && !/^TLS: /.test(message) ? `${message} (${code})` : message;
}

/** How a websocket that was open ended, readable: "the connection was lost", "closed by the server: going away (1001)". */
export function describeClose(code: number, reason: string): string {
  const why = reason.trim();
  if (code === 1006) return 'the connection was lost';
  return why ? `closed by the server: ${why} (${code})` : `closed by the server (${code})`;
}
