import { type AuthContext, assertRole, checkSession, type SessionCheck, verifyCaller } from '#lib/auth/authenticate.ts';
import type { AccessClaims } from '#lib/auth/tokens.ts';
import { AppError } from '#lib/core/errors.ts';
import { statusOf } from '#lib/http/errors.ts';
import { config } from '#lib/infra/config.ts';
import { connectionAnswering } from '#lib/infra/database.ts';
import { ipSubject, type RateLimitMeter } from '#lib/infra/rate-limit.ts';
import { clientIp, type RouteMiddleware, type RouteState } from './types.ts';

export interface AuthenticationOptions {
  level: 'user' | 'admin';
  /** Count the request against the caller's `api` rule (or the client IP's for a bad token). */
  countApi: boolean;
  /** With `EMAIL_VERIFICATION=required`, refuse a caller whose email is not confirmed (403). */
  verifiedOnly: boolean;
  /**
   * A read-only route (GET): its handler starts beside the session check instead of after it,
   * with the caller the signed token names, and its answer waits for the check (`admitted`).
   */
  speculative: boolean;
}

/**
 * The bearer check (a live session, and the ADMIN role where asked), before path, query and body
 * validation: an anonymous caller learns nothing about ids or fields. With `countApi`, the
 * request then counts against the caller's `api` rule, or against the client IP's when the
 * token is not valid, so guessing tokens is limited too. With `verifiedOnly` and
 * `EMAIL_VERIFICATION=required`, a caller whose email is not confirmed gets 403 (counted).
 *
 * On a `speculative` route the session check's answer is not awaited here: the handler's
 * queries then go out in the same round trip as the check. Until the check admits the caller,
 * nothing the handler found leaves the function; every refusal (401, 429, 403, and one found
 * while validating the input) is the one the check would have given first.
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
    // Only on a connection that answers: see connectionAnswering.
    if (!speculative || !connectionAnswering()) {
      context.route.auth = await admitted;
      return;
    }
    // Awaited by the handler step, or by onError below; never an unhandled rejection meanwhile.
    admitted.catch(() => undefined);
    context.route.auth = { userId: claims.userId, role: claims.role, sessionId: claims.sessionId };
    context.route.admitted = admitted;
  },
  onError: async function refuseAsTheCheckWould(request) {
    // A step after this one failed (validation) while the session check was still out: the
    // check's own refusal comes first, as when it is awaited before those steps.
    const pending = request.context.route?.admitted;
    if (!pending) return;
    request.context.route.admitted = undefined;
    try {
      await pending;
    } catch (error) {
      request.error = error as Error;
    }
  },
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

/**
 * A speculative route's answer: `run` with the token's caller, started at once, then kept only
 * when the session check admits that caller. Should the account's role have changed since the
 * token was signed, `run` goes again with the role the database holds (a handler may branch on
 * it), so nothing found for the claimed role is ever answered.
 */
export async function answerWhenAdmitted<T>(state: RouteState, run: (auth: AuthContext) => Promise<T> | T): Promise<T> {
  const claimed = state.auth;
  const admitted = state.admitted;
  if (!admitted || !claimed) throw new Error('answerWhenAdmitted: no session check is out');
  const answer = Promise.resolve().then(() => run(claimed));
  // An answer that is not used still settles before the function returns (it follows the check
  // in the same round trip): nothing is left in flight on the connection of a frozen instance.
  // Handling it here also keeps a handler error from counting before the caller is admitted.
  const settled = answer.then(
    () => undefined,
    () => undefined,
  );
  let auth: AuthContext;
  try {
    auth = await admitted;
  } catch (error) {
    await settled;
    throw error;
  } finally {
    state.admitted = undefined;
  }
  state.auth = auth;
  if (auth.role === claimed.role) return answer;
  await settled;
  return run(auth);
}
