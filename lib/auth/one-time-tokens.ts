import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, inArray, isNull, type SQLWrapper, sql } from 'drizzle-orm';
import type { Database, Transaction } from '#db/client.ts';
import { oneTimeTokens, users } from '#db/schema.ts';
import { AppError } from '#lib/core/errors.ts';

/**
 * Email-link tokens: 256 random bits, URL-safe base64; only their SHA-256 hash is stored.
 * Single use, one kind each; a new token of a kind ends the user's earlier ones of that kind,
 * and a credential change ends them all (lib/auth/credentials.ts): each is stamped with the
 * account's credentials version when issued and spends only while the account still has it.
 */

export type OneTimeTokenKind = (typeof oneTimeTokens.$inferSelect)['kind'];

/** Lifetimes in seconds (docs/account-emails.md). */
export const ONE_TIME_TOKEN_TTL: Record<OneTimeTokenKind, number> = {
  verify_email: 24 * 60 * 60,
  change_email: 24 * 60 * 60,
  reset_password: 30 * 60,
  // Mailed with the notice to the old address; useful while the change it cancels can be confirmed.
  cancel_email_change: 24 * 60 * 60,
};

/** The account's credentials version, read by the statement that uses it. */
const credentialsVersionOf = (userId: SQLWrapper | string) =>
  sql`(select ${users.credentialsVersion} from ${users} where ${users.id} = ${userId})`;

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

/** Ends the user's unused tokens of `kind` (marked used, so the clean-up removes them). */
export async function endOneTimeTokens(tx: Transaction, userId: string, kind: OneTimeTokenKind): Promise<void> {
  await tx
    .update(oneTimeTokens)
    .set({ usedAt: sql`now()` })
    .where(and(eq(oneTimeTokens.userId, userId), eq(oneTimeTokens.kind, kind), isNull(oneTimeTokens.usedAt)));
}

/** Issues a token in `tx` (so it exists only if the change that mails it commits). */
export async function issueOneTimeToken(
  tx: Transaction,
  userId: string,
  kind: OneTimeTokenKind,
  newEmail?: string,
): Promise<string> {
  await endOneTimeTokens(tx, userId, kind);
  const token = randomBytes(32).toString('base64url');
  await tx.insert(oneTimeTokens).values({
    tokenHash: hash(token),
    kind,
    userId,
    newEmail: newEmail ?? null,
    credentialsVersion: credentialsVersionOf(userId),
    expiresAt: sql`now() + make_interval(secs => ${ONE_TIME_TOKEN_TTL[kind]})`,
  });
  return token;
}

export const invalidOneTimeToken = () =>
  new AppError('INVALID_ONE_TIME_TOKEN', 'The link is not valid or has expired; ask for a new one');

/** The token, if it is of one of `kinds`, unspent, unexpired and of the account's current credentials. */
const usable = (token: string, kinds: readonly OneTimeTokenKind[]) =>
  and(
    eq(oneTimeTokens.tokenHash, hash(token)),
    inArray(oneTimeTokens.kind, [...kinds]),
    isNull(oneTimeTokens.usedAt),
    gt(oneTimeTokens.expiresAt, sql`now()`),
    eq(oneTimeTokens.credentialsVersion, credentialsVersionOf(oneTimeTokens.userId)),
  );

/**
 * Spends a token of `kind` in `tx`: one atomic UPDATE, so two concurrent uses cannot both
 * succeed. Unknown, spent, expired, other-kind tokens and those issued before the account's
 * latest credential change all give the same 400.
 */
export async function consumeOneTimeToken(
  tx: Transaction,
  token: string,
  kind: OneTimeTokenKind | readonly OneTimeTokenKind[],
): Promise<{ userId: string; kind: OneTimeTokenKind; newEmail: string | null }> {
  const kinds = typeof kind === 'string' ? [kind] : [...kind];
  const [row] = await tx
    .update(oneTimeTokens)
    .set({ usedAt: sql`now()` })
    .where(usable(token, kinds))
    .returning({ userId: oneTimeTokens.userId, kind: oneTimeTokens.kind, newEmail: oneTimeTokens.newEmail });
  if (!row) throw invalidOneTimeToken();
  return row;
}

/**
 * Whether `token` is a live token of `kind` (unspent, unexpired, of the account's current
 * credentials), without spending it: a check before costly work (a reset's Argon2 hash), so an
 * unknown link costs a read and nothing more. The spend in the action's transaction still
 * decides: a token spent meanwhile fails there.
 */
export async function assertLiveOneTimeToken(
  executor: Database | Transaction,
  token: string,
  kind: OneTimeTokenKind,
): Promise<void> {
  const [row] = await executor
    .select({ userId: oneTimeTokens.userId })
    .from(oneTimeTokens)
    .where(usable(token, [kind]));
  if (!row) throw invalidOneTimeToken();
}
