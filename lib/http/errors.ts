import type { ErrorDetail } from '#lib/http/envelopes.ts';

/**
 * Typed application errors. Every error a client can see is one of these codes; the
 * pipeline turns them into the contract's error envelope in one place
 * (lib/http/middlewares/error-envelope.ts).
 */

export const ERROR_STATUS = {
  VALIDATION_ERROR: 400,
  INVALID_ONE_TIME_TOKEN: 400,
  AUTHENTICATION_REQUIRED: 401,
  INVALID_CREDENTIALS: 401,
  TOKEN_EXPIRED: 401,
  TOKEN_INVALID: 401,
  INSUFFICIENT_PERMISSIONS: 403,
  EMAIL_NOT_VERIFIED: 403,
  RESOURCE_NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  EMAIL_ALREADY_EXISTS: 409,
  LAST_ADMIN: 409,
  TASK_LIMIT_REACHED: 409,
  IDEMPOTENCY_KEY_IN_USE: 409,
  SYNC_CURSOR_EXPIRED: 410,
  PRECONDITION_FAILED: 412,
  IDEMPOTENCY_KEY_REUSED: 422,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMIT_EXCEEDED: 429,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface AppErrorOptions {
  details?: ErrorDetail[];
  headers?: Record<string, string>;
  cause?: unknown;
}

export class AppError extends Error {
  override name = 'AppError';
  readonly code: ErrorCode;
  readonly statusCode: number;
  /** 4xx and 503 messages are written for the client; a 500's is replaced by a generic one. */
  readonly expose: boolean;
  readonly details: ErrorDetail[] | undefined;
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.statusCode = ERROR_STATUS[code];
    this.expose = this.statusCode < 500 || code === 'SERVICE_UNAVAILABLE';
    this.details = options.details;
    this.headers = options.headers ?? {};
  }
}

export const validationError = (details: ErrorDetail[], message = 'The request is not valid') =>
  new AppError('VALIDATION_ERROR', message, { details });

/** A new password that contains the account's email (lib/auth/passwords.ts): a 400 naming the field. */
export const passwordMentionsEmailError = () =>
  new AppError('VALIDATION_ERROR', 'The request is not valid', {
    details: [{ path: 'password', message: 'contains your email address; choose another password' }],
  });

export const notFound = (what = 'Resource') => new AppError('RESOURCE_NOT_FOUND', `${what} not found`);

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
