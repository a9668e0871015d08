import { AppError } from '#lib/core/errors.ts';
import type { RouteMiddleware } from './types.ts';

export const MAX_BODY_BYTES = 64 * 1024;

const JSON_CONTENT_TYPE = /^application\/json\s*(;|$)/i;

/**
 * Size and media-type checks before any JSON parsing. An absent body of a route whose body is
 * optional is read as `{}`.
 */
export const bodyGuard = (optional: boolean): RouteMiddleware => ({
  before: function guardBody(request) {
    const { event } = request;
    const raw = event.body ?? '';
    const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64').length : Buffer.byteLength(raw);
    if (bytes > MAX_BODY_BYTES) {
      throw new AppError('PAYLOAD_TOO_LARGE', `The request body must be at most ${MAX_BODY_BYTES} bytes`);
    }
    if (bytes === 0) {
      if (!optional) {
        throw new AppError('VALIDATION_ERROR', 'A JSON request body is required', {
          details: [{ path: 'body', message: 'is required' }],
        });
      }
      event.body = '{}';
      event.isBase64Encoded = false;
      return;
    }
    // Content-Type is a singleton field: with two, API Gateway's `headers` shows only the last,
    // and a body the client labelled two ways is not known to be JSON.
    if ((event.multiValueHeaders?.['content-type']?.length ?? 0) > 1) {
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send exactly one Content-Type header, application/json');
    }
    if (!JSON_CONTENT_TYPE.test(event.headers['content-type'] ?? '')) {
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json');
    }
  },
});
