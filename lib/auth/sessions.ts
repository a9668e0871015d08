import { randomUUID } from 'node:crypto';
import { and, count, desc, eq, gt, isNull, type SQLWrapper, sql } from 'drizzle-orm';
import type { Database, Transaction } from '#db/client.ts';
import { refreshTokens, sessions, users } from '#db/schema.ts';
import { eventStatement, recordEvent } from '#lib/audit/audit.ts';
import type { Session, Tokens } from '#lib/auth/schemas.ts';
import { hashRefreshToken, newRefreshToken, signAccessToken } from '#lib/auth/tokens.ts';
import { AppError, notFound } from '#lib/core/errors.ts';
import type { Pagination } from '#lib/core/schema.ts';
import { config } from '#lib/infra/config.ts';
import { database, pipelinedTransaction } from '#lib/infra/database.ts';
import { countEvent } from '#lib/infra/metrics.ts';
import { pageOffset, pageWithTotal } from '#lib/infra/query.ts';
import { hitSubjectFound, ipSubject, type LimitState, type RateLimitMeter } from '#lib/infra/rate-limit.ts';
import type { Role } from '#lib/users/schemas.ts';

/**
 * Login sessions and their refresh-token chains. A session ends at its absolute expiry or
 * when revoked; revoking it stops its refresh token and, through the bearer check, every
 * access token it issued.
 */

/** A spent refresh token presented again this soon is a retry or a second tab, not theft. */
export const REUSE_GRACE_SECONDS = 10;

export interface ClientInfo {
  userAgent: string | undefined;
  ip: string;
}

type Executor = Database | Transaction;

const secondsUntil = (date: Date) => Math.max(0, Math.round((date.getTime() - Date.now()) / 1000));

/** The insert of a new refresh token, and the tokens to answer with once it is written. */
function refreshTokenStatement(
  executor: Executor,
  session: { id: string; userId: string; role: Role; expiresAt: Date },
  parentId: string | null,
) {
  const refreshToken = newRefreshToken();
  const expiresAt = new Date(Math.min(Date.now() + config().REFRESH_TOKEN_TTL * 1000, session.expiresAt.getTime()));
  const statement = executor.insert(refreshTokens).values({
    tokenHash: hashRefreshToken(refreshToken),
    sessionId: session.id,
    parentId,
    expiresAt,
  });
  const tokens = async (): Promise<Tokens> => ({
    accessToken: await signAccessToken({ userId: session.userId, role: session.role, sessionId: session.id }),
    refreshToken,
    tokenType: 'Bearer',
    expiresIn: config().ACCESS_TOKEN_TTL,
    refreshExpiresIn: secondsUntil(expiresAt),
  });
  return { statement, tokens };
}

/**
 * The statements that start a session for a user who just proved who they are, and the tokens
 * to answer with once they are written. The session id is made here, so no statement waits for
 * another's answer: they can go out together, in order, in one transaction. Only the sign-in
 * gate calls it (lib/auth/sign-in.ts): every session starts there.
 */
export function sessionStatements(user: { id: string; role: Role }, client: ClientInfo) {
  const { db } = database();
  const session = {
    id: randomUUID(),
    userId: user.id,
    role: user.role,
    expiresAt: new Date(Date.now() + config().SESSION_TTL * 1000),
  };
  const issued = refreshTokenStatement(db, session, null);
  const statements: SQLWrapper[] = [
    // Concurrent logins of one user queue here, so the cap below counts every one of them.
    sql`select 1 from ${users} where ${users.id} = ${user.id} for no key update`,
    db.insert(sessions).values({
      id: session.id,
      userId: user.id,
      expiresAt: session.expiresAt,
      userAgent: client.userAgent?.slice(0, 512),
      ip: client.ip,
    }),
    // MAX_SESSIONS_PER_USER: the least recently used live sessions beyond it end (docs/security.md, Rate limits).
    db
      .update(sessions)
      .set(revocation('session_limit'))
      .where(
        sql`${sessions.id} in (
          select ${sessions.id} from ${sessions}
          where ${live(user.id)}
          order by ${sessions.lastUsedAt} desc, ${sessions.createdAt} desc, ${sessions.id} desc
          offset ${config().MAX_SESSIONS_PER_USER}
        )`,
      ),
    issued.statement,
  ];
  return { sessionId: session.id, statements, tokens: issued.tokens };
}

/** The columns that end a session, with why. */
const revocation = (reason: string) => ({ revokedAt: sql`now()`, revokeReason: reason });

