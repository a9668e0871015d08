import type { RouteMiddleware } from './types.ts';

/**
 * API Gateway sends `null`, not `{}`, for a request without headers (a console test event, a
 * direct invoke); @middy/http-event-normalizer defaults the parameters but not the headers.
 * Every later step may then read headers without guarding.
 */
export const headersPresent = (): RouteMiddleware => ({
  before: function defaultHeaders(request) {
    request.event.headers ??= {};
    request.event.multiValueHeaders ??= {};
  },
});
