// Opening an authenticated websocket to the Stream API, with keepalive: a ping every interval, and the socket
// closed when no pong comes back in time (the official clients do the same: 10 s and 5 s).
import WebSocket from 'ws';
import type { ClientConfig } from './config.js';
import { describeNetworkError, DockerCloudError, kindOfNetworkError, kindOfStatus } from './errors.js';

export interface SocketOptions {
  handshakeTimeoutMs?: number;
  pingIntervalMs?: number;
  pongTimeoutMs?: number;
}

export function streamUrl(config: ClientConfig, path: string, query: Record<string, string | undefined> = {}): string {
  const url = new URL(path, config.streamHost);
  for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, value);
  return url.toString();
}

/**
 * Opens a socket. `onFailure` gets a typed error for a refused handshake (401 → auth) or a network failure; it is
 * called at most once, and not after `open`.
 */
export function openSocket(
  config: ClientConfig, url: string, options: SocketOptions, onFailure: (error: DockerCloudError) => void,
): WebSocket {
  const ws = new WebSocket(url, {
    headers: { Authorization: config.authorization },
    handshakeTimeout: options.handshakeTimeoutMs ?? 10_000,
    perMessageDeflate: false,
  });
  const path = new URL(url).pathname;
  let settled = false;
  const fail = (error: DockerCloudError) => {
    if (settled) return;
    settled = true;
    onFailure(error);
  };
  ws.once('open', () => {
    settled = true;
    keepAlive(ws, options.pingIntervalMs ?? 10_000, options.pongTimeoutMs ?? 5_000);
  });
  ws.once('unexpected-response', (_req, res) => {
    let text = '';
    res.on('data', (chunk: Buffer) => (text += chunk));
    res.on('end', () => {
      let message = `HTTP ${res.statusCode}`;
      try {
        message = (JSON.parse(text) as { error?: string }).error ?? message;
      } catch {
        // not JSON: keep the status line
      }
      const retryAfter = Number(res.headers['retry-after']);
      fail(new DockerCloudError(kindOfStatus(res.statusCode ?? 0), `${path}: ${message}`, res.statusCode,
        Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined, message));
      ws.terminate();
    });
  });
  ws.on('error', (error: Error) => {
    const kind = kindOfNetworkError(error);
    const described = describeNetworkError(error);
    const detail = kind === 'timeout' && !/timed out/i.test(described) ? 'timed out' : described;
    fail(new DockerCloudError(kind, `${path}: ${detail}`, undefined, undefined, detail));
  });
  return ws;
}

function keepAlive(ws: WebSocket, intervalMs: number, timeoutMs: number): void {
  let pongTimer: NodeJS.Timeout | undefined;
  const interval = setInterval(() => {
    if (ws.readyState !== WebSocket.OPEN) return;
    ws.ping();
    pongTimer ??= setTimeout(() => ws.terminate(), timeoutMs);
  }, intervalMs);
  ws.on('pong', () => {
    clearTimeout(pongTimer);
    pongTimer = undefined;
  });
  ws.once('close', () => {
    clearInterval(interval);
    clearTimeout(pongTimer);
  });
}