type RotationOutcome = { tokens: Tokens } | { reused: true };

/**
 * Spends a refresh token and issues a new pair, in one transaction with the token and its
 * session locked, so concurrent refreshes of one token run one after another:
 * - an unspent token rotates;
 * - a token spent less than REUSE_GRACE_SECONDS ago, from the client network that spent it,
 *   gets a fresh pair too, and every other
 *   live token of the session is spent, so the session never has two live chains;
 * - a token spent earlier is reuse: the whole session is revoked.
 */
export async function rotateRefreshToken(
  refreshToken: string,
  client: ClientInfo,
  meter: RateLimitMeter,
): Promise<Tokens> {
  const tokenHash = hashRefreshToken(refreshToken);
  meter.check(await countRefresh(tokenHash, client.ip));
  // Three round trips in all: the count above, the locked read (with BEGIN), the writes (with COMMIT).
  const outcome = await pipelinedTransaction(async ({ tx, commit }): Promise<RotationOutcome> => {
    const [row] = await tx
      .select({
        id: refreshTokens.id,
        usedAt: refreshTokens.usedAt,
        expired: sql<boolean>`${refreshTokens.expiresAt} <= now()`,
        inGrace: sql<boolean>`${refreshTokens.usedAt} > now() - make_interval(secs => ${REUSE_GRACE_SECONDS})`,
        sessionId: sessions.id,
        sessionExpiresAt: sessions.expiresAt,
        sessionExpired: sql<boolean>`${sessions.expiresAt} <= now()`,
        sessionIp: sessions.ip,
        revokedAt: sessions.revokedAt,
        userId: users.id,
        role: users.role,
      })
      .from(refreshTokens)
      .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(refreshTokens.tokenHash, tokenHash))
      .for('update', { of: [refreshTokens, sessions] });

    if (!row || row.revokedAt) throw new AppError('TOKEN_INVALID', 'The refresh token is not valid');
    if (row.expired || row.sessionExpired) throw new AppError('TOKEN_EXPIRED', 'The refresh token has expired');

    // A retry within the grace window comes from the network that spent the token (a second
    // tab, a lost response); the same token from elsewhere is a copy in other hands: reuse.
    const retry = row.inGrace && ipSubject(row.sessionIp ?? '') === ipSubject(client.ip);
    if (row.usedAt && !retry) {
      await commit([
        tx.update(sessions).set(revocation('refresh_token_reuse')).where(eq(sessions.id, row.sessionId)),
        // Whoever presented it is unknown (the owner or the thief): no actor.
        eventStatement(tx, {
          type: 'refresh.reuse_detected',
          actorUserId: null,
          subjectUserId: row.userId,
          client,
          details: { sessionId: row.sessionId },
        }),
      ]);
      return { reused: true };
    }

    const issued = refreshTokenStatement(
      tx,
      { id: row.sessionId, userId: row.userId, role: row.role, expiresAt: row.sessionExpiresAt },
      row.id,
    );
    await commit([
      // Spend this token and, on a grace retry, the sibling issued by the first use.
      tx
        .update(refreshTokens)
        .set({ usedAt: sql`now()` })
        .where(and(eq(refreshTokens.sessionId, row.sessionId), isNull(refreshTokens.usedAt))),
      // The session shows where it was last used from (GET /auth/sessions), not only where it began.
      tx
        .update(sessions)
        .set({ lastUsedAt: sql`now()`, ip: client.ip, userAgent: client.userAgent?.slice(0, 512) ?? null })
        .where(eq(sessions.id, row.sessionId)),
      issued.statement,
    ]);
    return { tokens: await issued.tokens() };
  });
  // The revocation above is committed before the client hears about it.
  if ('reused' in outcome) {
    countEvent('refresh.reuse_detected');
    throw new AppError('TOKEN_INVALID', 'The refresh token is not valid');
  }
  return outcome.tokens;
}

/**
 * RATE_LIMIT_REFRESH counts per session for a token of one, so clients behind one NAT do not
 * use up each other's refreshes, and per client IP for a token of none, so guessing is limited.
 * The token's session is found and counted in one statement with the PostgreSQL store
 * (lib/infra/rate-limit.ts `hitFound`); undefined when the rule is off. An auth rule: if the
 * count cannot be written, the refresh fails closed (503).
 */
function countRefresh(tokenHash: string, ip: string): Promise<LimitState | undefined> {
  const { sql: query } = database();
  return hitSubjectFound(
    'refresh',
    () =>
      query<
        { subject: string }[]
      >`select 'session:' || session_id::text as subject from refresh_tokens where token_hash = ${tokenHash}`,
    ipSubject(ip),
  );
}

