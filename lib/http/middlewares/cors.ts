import httpCors from '@middy/http-cors';
import { config, isConfigured } from '#lib/infra/config.ts';
import type { RouteMiddleware, RouteRequest } from './types.ts';

/** What browsers may send and read, for every route (and the gateway's own answers, serverless.yml). */
export const CORS_HEADERS = {
  methods: 'GET,POST,PATCH,DELETE,OPTIONS',
  headers: 'Authorization,Content-Type,X-Api-Key,Idempotency-Key,If-Match,If-None-Match',
  exposeHeaders:
    'Location,ETag,Idempotent-Replayed,Retry-After,RateLimit-Limit,RateLimit-Remaining,RateLimit-Reset,X-Request-Id',
  maxAge: 600,
};

/**
 * @middy/http-cors with the CORS_ORIGINS allowlist, in two steps: the preflight answer (a
 * `before` step, once the configuration is loaded) and the headers of every other answer (on
 * the way out, after the error handler). The package takes its origins when made, so it is made
 * on the first request; an answer given before the configuration loaded carries no CORS headers.
 */
let made: ReturnType<typeof httpCors> | undefined;
const httpCorsOf = () => {
  made ??= httpCors({ ...CORS_HEADERS, origins: config().CORS_ORIGINS });
  return made;
};

export const corsPreflight = (): RouteMiddleware => ({
  before: function answerPreflight(request) {
    const answer = httpCorsOf().before?.(request as never) as RouteRequest['response'] | undefined;
    // An empty body, as API Gateway sends it (serverless-offline answers 200 to a 204 without one).
    if (answer) answer.body = '';
    return answer;
  },
});

export function corsHeaders(): RouteMiddleware {
  const apply = (request: RouteRequest) => {
    if (isConfigured()) httpCorsOf().onError?.(request as never);
  };
  return { after: apply, onError: apply };
}
