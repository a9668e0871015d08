import { and, asc, count, eq, sql } from 'drizzle-orm';
import type { Transaction } from '#db/client.ts';
import { users } from '#db/schema.ts';
import type { AuthContext } from '#lib/auth/authenticate.ts';
import { hashPassword, verifyAgainstDummy, verifyPassword } from '#lib/auth/passwords.ts';
import type { Tokens } from '#lib/auth/schemas.ts';
import { type ClientInfo, revokeAllSessions, startSession } from '#lib/auth/sessions.ts';
import { AppError, isUniqueViolation, notFound } from '#lib/http/errors.ts';
import { normaliseEmail, type Pagination } from '#lib/http/validation.ts';
import { database } from '#lib/infra/database.ts';
import { countDeliveries, countEvent } from '#lib/infra/metrics.ts';
import { contains, pageOffset } from '#lib/infra/query.ts';
import { emailSubject, type RateLimitMeter, release } from '#lib/infra/rate-limit.ts';
import { deliverEmails } from '#lib/mail/outbox.ts';
import { queueVerification } from '#lib/users/lifecycle.ts';
import type { Role, User } from '#lib/users/schemas.ts';

export type UserRow = typeof users.$inferSelect;

/** The public shape of a user (the User schema): never the hash. */
export function toUser(
  row: Pick<UserRow, 'id' | 'email' | 'emailVerifiedAt' | 'pendingEmail' | 'role' | 'createdAt' | 'updatedAt'>,
): User {
  return {
    id: row.id,
    email: row.email,
    emailVerified: row.emailVerifiedAt !== null,
    pendingEmail: row.pendingEmail,
    role: row.role,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const emailTaken = () => new AppError('EMAIL_ALREADY_EXISTS', 'An account with this email already exists');

const byEmail = (email: string) => eq(sql`lower(${users.email})`, normaliseEmail(email));

/**
 * Creates a USER account, its first session and its verification email in one transaction:
 * all exist or none; the email is delivered right after the commit.
 */
export async function register(
  email: string,
  password: string,
  client: ClientInfo,
): Promise<{ user: User; tokens: Tokens }> {
  // Hash outside the transaction so no row lock or connection waits on Argon2.
  const passwordHash = await hashPassword(password);
  try {
    const signedUp = await database().db.transaction(async (tx) => {
      const [row] = await tx.insert(users).values({ email, passwordHash, role: 'USER' }).returning();
      if (!row) throw new Error('user insert returned no row');
      const tokens = await startSession(tx, row, client);
      const outboxId = await queueVerification(tx, row);
      return { user: toUser(row), tokens, outboxId };
    });
    countDeliveries(await deliverEmails([signedUp.outboxId]));
    return { user: signedUp.user, tokens: signedUp.tokens };
  } catch (error) {
    if (isUniqueViolation(error)) throw emailTaken();
    throw error;
  }
}

/**
 * Checks credentials and starts a session. An unknown email and a wrong password give the
 * same error after the same amount of hashing work, and count alike against the email's
 * failure limit (recorded in `meter` for the response headers).
 */
export async function login(
  email: string,
  password: string,
  client: ClientInfo,
  meter: RateLimitMeter,
): Promise<{ user: User; tokens: Tokens }> {
  // Every attempt first takes a failure slot, given back only on success: concurrent guesses
  // cannot overrun the limit, and once it trips even the right password waits for the window.
  // Keyed by the email whether or not an account has it, so the 429 tells nothing either.
  const failure = await meter.enforce('loginFailures', emailSubject(email)).catch((error: unknown) => {
    // The email's failure limit refusing even the attempt: a lockout.
    if (error instanceof AppError && error.code === 'RATE_LIMIT_EXCEEDED') countEvent('login.locked');
    throw error;
  });
  const [row] = await database().db.select().from(users).where(byEmail(email));
  const valid = row ? await verifyPassword(row.passwordHash, password) : await verifyAgainstDummy(password);
  if (!row || !valid) {
    countEvent('login.failed');
    throw new AppError('INVALID_CREDENTIALS', 'Invalid email or password');
  }
  if (failure) meter.record(await release(failure));
  const tokens = await database().db.transaction((tx) => startSession(tx, row, client));
  return { user: toUser(row), tokens };
}

/**
 * Makes sure an admin with this email exists (start-up, idempotent). An existing account is
 * promoted; its password is left alone so a restart never silently resets credentials.
 */
export async function ensureAdmin(email: string, password: string): Promise<'created' | 'promoted' | 'unchanged'> {
  const [existing] = await database().db.select({ id: users.id, role: users.role }).from(users).where(byEmail(email));
  if (existing) {
    if (existing.role === 'ADMIN') return 'unchanged';
    await database().db.update(users).set({ role: 'ADMIN', updatedAt: sql`now()` }).where(eq(users.id, existing.id));
    return 'promoted';
  }
  const passwordHash = await hashPassword(password);
  await database()
    .db.insert(users)
    .values({ email: normaliseEmail(email), passwordHash, role: 'ADMIN' })
    .onConflictDoNothing();
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
 * PATCH /users/me: email and password changes need the current password. A new password ends
 * every other session of the user, in the same transaction as the change.
 */
export async function updateProfile(caller: AuthContext, changes: ProfileChanges): Promise<User> {
  const [row] = await database().db.select().from(users).where(eq(users.id, caller.userId));
  if (!row) throw new AppError('TOKEN_INVALID', 'The account no longer exists');
  if (!(await verifyPassword(row.passwordHash, changes.currentPassword))) {
    throw new AppError('INVALID_CREDENTIALS', 'The current password is not correct');
  }
  const passwordHash = changes.password === undefined ? undefined : await hashPassword(changes.password);
  try {
    return await database().db.transaction(async (tx) => {
      const [updated] = await tx
        .update(users)
        .set({ email: changes.email, passwordHash, updatedAt: sql`now()` })
        .where(eq(users.id, caller.userId))
        .returning();
      if (!updated) throw new AppError('TOKEN_INVALID', 'The account no longer exists');
      if (passwordHash) await revokeAllSessions(tx, caller.userId, 'password_change', caller.sessionId);
      return toUser(updated);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw emailTaken();
    throw error;
  }
}

export interface UserListFilter extends Pagination {
  q?: string | undefined;
  role?: Role | undefined;
}

export async function listUsers(filter: UserListFilter): Promise<{ items: User[]; total: number }> {
  const where = and(
    filter.q ? contains(users.email, filter.q) : undefined,
    filter.role ? eq(users.role, filter.role) : undefined,
  );
  const rows = await database()
    .db.select()
    .from(users)
    .where(where)
    .orderBy(asc(users.createdAt), asc(users.id))
    .limit(filter.pageSize)
    .offset(pageOffset(filter.page, filter.pageSize));
  const [counted] = await database().db.select({ total: count() }).from(users).where(where);
  return { items: rows.map(toUser), total: counted?.total ?? 0 };
}

/**
 * Locks every admin row, then checks that `userId` is not the last of them. Concurrent
 * demotions or deletions queue on the locks and re-read the set, so two admins demoting each
 * other at once leave one admin, never none.
 */
async function assertNotLastAdmin(tx: Transaction, userId: string): Promise<void> {
  const admins = await tx.select({ id: users.id }).from(users).where(eq(users.role, 'ADMIN')).for('update');
  if (admins.some((admin) => admin.id === userId) && admins.length <= 1) {
    throw new AppError('LAST_ADMIN', 'This would leave no administrator');
  }
}

/** PATCH /users/:id (admin): changes a role; the last admin cannot be demoted. */
export async function setRole(id: string, role: Role): Promise<User> {
  return database().db.transaction(async (tx) => {
    if (role !== 'ADMIN') await assertNotLastAdmin(tx, id);
    const [row] = await tx.update(users).set({ role, updatedAt: sql`now()` }).where(eq(users.id, id)).returning();
    if (!row) throw notFound('User');
    return toUser(row);
  });
}

/**
 * DELETE /users/:id (admin): one statement removes the user; tasks, sessions and refresh
 * tokens go with it through ON DELETE CASCADE, so their tokens stop working at once.
 */
export async function deleteUser(id: string): Promise<void> {
  await database().db.transaction(async (tx) => {
    await assertNotLastAdmin(tx, id);
    const deleted = await tx.delete(users).where(eq(users.id, id)).returning({ id: users.id });
    if (deleted.length === 0) throw notFound('User');
  });
}