const live = (userId: string) =>
  and(eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, sql`now()`));

/** Revokes one live session of this user; the ids revoked (none when there is no such session). */
async function revokeSession(executor: Executor, userId: string, sessionId: string, reason: string): Promise<string[]> {
  const revoked = await executor
    .update(sessions)
    .set(revocation(reason))
    .where(and(eq(sessions.id, sessionId), live(userId)))
    .returning({ id: sessions.id });
  return revoked.map((session) => session.id);
}

/** Revokes the session a refresh token belongs to, if it is this user's; the ids revoked. */
async function revokeSessionOfRefreshToken(
  executor: Executor,
  userId: string,
  refreshToken: string,
  reason: string,
): Promise<string[]> {
  const revoked = await executor
    .update(sessions)
    .set(revocation(reason))
    .where(
      and(
        live(userId),
        eq(
          sessions.id,
          sql`(select ${refreshTokens.sessionId} from ${refreshTokens} where ${refreshTokens.tokenHash} = ${hashRefreshToken(refreshToken)})`,
        ),
      ),
    )
    .returning({ id: sessions.id });
  return revoked.map((session) => session.id);
}

/** Revokes every live session of a user, optionally sparing one (the caller's own); the ids revoked. */
export async function revokeAllSessions(
  executor: Executor,
  userId: string,
  reason: string,
  exceptSessionId?: string,
): Promise<string[]> {
  const revoked = await executor
    .update(sessions)
    .set(revocation(reason))
    .where(and(live(userId), exceptSessionId ? sql`${sessions.id} <> ${exceptSessionId}` : undefined))
    .returning({ id: sessions.id });
  return revoked.map((session) => session.id);
}

/**
 * The revocations a user asks for (logout, logout-all, ending one session), each with its
 * `session.revoked` event in one transaction: both or neither. Nothing revoked, no event.
 */
export async function revokeAsked(
  caller: { userId: string },
  client: ClientInfo,
  reason: string,
  revoke: (tx: Transaction) => Promise<string[]>,
): Promise<string[]> {
  return database().db.transaction(async (tx) => {
    const sessionIds = await revoke(tx);
    if (sessionIds.length > 0) {
      await recordEvent(tx, {
        type: 'session.revoked',
        actorUserId: caller.userId,
        subjectUserId: caller.userId,
        client,
        details: { reason, sessionIds },
      });
    }
    return sessionIds;
  });
}

/** POST /auth/logout: the caller's session, and the given refresh token's if it is the caller's. */
export async function logout(
  caller: { userId: string; sessionId: string },
  refreshToken: string | undefined,
  client: ClientInfo,
): Promise<void> {
  await revokeAsked(caller, client, 'logout', async (tx) => {
    const own = await revokeSession(tx, caller.userId, caller.sessionId, 'logout');
    const other = refreshToken ? await revokeSessionOfRefreshToken(tx, caller.userId, refreshToken, 'logout') : [];
    return [...own, ...other];
  });
}

/** GET /auth/sessions: the caller's live sessions, most recently used first, a page at a time. */
export async function listSessions(
  userId: string,
  currentSessionId: string,
  page: Pagination,
): Promise<{ items: Session[]; total: number }> {
  const { rows, total } = await pageWithTotal(
    database()
      .db.select({
        id: sessions.id,
        createdAt: sessions.createdAt,
        lastUsedAt: sessions.lastUsedAt,
        expiresAt: sessions.expiresAt,
        userAgent: sessions.userAgent,
        ip: sessions.ip,
      })
      .from(sessions)
      .where(live(userId))
      .orderBy(desc(sessions.lastUsedAt), desc(sessions.createdAt), desc(sessions.id))
      .limit(page.pageSize)
      .offset(pageOffset(page.page, page.pageSize)),
    database().db.select({ total: count() }).from(sessions).where(live(userId)),
  );
  const items = rows.map((row) => ({
    ...row,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    current: row.id === currentSessionId,
  }));
  return { items, total };
}

/** DELETE /auth/sessions/:id: another user's or an already ended session is not found. */
export async function endSession(caller: { userId: string }, sessionId: string, client: ClientInfo): Promise<void> {
  const revoked = await revokeAsked(caller, client, 'ended_by_user', (tx) =>
    revokeSession(tx, caller.userId, sessionId, 'ended_by_user'),
  );
  if (revoked.length === 0) throw notFound('Session');
}
