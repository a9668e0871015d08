import { and, asc, count, eq, sql } from 'drizzle-orm';
import type { Transaction } from '#db/client.ts';
import { users } from '#db/schema.ts';
import { type AuditEventInput, emailHash, forgetAccount, recordEvent, recordEventByEmail } from '#lib/audit/audit.ts';
import type { AuthContext } from '#lib/auth/authenticate.ts';
import { credentialsChanged } from '#lib/auth/credentials.ts';
import { type FailureSlots, releaseLoginFailureSlots, takeLoginFailureSlots } from '#lib/auth/login-failures.ts';
import { hashPassword, passwordMentionsEmail, verifyAgainstDummy, verifyPassword } from '#lib/auth/passwords.ts';
import type { Tokens } from '#lib/auth/schemas.ts';
import type { ClientInfo } from '#lib/auth/sessions.ts';
import { signIn, signInStatements } from '#lib/auth/sign-in.ts';
import { AppError, emailTaken, isUniqueViolation, notFound, passwordMentionsEmailError } from '#lib/core/errors.ts';
import { normaliseEmail, type Pagination } from '#lib/core/schema.ts';
import { database, transactionBatch } from '#lib/infra/database.ts';
import { countEvent } from '#lib/infra/metrics.ts';
import { contains, containsPattern, pageOffset, pageWithTotal } from '#lib/infra/query.ts';
import { type RateLimitMeter, rateLimited } from '#lib/infra/rate-limit.ts';
import { wakeMailSender } from '#lib/mail/trigger.ts';
import { endEmailChange, queueEmailChange, queueVerification } from '#lib/users/lifecycle.ts';
import { type Role, toUser, type User } from '#lib/users/schemas.ts';

type UserRow = typeof users.$inferSelect;

const byEmail = (email: string) => eq(sql`lower(${users.email})`, normaliseEmail(email));

/**
 * Creates a USER account, its first session and its verification email in one transaction:
 * all exist or none; after the commit the sender is woken to deliver the email.
 */
export async function register(
  email: string,
  password: string,
  client: ClientInfo,
): Promise<{ user: User; tokens: Tokens }> {
  if (passwordMentionsEmail(password, email)) throw passwordMentionsEmailError();
  // Hash outside the transaction so no row lock or connection waits on Argon2.
  const passwordHash = await hashPassword(password);
  try {
    const signedUp = await database().db.transaction(async (tx) => {
      const [row] = await tx.insert(users).values({ email, passwordHash, role: 'USER' }).returning();
      if (!row) throw new Error('user insert returned no row');
      // The new account's own event records its first session: no login.succeeded besides it.
      const { tokens } = await signIn(tx, {
        account: row,
        proven: ['password'],
        client,
        recordAs: () => ({ type: 'user.registered', actorUserId: row.id, subjectUserId: row.id, client }),
      });
      await queueVerification(tx, row);
      return { user: toUser(row), tokens };
    });
    await wakeMailSender();
    return signedUp;
  } catch (error) {
    if (isUniqueViolation(error)) throw emailTaken();
    throw error;
  }
}

/**
 * Checks credentials and starts a session. An unknown email and a wrong password give the
 * same error after the same amount of hashing work, and count alike against the email's
 * failure limits (recorded in `meter` for the response headers).
 */
export async function login(
  email: string,
  password: string,
  client: ClientInfo,
  meter: RateLimitMeter,
): Promise<{ user: User; tokens: Tokens }> {
  // Three round trips: the failure slots and the account read together, the password check
  // (no database), then one batch that starts the session, records it and gives the slots back.
  const [failures, [row]] = await Promise.all([
    takeLoginFailureSlots(meter, email, client.ip, 'sign_in').then(lockouts(email, client)),
    database().db.select().from(users).where(byEmail(email)),
  ]);
  const valid = row ? await verifyPassword(row.passwordHash, password) : await verifyAgainstDummy(password);
  if (!row || !valid) {
    // An unknown email is kept only as its keyed hash.
    await recordFailedLogin({
      actorUserId: null,
      subjectUserId: row?.id ?? null,
      client,
      details: row ? { reason: 'wrong_password' } : { reason: 'unknown_email', emailHash: emailHash(email) },
    });
    throw new AppError('INVALID_CREDENTIALS', 'Invalid email or password');
  }
  const signedIn = signInStatements({ account: row, proven: ['password'], client, slots: failures.slots });
  await transactionBatch(signedIn.statements);
  await signedIn.afterCommit();
  for (const state of signedIn.released) meter.record(state);
  return { user: toUser(row), tokens: await signedIn.tokens() };
}

