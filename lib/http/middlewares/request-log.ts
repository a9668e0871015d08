import { log } from '#lib/infra/log.ts';
import type { RouteMiddleware, RouteRequest } from './types.ts';

/** The one log line per request: route, status and latency (the logger adds the request id). */
export function requestLog(): RouteMiddleware {
  const write = (request: RouteRequest) => {
    const { event, response, internal } = request;
    log.info('request', {
      route: `${event.httpMethod} ${event.requestContext?.resourcePath ?? event.path}`,
      status: response?.statusCode,
      latencyMs: Math.round((performance.now() - internal.startedAt) * 100) / 100,
    });
  };
  return {
    before: function recordStart(request) {
      request.internal.startedAt = performance.now();
    },
    after: write,
    onError: write,
  };
}
