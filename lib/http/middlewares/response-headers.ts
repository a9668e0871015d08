import { config, isConfigured } from '#lib/infra/config.ts';
import type { RouteMiddleware, RouteRequest } from './types.ts';

/**
 * Headers of every answer, errors and 429s included: the request id, the rate-limit headers of
 * the limits this request met, `Cache-Control: no-store` (answers carry per-user data and
 * tokens: no shared or browser cache may keep them) and `Vary: Origin` whenever an allowlist exists.
 */
export function responseHeaders(cacheControl?: string): RouteMiddleware {
  const add = (request: RouteRequest) => {
    const { response } = request;
    if (!response) return;
    response.headers = {
      ...response.headers,
      ...request.context.route.meter.headers(response.statusCode),
      // A static document's success answer may be cached (its declaration says how); nothing else.
      'Cache-Control': cacheControl && response.statusCode === 200 ? cacheControl : 'no-store',
      'X-Request-Id': request.context.awsRequestId,
    };
    // Responses differ by Origin whenever an allowlist exists, allowed origin or not.
    if (isConfigured() && config().CORS_ORIGINS.length > 0 && !response.headers.Vary) response.headers.Vary = 'Origin';
  };
  return { after: add, onError: add };
}
