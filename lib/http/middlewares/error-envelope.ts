import { AppError, isDatabaseUnavailable, serviceUnavailable } from '#lib/core/errors.ts';
import type { ErrorEnvelope } from '#lib/http/envelopes.ts';
import { exposes, statusOf } from '#lib/http/errors.ts';
import { log } from '#lib/infra/log.ts';
import { countEvent } from '#lib/infra/metrics.ts';
import type { RouteMiddleware } from './types.ts';

/**
 * Turns whatever was thrown into the contract's error envelope, as an http error that
 * @middy/http-error-handler (the next step out) renders: status, JSON body, headers.
 * Unknown errors become 500 INTERNAL_ERROR, logged with their stack (never shown).
 */

/** Maps what Middy's own middlewares throw (plain http errors) onto the contract's codes. */
function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  if (status === 415) return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json');
  if (status === 422 || status === 400) {
    return new AppError('VALIDATION_ERROR', 'The request body is not valid JSON', {
      details: [{ path: 'body', message: (error as Error).message }],
    });
  }
  if (isDatabaseUnavailable(error)) return serviceUnavailable(error);
  return new AppError('INTERNAL_ERROR', 'Unexpected error', { cause: error });
}

/** Error facts safe for logs: never a query's parameters (they hold hashes and emails). */
function describeError(error: unknown): Record<string, unknown>[] {
  const chain: Record<string, unknown>[] = [];
  for (let current = error, depth = 0; current instanceof Error && depth < 4; depth++) {
    const hasParams = 'params' in current;
    chain.push({
      name: current.name,
      code: (current as { code?: unknown }).code,
      message: hasParams ? 'query failed (parameters withheld)' : current.message,
      stack: current.stack
        ?.split('\n')
        .filter((line) => line.trimStart().startsWith('at '))
        .join('\n'),
    });
    current = current.cause;
  }
  return chain;
}

export const errorEnvelope = (): RouteMiddleware => ({
  onError: function renderError(request) {
    if (request.response !== undefined) return;
    const error = toAppError(request.error);
    if (error.code === 'SERVICE_UNAVAILABLE') countEvent('database.unavailable');
    const status = statusOf(error.code);
    if (status >= 500) {
      log.error(error.code === 'INTERNAL_ERROR' ? 'unhandled error' : 'service unavailable', {
        error: describeError(request.error),
      });
    }
    const headers: Record<string, string> = { 'Content-Type': 'application/json; charset=utf-8' };
    if (status === 401) headers['WWW-Authenticate'] = 'Bearer';
    const body: ErrorEnvelope = {
      error: {
        code: error.code,
        message: exposes(error.code) ? error.message : 'An unexpected error occurred',
        ...(error.details ? { details: error.details } : {}),
        requestId: request.context.awsRequestId,
      },
    };
    // The shape @middy/http-error-handler renders: an exposed http error whose message is the body.
    request.error = Object.assign(new Error(JSON.stringify(body)), {
      statusCode: status,
      expose: true,
      headers,
    });
  },
});
