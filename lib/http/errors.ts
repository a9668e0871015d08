import type { ErrorCode } from '#lib/core/errors.ts';

/** The HTTP status of each error code of the vocabulary (lib/core/errors.ts). */
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
} as const satisfies Record<ErrorCode, number>;

export const statusOf = (code: ErrorCode): number => ERROR_STATUS[code];

/** 4xx and 503 messages are written for the client; a 500's is replaced by a generic one. */
export const exposes = (code: ErrorCode): boolean => statusOf(code) < 500 || code === 'SERVICE_UNAVAILABLE';
