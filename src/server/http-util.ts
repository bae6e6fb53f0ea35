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
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY) throw new ApiError(413, `Request body larger than ${MAX_BODY} bytes`);
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new ClientGone(); // the client went away in the middle of its body
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return undefined;
  let parsed: Json;
  try {
    parsed = JSON.parse(text) as Json;
  } catch {
    throw new ApiError(415, 'The request body is not valid JSON; send application/json');
  }
  if (depth(parsed) > MAX_DEPTH) throw new ApiError(400, `The request body is nested deeper than ${MAX_DEPTH} levels`);
  return parsed;
}

/** A request whose client disconnected before it finished sending: nothing to answer, nothing wrong with us. */
export class ClientGone extends Error {
  constructor() {
    super('the client went away before its request was complete');
  }
}

const MAX_DEPTH = 32;

/** How deep arrays and objects nest (iteratively: a body nested 10,000 deep must not overflow the stack). */
function depth(value: Json): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    deepest = Math.max(deepest, d);
    if (deepest > MAX_DEPTH) return deepest;
    for (const child of Object.values(v as object)) stack.push([child, d + 1]);
  }
  return deepest;
}

export function clientIp(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? '';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