/**
 * A failed login (wrong password, unknown email, wrong current password): its metric, and its
 * audit event in one insert (no transaction to join).
 */
async function recordFailedLogin(event: Omit<AuditEventInput, 'type'>): Promise<void> {
  countEvent('login.failed');
  await recordEvent(database().db, { type: 'login.failed', ...event });
}

/**
 * After the failed-login slots are taken: records a lockout that this attempt started, once per
 * rule, key and window (about the email's account or, for an address of no account, its keyed
 * hash), then refuses the attempt (429) if a rule that applies to it is over its limit.
 */
const lockouts =
  (email: string, client: ClientInfo, via?: string) =>
  async (failures: FailureSlots): Promise<FailureSlots> => {
    if (failures.locked.length > 0) {
      countEvent('login.locked');
      await recordEventByEmail(
        database().db,
        { type: 'login.locked', actorUserId: null, client, details: via ? { via } : {} },
        email,
      );
    }
    if (failures.refused) throw rateLimited();
    return failures;
  };

/**
 * The caller's account, proven by its current password. A wrong one counts as a failed login
 * of that account (the OpenAPI document, PATCH /users/me): a stolen access token is no password oracle.
 */
async function provenAccount(caller: AuthContext, currentPassword: string, client: ClientInfo, meter: RateLimitMeter) {
  const [row] = await database().db.select().from(users).where(eq(users.id, caller.userId));
  if (!row) throw new AppError('TOKEN_INVALID', 'The account no longer exists');
  // A live session's proof: refused by its own network's rule only (lib/auth/login-failures.ts).
  const failures = await takeLoginFailureSlots(meter, row.email, client.ip, 'session_proof').then(
    lockouts(row.email, client, 'current_password'),
  );
  if (!(await verifyPassword(row.passwordHash, currentPassword))) {
    await recordFailedLogin({
      actorUserId: row.id,
      subjectUserId: row.id,
      client,
      details: { reason: 'wrong_current_password' },
    });
    throw new AppError('INVALID_CREDENTIALS', 'The current password is not correct');
  }
  await releaseLoginFailureSlots(meter, failures);
  return row;
}

/**
 * Makes sure an admin with this email exists (start-up, idempotent). An existing account is
 * promoted only when `password` is its password: whoever registered the address first must not
 * become admin because an operator later named it. Its password is never changed, so a restart
 * never silently resets credentials. The operator chose the address: it counts as verified.
 */
