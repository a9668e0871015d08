import { eq, sql } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import type { Transaction } from '#db/client.ts';
import { users } from '#db/schema.ts';
import { type ClientInfo, revokeAllSessions, revokeAsked } from '#lib/auth/sessions.ts';
import { AppError } from '#lib/core/errors.ts';

/**
 * A change of credentials ends what an attacker could have started before it (docs/account-emails.md): every unused one-time token of the account (a parked email change, a reset or
 * verification link, and the later sign-in codes) and the pending email, and the sessions the
 * change names. One function, so each credential change, today's and the second factors to
 * come, does all of it in its own transaction.
 *
 * The tokens end through the account's `credentials_version`: each token is stamped with it
 * when issued (lib/auth/one-time-tokens.ts) and spends only while the two are equal, so a token
 * issued by a transaction that raced the change is ended too, with no row of it to find.
 */

/** Why the credentials changed: also the `revoke_reason` of the sessions it ends. */
export type CredentialChange =
  | 'password_change'
  | 'password_reset'
  | 'email_change'
  | 'email_change_cancelled'
  | 'logout_all';

/** Columns a credential change sets in the same statement (the new password, the new email). */
export type CredentialColumns = Pick<PgUpdateSetSource<typeof users>, 'passwordHash' | 'email' | 'emailVerifiedAt'>;

/**
 * Records a credential change of `userId` in `tx`: writes `set` (the new credential itself, in
 * the same statement, so none can change without the rest), bumps the credentials version (ending every unused
 * one-time token), clears `pendingEmail`, and ends every live session but `keepSessionId` (the
 * caller's own, for a change made from a session that stays signed in). Returns the account as
 * it is now and the sessions it ended, for the change's answer and audit event.
 */
export async function credentialsChanged(
  tx: Transaction,
  userId: string,
  reason: CredentialChange,
  options: { set?: CredentialColumns; keepSessionId?: string } = {},
): Promise<{ user: typeof users.$inferSelect; revokedSessionIds: string[] }> {
  const set = options.set ?? {};
  const [user] = await tx
    .update(users)
    .set({
      ...set,
      credentialsVersion: sql`${users.credentialsVersion} + 1`,
      pendingEmail: null,
      // A change the caller can see moves updatedAt; ending links and sessions alone does not.
      updatedAt:
        Object.keys(set).length > 0
          ? sql`now()`
          : sql`case when ${users.pendingEmail} is null then ${users.updatedAt} else now() end`,
    })
    .where(eq(users.id, userId))
    .returning();
  if (!user) throw new AppError('TOKEN_INVALID', 'The account no longer exists');
  return { user, revokedSessionIds: await revokeAllSessions(tx, userId, reason, options.keepSessionId) };
}

/** POST /auth/logout-all: every session of the caller ends, and every pending link with them. */
export async function logoutAll(caller: { userId: string }, client: ClientInfo): Promise<void> {
  await revokeAsked(
    caller,
    client,
    'logout_all',
    async (tx) => (await credentialsChanged(tx, caller.userId, 'logout_all')).revokedSessionIds,
  );
}
