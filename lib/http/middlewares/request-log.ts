import { log } from '#lib/infra/log.ts';
import { countColdStart, publishMetrics, recordRequest } from '#lib/infra/metrics.ts';
import type { RouteMiddleware, RouteRequest } from './types.ts';

/**
 * The one log line per request: route, status and latency (the logger adds the request id),
 * and the same as metrics (lib/infra/metrics.ts), with whatever events the request counted.
 */
export function requestLog(): RouteMiddleware {
  const write = (request: RouteRequest) => {
    const { event, response, internal } = request;
    const route = `${event.httpMethod} ${event.requestContext?.resourcePath ?? event.resource ?? event.path}`;
    const latencyMs = Math.round((performance.now() - internal.startedAt) * 100) / 100;
    log.info('request', { route, status: response?.statusCode, latencyMs });
    recordRequest(route, response?.statusCode ?? 500, latencyMs);
    publishMetrics();
  };
  return {
    before: function recordStart(request) {
      request.internal.startedAt = performance.now();
      countColdStart(request.context.functionName);
    },
    after: write,
    onError: write,
  };
}
