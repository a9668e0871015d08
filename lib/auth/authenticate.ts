import type { APIGatewayProxyEvent } from 'aws-lambda';
import { type AccessClaims, verifyAccessToken } from '#lib/auth/tokens.ts';
import { AppError } from '#lib/core/errors.ts';
import type { RuleName } from '#lib/infra/config.ts';
import { database } from '#lib/infra/database.ts';
import { hitFound, type LimitState, userSubject } from '#lib/infra/rate-limit.ts';
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
 * With `count`, the request also counts against a rate-limit rule: against the user when the
 * session is live, else against `count.otherwise` (the client IP); with the PostgreSQL store in
 * the same statement, one round trip for both (lib/infra/rate-limit.ts `hitFound`). `limit` is
 * then the state of that rule (undefined when the rule is off or, failing on its own, was not
 * counted).
 */
export async function checkSession(
  claims: AccessClaims,
  count?: { rule: RuleName; otherwise: string },
): Promise<SessionCheck> {
  const probe = () => liveSession(claims);
  const { row, limit } = count
    ? await hitFound<SessionRow>(count.rule, probe, count.otherwise)
    : { row: (await probe())[0], limit: undefined };
  return { account: row && accountOf(row.role, row.email_verified_at), limit };
}

interface SessionRow {
  role: Role;
  email_verified_at: string | null;
  /** The rate-limit subject of a live session's caller: its user. */
  subject: string;
}

/** The session's account when the session is live, by primary keys. */
function liveSession(claims: AccessClaims) {
  const { sql } = database();
  return sql<SessionRow[]>`
    select u.role, u.email_verified_at, ${userSubject(claims.userId)}::text as subject
    from sessions s join users u on u.id = s.user_id
    where s.id = ${claims.sessionId} and s.user_id = ${claims.userId}
      and s.revoked_at is null and s.expires_at > now()`;
}

const accountOf = (role: Role, emailVerifiedAt: Date | string | null) => ({
  role,
  emailVerified: emailVerifiedAt !== null,
});
