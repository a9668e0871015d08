import { eq, sql as raw } from 'drizzle-orm';
import { db } from '#db/client.ts';
import { users } from '#db/schema.ts';
import { hashPassword } from './passwords.ts';

export type UserRow = typeof users.$inferSelect;

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

/**
 * Makes sure an admin with this email exists (start-up, idempotent). An existing account is
 * promoted; its password is left alone so a restart never silently resets credentials.
 */
export async function ensureAdmin(email: string, password: string): Promise<'created' | 'promoted' | 'unchanged'> {
  const address = normaliseEmail(email);
  const [existing] = await db
    .select({ id: users.id, role: users.role })
    .from(users)
    .where(eq(raw`lower(${users.email})`, address));
  if (existing) {
    if (existing.role === 'ADMIN') return 'unchanged';
    await db.update(users).set({ role: 'ADMIN', updatedAt: new Date() }).where(eq(users.id, existing.id));
    return 'promoted';
  }
  const passwordHash = await hashPassword(password);
  await db.insert(users).values({ email: address, passwordHash, role: 'ADMIN' }).onConflictDoNothing();
  return 'created';
}
