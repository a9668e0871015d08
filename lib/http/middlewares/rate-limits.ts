import type { RuleName } from '#lib/infra/config.ts';
import { ipSubject } from '#lib/infra/rate-limit.ts';
import { clientIp, type RouteMiddleware } from './types.ts';

/**
 * A per-IP rule, counted before the body is even looked at, so malformed floods count too.
 * (The `api` rule of an authenticated route counts per user, in the authentication step.)
 */
export const ipRateLimit = (rule: RuleName): RouteMiddleware => ({
  before: async function limitByIp(request) {
    await request.context.route.meter.enforce(rule, ipSubject(clientIp(request.event)));
  },
});
