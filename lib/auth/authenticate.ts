import type { APIGatewayProxyEvent } from 'aws-lambda';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { sessions, users } from '#db/schema.ts';
import { type AccessClaims, verifyAccessToken } from '#lib/auth/tokens.ts';
import { AppError } from '#lib/core/errors.ts';
import { type RateRule, type RuleName, rateRuleOf } from '#lib/infra/config.ts';
import { database } from '#lib/infra/database.ts';
import {
  asyncCommit,
  type CounterRow,
  type LimitState,
  limiterFailure,
  limitState,
  rateLimitKey,
  upsertHit,
  userSubject,
} from '#lib/infra/rate-limit.ts';
import type { Role } from '#lib/users/schemas.ts';

/** Who is calling, as established by the bearer step of the pipeline. */
export interface AuthContext {
  userId: string;
  /** Read from the database on every request, so a demotion takes effect at once. */
  role: Role;
  sessionId: string;
}

/** What the session check found: the account when the session is live, and the rule counted. */
export interface SessionCheck {
  /** The session's account; undefined for an ended session (logged out, revoked, expired) or a deleted account. */
  account: { role: Role; emailVerified: boolean } | undefined;
  limit: LimitState | undefined;
}

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** The admin routes' role check, after the caller is known (and counted). */
export function assertRole(auth: AuthContext, level: 'user' | 'admin'): void {
  if (level === 'admin' && auth.role !== 'ADMIN') {
    throw new AppError('INSUFFICIENT_PERMISSIONS', 'This route is for administrators');
  }
}

/** The bearer token of a request (headers already lower-cased by the pipeline). */
function bearerToken(event: APIGatewayProxyEvent): string {
  const values = event.multiValueHeaders?.authorization ?? event.multiValueHeaders?.Authorization;
  if (values && values.length > 1) throw new AppError('TOKEN_INVALID', 'Send exactly one Authorization header');
  const header = event.headers.authorization;
  if (!header || !/^bearer\b/i.test(header)) {
    throw new AppError('AUTHENTICATION_REQUIRED', 'A bearer access token is required');
  }
  const match = BEARER.exec(header);
  if (!match?.[1]) throw new AppError('TOKEN_INVALID', 'The access token is not valid');
  return match[1];
}

/** The caller a bearer token names, once its signature, algorithm, audience and expiry hold. */
export const verifyCaller = (event: APIGatewayProxyEvent): Promise<AccessClaims> =>
  verifyAccessToken(bearerToken(event));

/**
 * Checks in one indexed query (sessions and users by primary key) that the token's session is
 * live and its user still exists, so logout, revocation and deletion take effect immediately
 * rather than at token expiry. The query is sent before this returns (postgres.js sends on
 * `then`), so queries made after it share its round trip.
 *
 * With `count`, the same statement counts the request against a rate-limit rule: against the
 * user when the session is live, else against `count.otherwise` (the client IP), so a request
 * pays one round trip for both. `limit` is then the state of that rule (undefined when the rule
 * is off or, failing on its own, was not counted).
 */
export async function checkSession(
  claims: AccessClaims,
  count?: { rule: RuleName; otherwise: string },
): Promise<SessionCheck> {
  const rule = count && rateRuleOf(count.rule);
  if (count && rule) {
    try {
      return await checkAndCount(claims, count.rule, rule, count.otherwise);
    } catch (error) {
      // A limiter failing on its own (the API rule fails open); an outage propagates (503).
      limiterFailure(count.rule, error);
    }
  }
  const [row] = await database()
    .db.select({ role: users.role, emailVerifiedAt: users.emailVerifiedAt })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        eq(sessions.id, claims.sessionId),
        eq(sessions.userId, claims.userId),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, sql`now()`),
      ),
    );
  return { account: row && accountOf(row.role, row.emailVerifiedAt), limit: undefined };
}

const accountOf = (role: Role, emailVerifiedAt: Date | string | null) => ({
  role,
  emailVerified: emailVerifiedAt !== null,
});

interface LiveCountedRow extends CounterRow {
  live: boolean;
  role: Role | null;
  email_verified_at: string | null;
}

async function checkAndCount(claims: AccessClaims, ruleName: RuleName, rule: RateRule, otherwise: string) {
  const { sql: query } = database();
  const userKey = rateLimitKey(ruleName, userSubject(claims.userId));
  const otherKey = rateLimitKey(ruleName, otherwise);
  const [row] = await query<LiveCountedRow[]>`
    with live as (
      select u.role, u.email_verified_at
      from sessions s join users u on u.id = s.user_id
      where s.id = ${claims.sessionId} and s.user_id = ${claims.userId}
        and s.revoked_at is null and s.expires_at > now()
    ),
    counted as (
      ${upsertHit(query`case when exists (select from live) then ${userKey} else ${otherKey} end`, rule.windowSeconds)}
    )
    select
      exists (select from live) as live, live.role, live.email_verified_at,
      counted.count, counted.window_start, counted.reset, ${asyncCommit()}
    from counted left join live on true`;
  if (!row) throw new Error('rate-limit upsert returned no row');
  return {
    account: row.live && row.role ? accountOf(row.role, row.email_verified_at) : undefined,
    limit: limitState(ruleName, row.live ? userKey : otherKey, rule.limit, row),
  };
}
