import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import type { Transaction } from '#db/client.ts';
import { oneTimeTokens, users } from '#db/schema.ts';
import { emailHash, recordEvent } from '#lib/audit/audit.ts';
import { credentialsChanged } from '#lib/auth/credentials.ts';
import { clearLoginFailures } from '#lib/auth/login-failures.ts';
import {
  assertLiveOneTimeToken,
  consumeOneTimeToken,
  endOneTimeTokens,
  issueOneTimeToken,
  type OneTimeTokenKind,
} from '#lib/auth/one-time-tokens.ts';
import { hashPassword, passwordMentionsEmail } from '#lib/auth/passwords.ts';
import type { Tokens } from '#lib/auth/schemas.ts';
import type { ClientInfo } from '#lib/auth/sessions.ts';
import { signIn } from '#lib/auth/sign-in.ts';
import { AppError, emailTaken, isUniqueViolation, passwordMentionsEmailError } from '#lib/core/errors.ts';
import { normaliseEmail } from '#lib/core/schema.ts';
import { database } from '#lib/infra/database.ts';
import { enqueueEmail } from '#lib/mail/outbox.ts';
import { wakeMailSender } from '#lib/mail/trigger.ts';
import { toUser, type User } from '#lib/users/schemas.ts';

/**
 * The account lifecycle by email (docs/account-emails.md): verification, password reset and
 * the confirmed email change. Every email is written to the outbox in the transaction of the
 * change that causes it, at most 3 of a kind an hour to one address (lib/mail/outbox.ts); no
 * request sends one: after the commit each wakes the sender (lib/mail/trigger.ts), whether or
 * not it queued mail.
 */

/** Stands for no account in a statement that must run either way. */
const NO_USER = '00000000-0000-0000-0000-000000000000';

/**
 * For an address that gets no link (no account, or another account's): the round trips of
 * issueOneTimeToken (ending the earlier tokens, writing the new one) without a token, so such a
 * request takes as long as one that issues a link and its answer's time tells nothing.
 */
async function issueNoToken(tx: Transaction, userId: string | null, kind: OneTimeTokenKind): Promise<null> {
  await endOneTimeTokens(tx, userId ?? NO_USER, kind);
  await tx.execute(sql`select 1`);
  return null;
}

/** Queues a verification link in `tx`; its token is issued only if the address's hourly cap allows the email. */
export async function queueVerification(tx: Transaction, user: { id: string; email: string }): Promise<void> {
  await enqueueEmail(tx, {
    recipient: user.email,
    template: 'verify_email',
    payload: async () => ({ token: await issueOneTimeToken(tx, user.id, 'verify_email') }),
  });
}

/**
 * POST /auth/email/resend: a fresh link (ending the earlier ones) unless the address is
 * verified; beyond the hourly cap nothing is queued and the earlier link keeps working.
 */
export async function resendVerification(userId: string): Promise<void> {
  await database().db.transaction(async (tx) => {
    const [row] = await tx.select().from(users).where(eq(users.id, userId)).for('update');
    if (!row) throw new AppError('TOKEN_INVALID', 'The account no longer exists');
    if (!row.emailVerifiedAt) await queueVerification(tx, row);
  });
  await wakeMailSender();
}

/**
 * PATCH /users/me with a new email, in `tx` (which has set `pendingEmail`): a confirmation link
 * to the new address, unless another account has it, and a notice to the current one either
 * way. A taken address gets an outbox row that the sender closes unsent and the same round
 * trips as a token, so neither the answer nor its time tells which emails exist; a new request
 * ends the links of earlier ones. Beyond an address's hourly cap nothing is queued to it, and a
 * link already sent to the same new address keeps working.
 */
export async function queueEmailChange(
  tx: Transaction,
  user: { id: string; email: string },
  newEmail: string,
): Promise<void> {
  const [taken] = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(sql`lower(${users.email})`, newEmail), ne(users.id, user.id)));
  // The notice carries a one-click cancel link: the address in force can stop the change. Beyond
  // its cap no notice and no new link is made, and the link of the last notice keeps working.
  await enqueueEmail(tx, {
    recipient: user.email,
    template: 'email_change_notice',
    payload: async () => ({ token: await issueOneTimeToken(tx, user.id, 'cancel_email_change') }),
  });
  const queued = await enqueueEmail(tx, {
    recipient: newEmail,
    template: 'confirm_email_change',
    payload: taken
      ? () => issueNoToken(tx, user.id, 'change_email')
      : async () => ({ token: await issueOneTimeToken(tx, user.id, 'change_email', newEmail) }),
  });
  if (queued === undefined) {
    await tx
      .update(oneTimeTokens)
      .set({ usedAt: sql`now()` })
      .where(
        and(
          eq(oneTimeTokens.userId, user.id),
          eq(oneTimeTokens.kind, 'change_email'),
          isNull(oneTimeTokens.usedAt),
          sql`${oneTimeTokens.newEmail} is distinct from ${newEmail}`,
        ),
      );
  }
}

/** Ends a pending email change's links (PATCH /users/me with the current email again). */
export async function endEmailChange(tx: Transaction, userId: string): Promise<void> {
  await endOneTimeTokens(tx, userId, 'change_email');
  await endOneTimeTokens(tx, userId, 'cancel_email_change');
}

