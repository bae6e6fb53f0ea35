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
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly status?: number,
    /** For rate_limited: what Retry-After asked for. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'DockerCloudError';
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

/** Network-level failures of undici and node, by code. */
export function kindOfNetworkError(error: unknown): ErrorKind {
  const code = String((error as { code?: string })?.code ?? (error as { cause?: { code?: string } })?.cause?.code ?? '');
  if (/TIMEOUT/.test(code) || code === 'ETIMEDOUT') return 'timeout';
  return 'network';
}

export function describeNetworkError(error: unknown): string {
  const e = error as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e?.cause?.code ?? e?.code;
  const message = e?.cause?.message ?? e?.message ?? String(error);
  return code ? `${code}: ${message}` : message;
}
