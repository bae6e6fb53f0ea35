// The engine's errors in the backend's terms: what the route layer turns into a 4xx with the engine's own message.
import { BackendError, conflict, invalid, missing, notAllowed, unavailable } from '../backend-errors.js';

/** A dockerode error (it carries the engine's HTTP status and JSON message) as a BackendError. */
export function engineError(error: unknown, what: string): BackendError {
  if (error instanceof BackendError) return error;
  const e = error as { statusCode?: number; json?: { message?: string }; reason?: string; message?: string; code?: string };
  const message = (e.json?.message ?? e.reason ?? e.message ?? String(error)).trim();
  if (e.code === 'ECONNREFUSED' || e.code === 'ENOENT' || e.code === 'EACCES' || e.code === 'ECONNRESET') {
    return unavailable(`the Docker engine does not answer (${e.code}) while ${what}`);
  }
  switch (e.statusCode) {
    case 400: return invalid(`${what}: ${message}`);
    case 404: return missing(`${what}: ${message}`);
    case 409: return conflict(`${what}: ${message}`);
    case 503: return notAllowed(`${what}: ${message}`);
    default: return unavailable(`${what}: ${message}`);
  }
}

/** Runs an engine call; its failure becomes the backend's error, naming what was being done. */
export async function engine<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    // 304: already in the state asked for (start of a running container): not an error.
    if ((error as { statusCode?: number }).statusCode === 304) return undefined as T;
    throw engineError(error, what);
  }
}