export async function ensureAdmin(
  email: string,
  password: string,
): Promise<'created' | 'promoted' | 'unchanged' | 'refused'> {
  const [existing] = await database()
    .db.select({ id: users.id, role: users.role, passwordHash: users.passwordHash })
    .from(users)
    .where(byEmail(email));
  if (existing) {
    if (!(await verifyPassword(existing.passwordHash, password))) return 'refused';
    if (existing.role === 'ADMIN') return 'unchanged';
    // The operator's configuration acted, not a user: no actor.
    await database().db.transaction(async (tx) => {
      await tx
        .update(users)
        .set({ role: 'ADMIN', emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, now())`, updatedAt: sql`now()` })
        .where(eq(users.id, existing.id));
      await recordEvent(tx, {
        type: 'user.role_changed',
        actorUserId: null,
        subjectUserId: existing.id,
        details: { from: existing.role, to: 'ADMIN', reason: 'ADMIN_EMAIL' },
      });
    });
    return 'promoted';
  }
  const passwordHash = await hashPassword(password);
  await database().db.transaction(async (tx) => {
    const [created] = await tx
      .insert(users)
      .values({ email: normaliseEmail(email), passwordHash, role: 'ADMIN', emailVerifiedAt: sql`now()` })
      .onConflictDoNothing()
      .returning({ id: users.id });
    if (created) {
      await recordEvent(tx, {
        type: 'user.registered',
        actorUserId: null,
        subjectUserId: created.id,
        details: { role: 'ADMIN', reason: 'ADMIN_EMAIL' },
      });
    }
  });
  return 'created';
}

export async function getUser(id: string): Promise<User> {
  const [row] = await database().db.select().from(users).where(eq(users.id, id));
  if (!row) throw notFound('User');
  return toUser(row);
}

export interface ProfileChanges {
  email?: string | undefined;
  password?: string | undefined;
  currentPassword: string;
}

/**
 * PATCH /users/me, proven by the current password. A new password takes effect at once and ends
 * every other session, in the same transaction. A new email waits as `pendingEmail` until its
 * link is confirmed (lib/users/lifecycle.ts); asking for the current email again cancels a
 * pending change.
 */
export async function updateProfile(
  caller: AuthContext,
  changes: ProfileChanges,
  client: ClientInfo,
  meter: RateLimitMeter,
): Promise<User> {
  const account = await provenAccount(caller, changes.currentPassword, client, meter);
  if (changes.password !== undefined && passwordMentionsEmail(changes.password, account.email, changes.email)) {
    throw passwordMentionsEmailError();
  }
  const passwordHash = changes.password === undefined ? undefined : await hashPassword(changes.password);
  const email = changes.email === undefined ? undefined : normaliseEmail(changes.email);
  const changed = await database().db.transaction(async (tx) => {
    const self = { actorUserId: caller.userId, subjectUserId: caller.userId, client };
    let updated: UserRow | undefined;
    // First, so an email change asked for in the same request is the one left pending.
    if (passwordHash) {
      const { user, revokedSessionIds } = await credentialsChanged(tx, caller.userId, 'password_change', {
        set: { passwordHash },
        keepSessionId: caller.sessionId,
      });
      updated = user;
      await recordEvent(tx, { type: 'password.changed', ...self, details: { revokedSessionIds } });
    }
    if (email !== undefined) {
      [updated] = await tx
        .update(users)
        .set({ pendingEmail: email === account.email ? null : email, updatedAt: sql`now()` })
        .where(eq(users.id, caller.userId))
        .returning();
    }
    if (!updated) throw new AppError('TOKEN_INVALID', 'The account no longer exists');
    if (email === account.email) await endEmailChange(tx, caller.userId);
    else if (email !== undefined) {
      await queueEmailChange(tx, updated, email);
      // Not the address: it may be another account's (the answer is the same then), and is unproven.
      await recordEvent(tx, {
        type: 'email.change_requested',
        ...self,
        details: { newEmailDomain: email.slice(email.lastIndexOf('@') + 1) },
      });
    }
    return toUser(updated);
  });
  // Whenever an email was given, queued mail or not: the wake-up tells nothing either.
  if (email !== undefined) await wakeMailSender();
  return changed;
}

/**
 * DELETE /users/me, proven by the current password (app stores require in-app deletion). Tasks,
 * sessions and tokens go with the user (ON DELETE CASCADE); the last admin cannot leave.
 */
export async function deleteOwnAccount(
  caller: AuthContext,
  currentPassword: string,
  client: ClientInfo,
  meter: RateLimitMeter,
): Promise<void> {
  await provenAccount(caller, currentPassword, client, meter);
  await database().db.transaction(async (tx) => {
    assertNotLastAdmin(await lockAdmins(tx), caller.userId);
    const deleted = await tx.delete(users).where(eq(users.id, caller.userId)).returning(deletedColumns);
    if (!deleted[0]) throw new AppError('TOKEN_INVALID', 'The account no longer exists');
    await recordDeletion(tx, caller, deleted[0], client);
  });
}

const deletedColumns = { id: users.id, role: users.role };

/**
 * The event outlives the account: its ids are plain columns, and it names the role, not the email.
 * Then the account's addresses, IPs and user agents leave every event about it, this one included.
 */
async function recordDeletion(
  tx: Transaction,
  caller: AuthContext,
  deleted: { id: string; role: Role },
  client: ClientInfo | undefined,
): Promise<void> {
  await recordEvent(tx, {
    type: 'user.deleted',
    actorUserId: caller.userId,
    subjectUserId: deleted.id,
    client,
    details: { role: deleted.role },
  });
  await forgetAccount(tx, deleted.id);
}

export interface UserListFilter extends Pagination {
  q?: string | undefined;
  role?: Role | undefined;
}

export async function listUsers(filter: UserListFilter): Promise<{ items: User[]; total: number }> {
  const where = and(
    filter.q ? contains(users.email, containsPattern(filter.q)) : undefined,
    filter.role ? eq(users.role, filter.role) : undefined,
  );
  const { rows, total } = await pageWithTotal(
    database()
      .db.select()
      .from(users)
      .where(where)
      .orderBy(asc(users.createdAt), asc(users.id))
      .limit(filter.pageSize)
      .offset(pageOffset(filter.page, filter.pageSize)),
    database().db.select({ total: count() }).from(users).where(where),
  );
  return { items: rows.map(toUser), total };
}

/**
 * Locks every admin row, in id order (so concurrent admin actions queue instead of deadlocking),
 * and returns their ids. Concurrent demotions or deletions queue on the locks and re-read the
 * set, so two admins demoting each other at once leave one admin, never none.
 */
async function lockAdmins(tx: Transaction): Promise<string[]> {
  const rows = await tx
    .select({ id: users.id })
    .from(users)
    .where(eq(users.role, 'ADMIN'))
    .orderBy(asc(users.id))
    .for('update');
  return rows.map((row) => row.id);
}

function assertNotLastAdmin(admins: readonly string[], userId: string): void {
  if (admins.includes(userId) && admins.length <= 1) {
    throw new AppError('LAST_ADMIN', 'This would leave no administrator');
  }
}

/**
 * An admin action re-checks, with the admin rows locked inside its transaction, that its caller
 * is still an admin: the bearer check ran before the transaction, and a demotion or deletion of
 * the caller committed meanwhile must stop the action (403, nothing changes).
 */
function assertStillAdmin(admins: readonly string[], caller: AuthContext): void {
  if (!admins.includes(caller.userId)) {
    throw new AppError('INSUFFICIENT_PERMISSIONS', 'This route is for administrators');
  }
}

/** PATCH /users/:id (admin): changes a role; the last admin cannot be demoted. */
export async function setRole(caller: AuthContext, id: string, role: Role, client?: ClientInfo): Promise<User> {
  return database().db.transaction(async (tx) => {
    const admins = await lockAdmins(tx);
    assertStillAdmin(admins, caller);
    if (role !== 'ADMIN') assertNotLastAdmin(admins, id);
    const [row] = await tx.update(users).set({ role, updatedAt: sql`now()` }).where(eq(users.id, id)).returning();
    if (!row) throw notFound('User');
    // The locked admin rows tell the role before the change; setting the same role is no change.
    const from: Role = admins.includes(id) ? 'ADMIN' : 'USER';
    if (from !== role) {
      await recordEvent(tx, {
        type: 'user.role_changed',
        actorUserId: caller.userId,
        subjectUserId: id,
        client,
        details: { from, to: role },
      });
    }
    return toUser(row);
  });
}

/**
 * DELETE /users/:id (admin): one statement removes the user; tasks, sessions and refresh
 * tokens go with it through ON DELETE CASCADE, so their tokens stop working at once.
 */
export async function deleteUser(caller: AuthContext, id: string, client?: ClientInfo): Promise<void> {
  await database().db.transaction(async (tx) => {
    const admins = await lockAdmins(tx);
    assertStillAdmin(admins, caller);
    assertNotLastAdmin(admins, id);
    const deleted = await tx.delete(users).where(eq(users.id, id)).returning(deletedColumns);
    if (!deleted[0]) throw notFound('User');
    await recordDeletion(tx, caller, deleted[0], client);
  });
}
