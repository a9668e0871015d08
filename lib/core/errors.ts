/**
 * The project's error vocabulary, below every layer: the domain throws these, and the HTTP layer
 * maps each code to its status and renders the contract's envelope (lib/http/errors.ts,
 * lib/http/middlewares/error-envelope.ts). Every error a client can see is one of these codes.
 */

export const ERROR_CODES = [
  'VALIDATION_ERROR',
  'INVALID_ONE_TIME_TOKEN',
  'AUTHENTICATION_REQUIRED',
  'INVALID_CREDENTIALS',
  'TOKEN_EXPIRED',
  'TOKEN_INVALID',
  'INSUFFICIENT_PERMISSIONS',
  'EMAIL_NOT_VERIFIED',
  'RESOURCE_NOT_FOUND',
  'ROUTE_NOT_FOUND',
  'EMAIL_ALREADY_EXISTS',
  'LAST_ADMIN',
  'TASK_LIMIT_REACHED',
  'IDEMPOTENCY_KEY_IN_USE',
  'SYNC_CURSOR_EXPIRED',
  'PRECONDITION_FAILED',
  'IDEMPOTENCY_KEY_REUSED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'RATE_LIMIT_EXCEEDED',
  'INTERNAL_ERROR',
  'SERVICE_UNAVAILABLE',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** One problem of a VALIDATION_ERROR: the field or parameter, and what is wrong with it. */
export interface ErrorDetail {
  path: string;
  message: string;
}

export interface AppErrorOptions {
  details?: ErrorDetail[];
  cause?: unknown;
}

export class AppError extends Error {
  override name = 'AppError';
  readonly code: ErrorCode;
  readonly details: ErrorDetail[] | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.details = options.details;
  }
}

export const validationError = (details: ErrorDetail[], message = 'The request is not valid') =>
  new AppError('VALIDATION_ERROR', message, { details });

/** A new password that contains the account's email (lib/auth/passwords.ts): a 400 naming the field. */
export const passwordMentionsEmailError = () =>
  validationError([{ path: 'password', message: 'contains your email address; choose another password' }]);

export const notFound = (what = 'Resource') => new AppError('RESOURCE_NOT_FOUND', `${what} not found`);

export const emailTaken = () => new AppError('EMAIL_ALREADY_EXISTS', 'An account with this email already exists');

export const serviceUnavailable = (cause?: unknown) =>
  new AppError('SERVICE_UNAVAILABLE', 'The service is temporarily unavailable, please retry', {
    cause,
  });

/** postgres.js error codes for a connection that could not be made or was lost. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
]);

/**
 * PostgreSQL SQLSTATEs meaning "the database cannot serve you right now": connection
 * exceptions (08), too many connections / resources (53), operator intervention such as
 * shutdown or statement timeout (57), serialization failures / deadlocks (40), and a
 * database that rejects the role (28) or does not exist (3D000): a misconfigured or
 * half-provisioned database is unavailable to the caller, not a bug in the request.
 */
const UNAVAILABLE_SQLSTATE = /^(08|53|57|40|28|3D000$)/;

/** The errors in a cause chain (Drizzle wraps the driver's error in `cause`). */
function* causes(error: unknown): Generator<{ code?: unknown; name?: unknown }> {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    yield current as { code?: unknown; name?: unknown };
    current = (current as { cause?: unknown }).cause;
  }
}

/** Whether an error (or any error in its cause chain) means the database is unavailable. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (const { code, name } of causes(error)) {
    if (typeof code === 'string' && (CONNECTION_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true;
    if (name === 'TimeoutError') return true;
  }
  return false;
}

/** Whether a statement failed on a unique constraint (SQLSTATE 23505). */
export function isUniqueViolation(error: unknown): boolean {
  for (const { code } of causes(error)) if (code === '23505') return true;
  return false;
}

/** Whether a statement failed on a foreign key (SQLSTATE 23503), e.g. its user was just deleted. */
export function isForeignKeyViolation(error: unknown): boolean {
  for (const { code } of causes(error)) if (code === '23503') return true;
  return false;
}
