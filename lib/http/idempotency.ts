import { createHash } from 'node:crypto';
import { and, eq, gt, sql } from 'drizzle-orm';
import type { Transaction } from '#db/client.ts';
import { idempotencyKeys } from '#db/schema.ts';
import { AppError } from '#lib/core/errors.ts';
import { type Reply, replayed } from '#lib/http/responses.ts';
import { database } from '#lib/infra/database.ts';

/**
 * Idempotency-Key (IETF draft, Stripe's design) for creates, in PostgreSQL, in one transaction
 * with the work itself:
 * - a transaction-level advisory lock on (user, key), taken without waiting, marks the request
 *   in flight: a concurrent repeat fails to take it and is a 409 IDEMPOTENCY_KEY_IN_USE. It ends
 *   with the transaction, so it needs no session state (works through a transaction pooler) and
 *   a crashed Lambda leaves no stale "in progress" record behind;
 * - a live stored answer is replayed (422 IDEMPOTENCY_KEY_REUSED for another request);
 * - otherwise the work runs in the transaction and its answer is stored in it: both commit, or
 *   (an error, a 4xx or 5xx) neither does, so failures are never stored.
 * Keys live KEY_TTL_HOURS; the scheduled clean-up deletes expired ones (lib/cleanup/cleanup.ts).
 * Two keys whose 64-bit lock hashes collide only make one of them wait a retry (409).
 */

export const KEY_TTL_HOURS = 24;

/** SHA-256 of what makes two requests "the same": method, path and the validated body. */
export const fingerprintOf = (method: string, path: string, body: unknown) =>
  createHash('sha256')
    .update(JSON.stringify([method, path, body]))
    .digest('hex');

export interface IdempotentRequest {
  userId: string;
  key: string;
  fingerprint: string;
}

/** Runs `work` once per (user, key) within KEY_TTL_HOURS; repeats get its stored answer. */
export async function idempotent<Body>(
  request: IdempotentRequest,
  work: (tx: Transaction) => Promise<Reply<Body>>,
): Promise<Reply<Body>> {
  const { userId, key, fingerprint } = request;
  return database().db.transaction(async (tx) => {
    const [lock] = await tx.execute<{ locked: boolean }>(
      sql`select pg_try_advisory_xact_lock(hashtextextended(${`idempotency\n${userId}\n${key}`}, 0)) as locked`,
    );
    if (!lock?.locked) {
      throw new AppError('IDEMPOTENCY_KEY_IN_USE', 'A request with this Idempotency-Key is still being processed');
    }
    const [stored] = await tx
      .select()
      .from(idempotencyKeys)
      .where(
        and(
          eq(idempotencyKeys.userId, userId),
          eq(idempotencyKeys.key, key),
          gt(idempotencyKeys.expiresAt, sql`now()`),
        ),
      );
    if (stored) {
      if (stored.fingerprint !== fingerprint) {
        throw new AppError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with a different request');
      }
      return replayed<Body>(stored.status, stored.body, stored.headers);
    }
    const reply = await work(tx);
    const { 'Content-Type': _, ...headers } = (reply.headers ?? {}) as Record<string, string>;
    const row = {
      fingerprint,
      status: reply.statusCode,
      body: reply.body,
      headers,
      createdAt: sql`now()`,
      expiresAt: sql`now() + make_interval(hours => ${KEY_TTL_HOURS}::int)`,
    };
    // An expired row of the same key (not yet cleaned up) is replaced.
    await tx
      .insert(idempotencyKeys)
      .values({ userId, key, ...row })
      .onConflictDoUpdate({ target: [idempotencyKeys.userId, idempotencyKeys.key], set: row });
    return reply;
  });
}