/**
 * POST /auth/email/confirm: a verification token marks the address verified; an email-change
 * token makes the pending address the email (409 if another account took it meanwhile): a
 * credential change, which ends every session and every other pending link of the account
 * (a reset link mailed to the old address among them), so each device signs in again with
 * the new address.
 */
export async function confirmEmail(token: string, client: ClientInfo): Promise<User> {
  try {
    return await database().db.transaction(async (tx) => {
      const spent = await consumeOneTimeToken(tx, token, ['verify_email', 'change_email']);
      // The link proved who follows it: the account acts on itself.
      const self = { actorUserId: spent.userId, subjectUserId: spent.userId, client };
      if (spent.kind === 'verify_email') {
        const [row] = await tx
          .update(users)
          .set({ emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, now())`, updatedAt: sql`now()` })
          .where(eq(users.id, spent.userId))
          .returning();
        if (!row) throw new Error('token of no user');
        await recordEvent(tx, { type: 'email.verified', ...self });
        return toUser(row);
      }
      const [before] = await tx
        .select({ email: users.email })
        .from(users)
        .where(eq(users.id, spent.userId))
        .for('update');
      if (!before) throw new Error('token of no user');
      const { user: row, revokedSessionIds } = await credentialsChanged(tx, spent.userId, 'email_change', {
        set: { email: spent.newEmail ?? '', emailVerifiedAt: sql`now()` },
      });
      // Both addresses are the subject's own: the old one it had, the new one it just proved.
      await recordEvent(tx, {
        type: 'email.changed',
        ...self,
        details: { from: before.email, to: row.email, revokedSessionIds },
      });
      return toUser(row);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw emailTaken();
    throw error;
  }
}

/**
 * POST /auth/password/forgot: a reset link for an existing account, at most 3 an hour per
 * address (the outbox's cap). An unknown address gets the same writes (an outbox row the
 * sender closes unsent, the token's round trips, the audit event) and the email goes out
 * through the sender, never inside the request, so neither the answer nor its time tells an
 * account exists.
 */
export async function forgotPassword(email: string, client: ClientInfo): Promise<void> {
  const address = normaliseEmail(email);
  await database().db.transaction(async (tx) => {
    const [row] = await tx
      .select({ id: users.id, email: users.email })
      .from(users)
      .where(eq(sql`lower(${users.email})`, address));
    const queued = await enqueueEmail(tx, {
      recipient: row?.email ?? address,
      template: 'reset_password',
      payload: row
        ? async () => ({ token: await issueOneTimeToken(tx, row.id, 'reset_password') })
        : () => issueNoToken(tx, null, 'reset_password'),
    });
    // Recorded either way (the same work both ways); an address of no account only as its keyed hash.
    await recordEvent(tx, {
      type: 'password.reset_requested',
      actorUserId: null,
      subjectUserId: row?.id ?? null,
      client,
      details: row ? { emailSent: queued !== undefined } : { emailHash: emailHash(address) },
    });
  });
  await wakeMailSender();
}

/**
 * POST /auth/password/reset: sets the new password, ends every session, clears the email's
 * failed-login counters, marks the address verified (the link proved it) and starts a session.
 */
export async function resetPassword(
  token: string,
  password: string,
  client: ClientInfo,
): Promise<{ user: User; tokens: Tokens }> {
  // The link first, read without spending it: an unknown, spent or expired token costs no Argon2
  // work, and no connection waits on the hash. The spend below still decides (a race loses there).
  await assertLiveOneTimeToken(database().db, token, 'reset_password');
  const passwordHash = await hashPassword(password);
  const { failures, ...reset } = await database().db.transaction(async (tx) => {
    const spent = await consumeOneTimeToken(tx, token, 'reset_password');
    // A credential change: every session and every other pending link of the account ends.
    const { user: row, revokedSessionIds } = await credentialsChanged(tx, spent.userId, 'password_reset', {
      set: { passwordHash, emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, now())` },
    });
    // Rolls back with the token unspent, so the link still works with another password.
    if (passwordMentionsEmail(password, row.email)) throw passwordMentionsEmailError();
    const failures = clearLoginFailures(row.email);
    for (const statement of failures.statements) await tx.execute(statement);
    // The reset's own event records the session it starts: no login.succeeded besides it.
    const { tokens } = await signIn(tx, {
      account: row,
      proven: ['password'],
      client,
      recordAs: ({ sessionId }) => ({
        type: 'password.reset',
        actorUserId: row.id,
        subjectUserId: row.id,
        client,
        details: { revokedSessionIds, sessionId },
      }),
    });
    return { user: toUser(row), tokens, failures };
  });
  await failures.afterCommit();
  return reset;
}

/**
 * POST /auth/email/cancel, with the token of the cancel link mailed to the address in force
 * when a change was asked for: ends the change and, as the change may be an attacker's who knew
 * the password, every session and pending link of the account (a credential change). Signs
 * nobody in: whoever follows the link signs in again, and should change the password.
 */
export async function cancelEmailChange(token: string, client: ClientInfo): Promise<User> {
  return database().db.transaction(async (tx) => {
    const spent = await consumeOneTimeToken(tx, token, 'cancel_email_change');
    const { user, revokedSessionIds } = await credentialsChanged(tx, spent.userId, 'email_change_cancelled');
    // The link proved who follows it: the account acts on itself.
    await recordEvent(tx, {
      type: 'email.change_cancelled',
      actorUserId: spent.userId,
      subjectUserId: spent.userId,
      client,
      details: { revokedSessionIds },
    });
    return toUser(user);
  });
}
