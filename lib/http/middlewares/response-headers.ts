import { config, isConfigured } from '#lib/infra/config.ts';
import type { RouteMiddleware, RouteRequest } from './types.ts';

/**
 * Headers of every answer, errors and 429s included: the request id, the rate-limit headers of
 * the limits this request met, `Cache-Control: no-store` (answers carry per-user data and
 * tokens: no shared or browser cache may keep them) and `Vary: Origin` whenever an allowlist exists.
 */
export function responseHeaders(): RouteMiddleware {
  const add = (request: RouteRequest) => {
    const { response } = request;
    if (!response) return;
    response.headers = {
      ...response.headers,
      ...request.context.route.meter.headers(response.statusCode),
      'Cache-Control': 'no-store',
      'X-Request-Id': request.context.awsRequestId,
    };
    // Responses differ by Origin whenever an allowlist exists, allowed origin or not.
    if (isConfigured() && config().CORS_ORIGINS.length > 0 && !response.headers.Vary) response.headers.Vary = 'Origin';
  };
  return { after: add, onError: add };
}
