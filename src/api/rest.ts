// REST over undici: one keep-alive pool per origin, JSON in and out, typed errors, timeouts, and retries of GETs
// on network errors, 429 (honouring Retry-After) and 502/503/504. Mutations are never retried silently.
import { Pool } from 'undici';
import { backoffDelay, DEFAULT_BACKOFF, sleep, type BackoffPolicy } from './backoff.js';
import type { ClientConfig } from './config.js';
import { describeNetworkError, DockerCloudError, kindOfNetworkError, kindOfStatus } from './errors.js';

export interface RestOptions {
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Retries of a GET after the first try. */
  retries?: number;
  backoff?: BackoffPolicy;
  connections?: number;
  userAgent?: string;
}

export interface RestResponse<T> { status: number; body: T; headers: Record<string, string | string[] | undefined> }

/** Worth asking again (GETs only): a server that is busy, briefly broken (500) or behind a failing proxy. */
const RETRIABLE_STATUS = new Set([429, 500, 502, 503, 504]);

/** A failure below HTTP: a connect, headers or body timeout of the pool, or the network. */
function transportError(method: string, path: string, error: unknown): DockerCloudError {
  const kind = kindOfNetworkError(error);
  const detail = kind === 'timeout' ? 'timed out' : describeNetworkError(error);
  return new DockerCloudError(kind, `${method} ${path}: ${detail}`, undefined, undefined, detail);
}

export class RestClient {
  private readonly pools = new Map<string, Pool>();
  private readonly options: Required<RestOptions>;
  /** Requests sent (tries included), for measurements. */
  requests = 0;

  constructor(private readonly config: ClientConfig, options: RestOptions = {}) {
    this.options = {
      connectTimeoutMs: options.connectTimeoutMs ?? 5_000,
      requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
      retries: options.retries ?? 4,
      backoff: options.backoff ?? DEFAULT_BACKOFF,
      connections: options.connections ?? 16,
      userAgent: options.userAgent ?? 'dctop',
    };
  }

  private pool(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        connections: this.options.connections,
        connect: { timeout: this.options.connectTimeoutMs },
        headersTimeout: this.options.requestTimeoutMs,
        bodyTimeout: this.options.requestTimeoutMs,
        keepAliveTimeout: 30_000,
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  /** A request to a root-relative path (or an absolute URL) of the API. */
  async request<T>(method: string, path: string, body?: unknown, extraHeaders?: Readonly<Record<string, string>>): Promise<RestResponse<T>> {
    const retries = method === 'GET' ? this.options.retries : 0;
    const closed = () => new DockerCloudError('closed', `${method} ${path}: the client is closed`, undefined, undefined, 'the client is closed');
    for (let attempt = 0; ; attempt++) {
      if (this.closed) throw closed();
      try {
        return await this.once<T>(method, path, body, extraHeaders);
      } catch (error) {
        if (this.closed) throw closed(); // aborted by close(), or failed meanwhile: nobody waits for a retry
        const e = error as DockerCloudError;
        // A 2xx that is not JSON (a body cut or garbled on its way) is asked again too.
        const retriable = e.kind === 'network' || e.kind === 'timeout' || e.kind === 'protocol' || (e.status !== undefined && RETRIABLE_STATUS.has(e.status));
        if (!retriable || attempt >= retries) throw error;
        await sleep(backoffDelay(this.options.backoff, attempt, e.retryAfterMs ?? 0));
      }
    }
  }

  private async once<T>(method: string, path: string, body?: unknown, extraHeaders?: Readonly<Record<string, string>>): Promise<RestResponse<T>> {
    const url = new URL(path, this.config.restHost);
    const headers: Record<string, string> = {
      ...extraHeaders,
      authorization: this.config.authorization,
      accept: 'application/json',
      'user-agent': this.options.userAgent,
    };
    let payload: string | undefined;
    if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    this.requests++;
    let res;
    try {
      // The pool's headersTimeout and bodyTimeout bound each request (no timer per request: the store makes
      // about one request per event, and a 30 s timer each would mean tens of thousands pending).
      res = await this.pool(url.origin).request({ method, path: `${url.pathname}${url.search}`, headers, body: payload });
    } catch (error) {
      throw transportError(method, url.pathname, error);
    }
    let text: string;
    try {
      text = await res.body.text();
    } catch (error) {
      throw transportError(method, url.pathname, error); // headers came, the body stalled or broke off
    }
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
      if (res.statusCode < 400) {
        throw new DockerCloudError('protocol', `${method} ${url.pathname}: the answer is not JSON`, res.statusCode, undefined, 'the answer is not JSON');
      }
    }
    if (res.statusCode >= 400) {
      const serverMessage = (parsed as { error?: unknown } | undefined)?.error;
      const message = typeof serverMessage === 'string' ? serverMessage : `HTTP ${res.statusCode}`;
      const retryAfter = Number(res.headers['retry-after']);
      throw new DockerCloudError(kindOfStatus(res.statusCode), `${method} ${url.pathname}: ${message}`, res.statusCode,
        Number.isFinite(retryAfter) ? retryAfter * 1000 : undefined, message);
    }
    return { status: res.statusCode, body: parsed as T, headers: res.headers };
  }

  private closed = false;

  /**
   * Aborts what is in flight and refuses what comes after: whoever closes is done with the answers, and a peer
   * that stopped answering must not keep the process alive for a request timeout and its retries.
   */
  async close(): Promise<void> {
    this.closed = true;
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.destroy()));
  }
}
