/**
 * The application error: one type with a closed set of codes, mapped to HTTP statuses and CLI
 * exit codes in one place each (adapters/http/errors.ts, adapters/cli/main.ts).
 */
export const ERROR_CODES = [
  'VALIDATION', // the input is malformed or breaks a rule; details name the field or row
  'NOT_FOUND', // the thing asked for does not exist
  'CONFLICT', // the request contradicts stored data (e.g. a reused idempotency key)
  'INVALID_STATE', // the operation is not possible in the current state
  'FORBIDDEN', // the actor's role may not do or see this
  'UNAUTHENTICATED', // no valid session or key: sign in first
  'THROTTLED', // too many attempts: wait and try again
  'TRAINING_REQUIRED', // a compliance course is expired or missing: no calls until renewed
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorDetail {
  /** The field path, or file:line:column for an import row. */
  at: string;
  reason: string;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: readonly ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`);
export const invalid = (message: string, details: readonly ErrorDetail[] = []) =>
  new AppError('VALIDATION', message, details);
export const forbidden = (message: string) => new AppError('FORBIDDEN', message);
