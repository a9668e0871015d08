import { and, count, eq, gt, ne, sql } from 'drizzle-orm';
import type { Transaction } from '#db/client.ts';
import { emailOutbox, users } from '#db/schema.ts';
import { emailHash, recordEvent } from '#lib/audit/audit.ts';
import { credentialsChanged } from '#lib/auth/credentials.ts';
import { clearLoginFailures } from '#lib/auth/login-failures.ts';
import {
  assertLiveOneTimeToken,
  consumeOneTimeToken,
  endOneTimeTokens,
  issueOneTimeToken,
} from '#lib/auth/one-time-tokens.ts';
import { hashPassword, passwordMentionsEmail } from '#lib/auth/passwords.ts';
import type { Tokens } from '#lib/auth/schemas.ts';
import type { ClientInfo } from '#lib/auth/sessions.ts';
import { signIn } from '#lib/auth/sign-in.ts';
import { AppError, emailTaken, isUniqueViolation, passwordMentionsEmailError } from '#lib/core/errors.ts';
import { normaliseEmail } from '#lib/core/schema.ts';
import { database } from '#lib/infra/database.ts';
import { countDeliveries } from '#lib/infra/metrics.ts';
import { deliverEmails, enqueueEmail } from '#lib/mail/outbox.ts';
import { toUser, type User } from '#lib/users/schemas.ts';

/**
 * The account lifecycle by email (README, Account emails): verification, password reset and
 * the confirmed email change. Every email is written to the outbox in the transaction of the
 * change that causes it and delivered right after the commit (lib/mail/outbox.ts).
 */

/** At most this many reset emails per hour to one address, whoever asks. */
export const RESET_EMAILS_PER_HOUR = 3;

/** Issues a verification token and writes its email, in `tx`. */
export async function queueVerification(tx: Transaction, user: { id: string; email: string }): Promise<string> {
  const token = await issueOneTimeToken(tx, user.id, 'verify_email');
  return enqueueEmail(tx, { recipient: user.email, template: 'verify_email', payload: { token } });
}

/** POST /auth/email/resend: a fresh link (ending the earlier ones) unless the address is verified. */
export async function resendVerification(userId: string): Promise<void> {
  const id = await database().db.transaction(async (tx) => {
    const [row] = await tx.select().from(users).where(eq(users.id, userId)).for('update');
    if (!row) throw new AppError('TOKEN_INVALID', 'The account no longer exists');
    if (row.emailVerifiedAt) return undefined;
    return queueVerification(tx, row);
  });
  if (id) countDeliveries(await deliverEmails([id]));
}

/**
 * PATCH /users/me with a new email, in `tx` (which has set `pendingEmail`): a confirmation link
 * to the new address, unless another account has it, and a notice to the current one either
 * way. The caller's answer is the same in both cases, so it cannot probe which emails exist;
 * a new request ends the links of earlier ones. Returns the outbox ids to deliver.
 */
export async function queueEmailChange(
  tx: Transaction,
  user: { id: string; email: string },
  newEmail: string,
): Promise<string[]> {
  const [taken] = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(sql`lower(${users.email})`, newEmail), ne(users.id, user.id)));
  // The notice carries a one-click cancel link: the address in force can stop the change.
  const cancel = await issueOneTimeToken(tx, user.id, 'cancel_email_change');
  const ids = [
    await enqueueEmail(tx, { recipient: user.email, template: 'email_change_notice', payload: { token: cancel } }),
  ];
  if (taken) {
    await endOneTimeTokens(tx, user.id, 'change_email');
    return ids;
  }
  const token = await issueOneTimeToken(tx, user.id, 'change_email', newEmail);
  ids.push(await enqueueEmail(tx, { recipient: newEmail, template: 'confirm_email_change', payload: { token } }));
  return ids;
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
 * POST /auth/password/forgot: a reset link for an existing account, at most
 * RESET_EMAILS_PER_HOUR an hour per address; nothing for an unknown one. The caller answers
 * alike either way, and the email goes out through the scheduled sender rather than inside
 * the request, so the answer's timing does not tell an account exists.
 */
export async function forgotPassword(email: string, client: ClientInfo): Promise<void> {
  const address = normaliseEmail(email);
  await database().db.transaction(async (tx) => {
    const [row] = await tx
      .select({ id: users.id, email: users.email })
      .from(users)
      .where(eq(sql`lower(${users.email})`, address));
    const [recent] = await tx
      .select({ sent: count() })
      .from(emailOutbox)
      .where(
        and(
          eq(emailOutbox.recipient, row?.email ?? address),
          eq(emailOutbox.template, 'reset_password'),
          gt(emailOutbox.createdAt, sql`now() - interval '1 hour'`),
        ),
      );
    // Recorded either way (the same work both ways); an address of no account only as its keyed hash.
    const emailSent = row !== undefined && (recent?.sent ?? 0) < RESET_EMAILS_PER_HOUR;
    await recordEvent(tx, {
      type: 'password.reset_requested',
      actorUserId: null,
      subjectUserId: row?.id ?? null,
      client,
      details: row ? { emailSent } : { emailHash: emailHash(address) },
    });
    if (!row || !emailSent) return;
    const token = await issueOneTimeToken(tx, row.id, 'reset_password');
    await enqueueEmail(tx, { recipient: row.email, template: 'reset_password', payload: { token } });
  });
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
