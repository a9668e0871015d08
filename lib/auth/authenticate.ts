import type { APIGatewayProxyEvent } from 'aws-lambda';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { sessions, users } from '#db/schema.ts';
import { verifyAccessToken } from '#lib/auth/tokens.ts';
import type { AuthLevel } from '#lib/http/declaration.ts';
import { AppError } from '#lib/http/errors.ts';
import { database } from '#lib/infra/database.ts';
import type { Role } from '#lib/users/schemas.ts';

/** Who is calling, as established by the bearer step of the pipeline. */
export interface AuthContext {
  userId: string;
  /** Read from the database on every request, so a demotion takes effect at once. */
  role: Role;
  sessionId: string;
  /** Whether the account's email is confirmed, for `EMAIL_VERIFICATION=required`. */
  emailVerified: boolean;
}

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

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

/**
 * Verifies the access token, then checks in one indexed query (sessions and users by primary
 * key) that its session is live and its user still exists, so logout, revocation and deletion
 * take effect immediately rather than at token expiry.
 */
export async function authenticate(
  event: APIGatewayProxyEvent,
  level: Exclude<AuthLevel, 'none'>,
): Promise<AuthContext> {
  const claims = await verifyAccessToken(bearerToken(event));
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
  if (!row) throw new AppError('TOKEN_INVALID', 'The session has ended; sign in again');
  if (level === 'admin' && row.role !== 'ADMIN') {
    throw new AppError('INSUFFICIENT_PERMISSIONS', 'This route is for administrators');
  }
  return {
    userId: claims.userId,
    role: row.role,
    sessionId: claims.sessionId,
    emailVerified: row.emailVerifiedAt !== null,
  };
}
