import { and, eq, inArray, isNull, lt, lte, sql } from 'drizzle-orm';
import type { Transaction } from '#db/client.ts';
import { emailOutbox } from '#db/schema.ts';
import { database } from '#lib/infra/database.ts';
import { log } from '#lib/infra/log.ts';
import { render, type Template } from '#lib/mail/templates.ts';
import { hasTransport, SEND_TIMEOUT_MS, sendMessage } from '#lib/mail/transport.ts';

/**
 * The transactional outbox. `enqueueEmail` writes the row in the caller's transaction, so an
 * email exists only if the change that causes it commits. `deliverEmails` sends due rows: the
 * request that wrote them calls it right after the commit (best effort), the scheduled
 * `mail-sender` function every minute for anything left.
 *
 * Claiming: a short transaction picks due rows with FOR UPDATE SKIP LOCKED (concurrent senders
 * take different rows, nobody waits), counts the attempt and moves `next_attempt_at` past the
 * backoff, which doubles as a lease: no other sender takes the row while this one sends. The
 * send happens outside any transaction (no connection held on SMTP), then the row is marked
 * sent and its payload (the link's token) cleared.
 *
 * Duplicates: a crash between the SMTP server accepting a message and the row being marked
 * sent makes the row due again after its lease, so the message goes out again. Every send
 * consumes one attempt, so one row is sent at most MAX_ATTEMPTS times, and in practice twice
 * only after such a crash; the lease (at least LEASE_SECONDS, longer than a send's timeouts)
 * keeps a slow send from being repeated by another sender meanwhile.
 */

export const MAX_ATTEMPTS = 8;
/** Backoff after the n-th attempt: 30 s, 1 min, 2 min, ... capped at one hour. */
const BASE_BACKOFF_SECONDS = 30;
const MAX_BACKOFF_SECONDS = 3600;
export const LEASE_SECONDS = Math.max(BASE_BACKOFF_SECONDS, SEND_TIMEOUT_MS / 1000 + 5);
const BATCH = 50;

export interface OutboxEmail {
  recipient: string;
  template: Template;
  payload?: Record<string, string>;
}

/** Writes an email to the outbox in `tx`; returns its id for the delivery after commit. */
export async function enqueueEmail(tx: Transaction, email: OutboxEmail): Promise<string> {
  const [row] = await tx
    .insert(emailOutbox)
    .values({ recipient: email.recipient, template: email.template, payload: email.payload ?? {} })
    .returning({ id: emailOutbox.id });
  if (!row) throw new Error('outbox insert returned no row');
  return row.id;
}

/** Claims due rows (these ids only, when given): counts the attempt and leases them. */
async function claim(ids: string[] | undefined) {
  return database().db.transaction(async (tx) => {
    const due = await tx
      .select({ id: emailOutbox.id })
      .from(emailOutbox)
      .where(
        and(
          isNull(emailOutbox.sentAt),
          lt(emailOutbox.attempts, MAX_ATTEMPTS),
          lte(emailOutbox.nextAttemptAt, sql`now()`),
          ids ? inArray(emailOutbox.id, ids) : undefined,
        ),
      )
      .orderBy(emailOutbox.nextAttemptAt)
      .limit(BATCH)
      .for('update', { skipLocked: true });
    if (due.length === 0) return [];
    return tx
      .update(emailOutbox)
      .set({
        attempts: sql`${emailOutbox.attempts} + 1`,
        nextAttemptAt: sql`now() + make_interval(secs => greatest(${LEASE_SECONDS}, least(${MAX_BACKOFF_SECONDS}, ${BASE_BACKOFF_SECONDS} * power(2, ${emailOutbox.attempts}))))`,
      })
      .where(
        inArray(
          emailOutbox.id,
          due.map((row) => row.id),
        ),
      )
      .returning();
  });
}

/** What a failure leaves in `last_error`: the error's class and code, never the message body or a token. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  const code = (error as { code?: unknown; responseCode?: unknown }).code;
  const response = (error as { responseCode?: unknown }).responseCode;
  // SMTP replies often quote the recipient: no address goes into the row or the log.
  const message = error.message.replace(/[^\s<>"']+@[^\s<>"']+/g, '[address]').slice(0, 200);
  return [error.name, code, response, message].filter((part) => part !== undefined).join(': ');
}

export interface DeliveryResult {
  sent: number;
  failed: number;
}

/**
 * Sends the due outbox rows (only `ids`, when given). Never throws: a failure is recorded on
 * the row and retried later; the final failure is logged as an error.
 */
export async function deliverEmails(ids?: string[]): Promise<DeliveryResult> {
  const result: DeliveryResult = { sent: 0, failed: 0 };
  if (ids?.length === 0 || !hasTransport()) return result;
  let rows: Awaited<ReturnType<typeof claim>>;
  try {
    rows = await claim(ids);
  } catch (error) {
    log.warn('outbox claim failed', { error: describe(error) });
    return result;
  }
  for (const row of rows) {
    try {
      await sendMessage(row.recipient, render(row.template as Template, row.payload));
      await database()
        .db.update(emailOutbox)
        .set({ sentAt: sql`now()`, payload: {}, lastError: null })
        .where(eq(emailOutbox.id, row.id));
      result.sent += 1;
    } catch (error) {
      result.failed += 1;
      const lastError = describe(error);
      await database()
        .db.update(emailOutbox)
        .set({ lastError })
        .where(eq(emailOutbox.id, row.id))
        .catch(() => {});
      const fields = { outboxId: row.id, template: row.template, attempts: row.attempts, lastError };
      if (row.attempts >= MAX_ATTEMPTS) log.error('email not delivered; giving up', fields);
      else log.warn('email delivery failed; will retry', fields);
    }
  }
  return result;
}
