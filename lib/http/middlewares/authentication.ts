import { authenticate } from '#lib/auth/authenticate.ts';
import { AppError } from '#lib/http/errors.ts';
import { config } from '#lib/infra/config.ts';
import { ipSubject, userSubject } from '#lib/infra/rate-limit.ts';
import { clientIp, type RouteMiddleware } from './types.ts';

/**
 * The bearer check (a live session, and the ADMIN role where asked), before path, query and body
 * validation: an anonymous caller learns nothing about ids or fields. With `countApi`, the
 * request then counts against the caller's `api` rule, or against the client IP's when the
 * token is not valid, so guessing tokens is limited too. With `verifiedOnly` and
 * `EMAIL_VERIFICATION=required`, a caller whose email is not confirmed gets 403 (counted).
 */
export const authentication = (level: 'user' | 'admin', countApi: boolean, verifiedOnly: boolean): RouteMiddleware => ({
  before: async function authenticateCaller(request) {
    const { event, context } = request;
    const { meter } = context.route;
    try {
      context.route.auth = await authenticate(event, level);
    } catch (error) {
      if (countApi && error instanceof AppError && error.statusCode === 401) {
        await meter.enforce('api', ipSubject(clientIp(event)));
      }
      throw error;
    }
    if (countApi) await meter.enforce('api', userSubject(context.route.auth.userId));
    if (verifiedOnly && !context.route.auth.emailVerified && config().EMAIL_VERIFICATION === 'required') {
      throw new AppError('EMAIL_NOT_VERIFIED', 'Confirm your email address first; the link is in the email we sent');
    }
  },
});
