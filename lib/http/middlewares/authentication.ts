import { assertRole, authenticate } from '#lib/auth/authenticate.ts';
import { AppError } from '#lib/http/errors.ts';
import { config } from '#lib/infra/config.ts';
import { ipSubject } from '#lib/infra/rate-limit.ts';
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
    let checked: Awaited<ReturnType<typeof authenticate>>;
    try {
      // The session check and the API count are one statement (one round trip).
      checked = await authenticate(
        event,
        countApi ? { rule: 'api', otherwise: ipSubject(clientIp(event)) } : undefined,
      );
    } catch (error) {
      // A token that is not even well-formed or signed never reached the database: count it now.
      if (countApi && error instanceof AppError && error.statusCode === 401) {
        await meter.enforce('api', ipSubject(clientIp(event)));
      }
      throw error;
    }
    // Counted before the role check: a user hammering admin routes spends their own budget.
    meter.check(checked.limit);
    if (!checked.auth) throw new AppError('TOKEN_INVALID', 'The session has ended; sign in again');
    context.route.auth = checked.auth;
    assertRole(checked.auth, level);
    if (verifiedOnly && !checked.auth.emailVerified && config().EMAIL_VERIFICATION === 'required') {
      throw new AppError('EMAIL_NOT_VERIFIED', 'Confirm your email address first; the link is in the email we sent');
    }
  },
});
