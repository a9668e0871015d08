import { type AuthContext, assertRole, checkSession, type SessionCheck, verifyCaller } from '#lib/auth/authenticate.ts';
import type { AccessClaims } from '#lib/auth/tokens.ts';
import { AppError } from '#lib/core/errors.ts';
import { statusOf } from '#lib/http/errors.ts';
import { refuseFirst, speculate } from '#lib/http/speculative.ts';
import { config } from '#lib/infra/config.ts';
import { ipSubject, type RateLimitMeter } from '#lib/infra/rate-limit.ts';
import { clientIp, type RouteMiddleware } from './types.ts';

export interface AuthenticationOptions {
  level: 'user' | 'admin';
  /** Count the request against the caller's `api` rule (or the client IP's for a bad token). */
  countApi: boolean;
  /** With `EMAIL_VERIFICATION=required`, refuse a caller whose email is not confirmed (403). */
  verifiedOnly: boolean;
  /** The route is declared speculative: its handler may start before the check answers (lib/http/speculative.ts). */
  speculative: boolean;
}

/**
 * The bearer check (a live session, and the ADMIN role where asked), before path, query and body
 * validation: an anonymous caller learns nothing about ids or fields. With `countApi`, the
 * request then counts against the caller's `api` rule, or against the client IP's when the
 * token is not valid, so guessing tokens is limited too. With `verifiedOnly` and
 * `EMAIL_VERIFICATION=required`, a caller whose email is not confirmed gets 403 (counted).
 *
 * On a `speculative` route the session check may be left out here, for the handler step to
 * await (lib/http/speculative.ts).
 */
export const authentication = ({
  level,
  countApi,
  verifiedOnly,
  speculative,
}: AuthenticationOptions): RouteMiddleware => ({
  before: async function authenticateCaller(request) {
    const { event, context } = request;
    const { meter } = context.route;
    const otherwise = ipSubject(clientIp(event));
    let claims: AccessClaims;
    try {
      claims = await verifyCaller(event);
    } catch (error) {
      // A token that is not even well-formed or signed never reaches the database: count it now.
      if (countApi && error instanceof AppError && statusOf(error.code) === 401) await meter.enforce('api', otherwise);
      throw error;
    }
    // The session check and the API count are one statement (one round trip).
    const checked = checkSession(claims, countApi ? { rule: 'api', otherwise } : undefined);
    const admitted = checked.then((check) => admit(check, claims, meter, level, verifiedOnly));
    if (speculate(context.route, claims, checked, admitted, speculative)) return;
    context.route.auth = await admitted;
  },
  ...(speculative ? { onError: refuseFirst } : {}),
});

/** The caller, once the session check admits them; the refusal (429, 401, 403) otherwise. */
function admit(
  check: SessionCheck,
  claims: AccessClaims,
  meter: RateLimitMeter,
  level: AuthenticationOptions['level'],
  verifiedOnly: boolean,
): AuthContext {
  // Counted before the role check: a user hammering admin routes spends their own budget.
  meter.check(check.limit);
  if (!check.account) throw new AppError('TOKEN_INVALID', 'The session has ended; sign in again');
  const auth = { userId: claims.userId, role: check.account.role, sessionId: claims.sessionId };
  assertRole(auth, level);
  if (verifiedOnly && !check.account.emailVerified && config().EMAIL_VERIFICATION === 'required') {
    throw new AppError('EMAIL_NOT_VERIFIED', 'Confirm your email address first; the link is in the email we sent');
  }
  return auth;
}
