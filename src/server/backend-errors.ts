// The errors a backend throws: what went wrong in its own terms. The routes alone turn them into HTTP statuses
// and `{"error": …}` bodies (toApiError), so that a backend knows nothing of HTTP.

export type BackendErrorKind =
  /** No such object. */
  | 'not-found'
  /** A name already taken, an object in the way. */
  | 'conflict'
  /** The object's state does not allow the operation now. */
  | 'not-allowed'
  /** The backend cannot do this at all (a Docker engine creates no cloud node clusters). */
  | 'unsupported'
  /** What the backend stands on (the Docker engine) does not answer. */
  | 'unavailable'
  /** The input is wrong; `field` names the field. */
  | 'invalid';

export class BackendError extends Error {
  constructor(readonly kind: BackendErrorKind, message: string, readonly field?: string) {
    super(message);
    this.name = 'BackendError';
  }
}

export const missing = (message: string) => new BackendError('not-found', message);
export const conflict = (message: string) => new BackendError('conflict', message);
export const notAllowed = (message: string) => new BackendError('not-allowed', message);
export const unsupported = (message: string) => new BackendError('unsupported', message);
export const unavailable = (message: string) => new BackendError('unavailable', message);
/** Bad input: the message names the field (`Invalid field 'region': …`). */
export const invalid = (message: string, field?: string) => new BackendError('invalid', message, field);
