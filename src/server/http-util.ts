// Small helpers around node:http for JSON APIs.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Json } from './body.js';
import { ApiError } from './errors.js';

const MAX_BODY = 4 * 1024 * 1024;

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendJsonText(res, status, JSON.stringify(body), headers);
}

/** Sends JSON that is already serialized. */
export function sendJsonText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, error: ApiError): void {
  sendJson(res, error.status, { error: error.message }, error.headers);
}

/**
 * The request body as JSON. An empty body (or whitespace) is `undefined`: clients send action POSTs with no body,
 * and GETs with `{}`. A body that is not JSON is 415, as the reference says.
 */
export async function readJsonBody(req: IncomingMessage): Promise<Json | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new ApiError(413, `Request body larger than ${MAX_BODY} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as Json;
  } catch {
    throw new ApiError(415, 'The request body is not valid JSON; send application/json');
  }
}

export function clientIp(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? '';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
