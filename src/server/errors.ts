// Errors that become `{"error": "…"}` responses. Anything else thrown in a route is a 500 with a generic message.
import { BackendError, type BackendErrorKind } from './backend-errors.js';

export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly headers: Record<string, string> = {}) {
    super(message);
    this.name = 'ApiError';
  }
}

export const badRequest = (message: string) => new ApiError(400, message);
export const notFound = (message = 'Not found') => new ApiError(404, message);
export const methodNotAllowed = (method: string, allowed: readonly string[]) =>
  new ApiError(405, `Method ${method} is not allowed here; allowed: ${allowed.join(', ')}`, { Allow: allowed.join(', ') });

const STATUS: Record<BackendErrorKind, number> = {
  'not-found': 404, conflict: 409, 'not-allowed': 400, unsupported: 400, invalid: 400, unavailable: 503,
};

/** The HTTP answer to an error a route or a backend threw; undefined for anything else (a bug: a 500). */
export function toApiError(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (error instanceof BackendError) return new ApiError(STATUS[error.kind], error.message, error.kind === 'unavailable' ? { 'Retry-After': '5' } : {});
  return undefined;
}
