import { eq, sql as raw } from 'drizzle-orm';
import { db } from '#db/client.ts';
import { users } from '#db/schema.ts';
import { AppError, isUniqueViolation } from './errors.ts';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './passwords.ts';
import { emailSubject, type RateLimitMeter, release } from './rate-limit.ts';
import { type ClientInfo, startSession, type Tokens } from './sessions.ts';

export type UserRow = typeof users.$inferSelect;

/** The public shape of a user: never the hash. */
export function toUser(row: Pick<UserRow, 'id' | 'email' | 'role' | 'createdAt' | 'updatedAt'>) {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export type User = ReturnType<typeof toUser>;

const emailTaken = () => new AppError('EMAIL_ALREADY_EXISTS', 'An account with this email already exists');

const byEmail = (email: string) => eq(raw`lower(${users.email})`, email.toLowerCase());

/** Creates a USER account and its first session in one transaction: both exist or neither. */
export async function register(
  email: string,
  password: string,
  client: ClientInfo,
): Promise<{ user: User; tokens: Tokens }> {
  // Hash outside the transaction so no row lock or connection waits on Argon2.
  const passwordHash = await hashPassword(password);
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx.insert(users).values({ email, passwordHash, role: 'USER' }).returning();
      if (!row) throw new Error('user insert returned no row');
      const tokens = await startSession(tx, row, client);
      return { user: toUser(row), tokens };
    });
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
  const failure = await meter.enforce('loginFailures', emailSubject(email));
  const [row] = await db.select().from(users).where(byEmail(email));
  const valid = row ? await verifyPassword(row.passwordHash, password) : await verifyAgainstDummy(password);
  if (!row || !valid) throw new AppError('INVALID_CREDENTIALS', 'Invalid email or password');
  if (failure) meter.record(await release(failure));
  const tokens = await db.transaction((tx) => startSession(tx, row, client));
  return { user: toUser(row), tokens };
}

/**
 * Makes sure an admin with this email exists (start-up, idempotent). An existing account is
 * promoted; its password is left alone so a restart never silently resets credentials.
 */
export async function ensureAdmin(email: string, password: string): Promise<'created' | 'promoted' | 'unchanged'> {
  const [existing] = await db.select({ id: users.id, role: users.role }).from(users).where(byEmail(email));
  if (existing) {
    if (existing.role === 'ADMIN') return 'unchanged';
    await db.update(users).set({ role: 'ADMIN', updatedAt: raw`now()` }).where(eq(users.id, existing.id));
    return 'promoted';
  }
  const passwordHash = await hashPassword(password);
  await db
    .insert(users)
    .values({ email: email.trim().toLowerCase(), passwordHash, role: 'ADMIN' })
    .onConflictDoNothing();
  return 'created';
}
