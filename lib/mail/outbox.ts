import { and, count, eq, gt, inArray, isNull, lt, lte, sql } from 'drizzle-orm';
import type { Transaction } from '#db/client.ts';
import { emailOutbox } from '#db/schema.ts';
import { normaliseEmail } from '#lib/core/schema.ts';
import { database } from '#lib/infra/database.ts';
import { log } from '#lib/infra/log.ts';
import { type Contents, isSealed, seal, unseal } from '#lib/mail/sealed.ts';
import { render, type Template } from '#lib/mail/templates.ts';
import { hasTransport, SEND_TIMEOUT_MS, sendMessage } from '#lib/mail/transport.ts';

/**
 * The transactional outbox. `enqueueEmail` writes the row in the caller's transaction, so an
 * email exists only if the change that causes it commits; `deliverEmails` sends due rows. No
 * request sends: after its commit it wakes the `mail-sender` function (lib/mail/trigger.ts),
 * which runs this on its own, and the schedule (every minute) sends whatever is left.
 *
 * Per recipient: at most EMAILS_PER_RECIPIENT_PER_HOUR rows of one template an hour, counted
 * here at enqueue time, so no caller can forget it; beyond it the row is not written and the
 * caller answers as usual. Rows that stand for no email (`payload: null`, for an address of no
 * account or another's) count alike, and the sender closes them unsent: a request writes the
 * same rows whether or not an address has an account.
 *
 * At rest a payload is sealed (lib/mail/sealed.ts): the table never holds a usable link. Rows
 * written before sealing (a plain `{ token }`) are still sent as they are.
 *
 * Claiming: a short transaction picks due rows with FOR UPDATE SKIP LOCKED (concurrent senders
 * take different rows, nobody waits), counts the attempt and moves `next_attempt_at` past the
 * backoff, which doubles as a lease: no other sender takes the row while this one sends. The
 * send happens outside any transaction (no connection held on SMTP), then the row is marked
 * sent and its payload cleared.
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
/**
 * A run starts no send with less time left than this: a send usually takes well under a second,
 * and one its end cuts off goes out again after its lease (a duplicate, as after a crash).
 */
const RUN_END_MARGIN_MS = 2_000;

/** At most this many emails of one template to one address per hour, whoever asks (docs/account-emails.md). */
export const EMAILS_PER_RECIPIENT_PER_HOUR = 3;

/** Advisory-lock class of the per-recipient count (the second key is the recipient and template's hash). */
const CAP_LOCK_CLASS = 0x6d61696c; // 'mail'

export interface OutboxEmail {
  recipient: string;
  template: Template;
  /**
   * The template's values (a link's token), or a function making them, called only once the cap
   * allows the email: a token is issued only for an email that is queued, and a refused request
   * ends no earlier link. `null`: a row that stands for no email (see above).
   */
  payload?: Contents | (() => Promise<Contents>);
}

/**
 * Writes an email to the outbox in `tx`, unless its recipient already had
 * EMAILS_PER_RECIPIENT_PER_HOUR of this template in the last hour; returns the row's id, or
 * undefined when the cap refused it.
 * The count runs under a transaction-level advisory lock on (recipient, template), so
 * concurrent requests for one address queue on each other instead of all passing the count.
 */
export async function enqueueEmail(tx: Transaction, email: OutboxEmail): Promise<string | undefined> {
  const recipient = normaliseEmail(email.recipient);
  const { template } = email;
  await tx.execute(sql`select pg_advisory_xact_lock(${CAP_LOCK_CLASS}::int, hashtext(${`${template}\n${recipient}`}))`);
  const [recent] = await tx
    .select({ queued: count() })
    .from(emailOutbox)
    .where(
      and(
        eq(emailOutbox.recipient, recipient),
        eq(emailOutbox.template, template),
        gt(emailOutbox.createdAt, sql`now() - interval '1 hour'`),
      ),
    );
  if ((recent?.queued ?? 0) >= EMAILS_PER_RECIPIENT_PER_HOUR) return undefined;
  const contents = typeof email.payload === 'function' ? await email.payload() : (email.payload ?? {});
  const [row] = await tx
    .insert(emailOutbox)
    .values({ recipient, template, payload: { ...seal(contents, { template, recipient }) } })
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

type Claimed = Awaited<ReturnType<typeof claim>>[number];

/** A row's contents: sealed (opened here), or plain as rows written before sealing. */
function contentsOf(row: Claimed): Contents {
  const payload = row.payload as Record<string, unknown>;
  return isSealed(payload) ? unseal(payload, row) : (payload as Record<string, string>);
}

/** Marks a row done: sent, or closed without a message; its payload is forgotten either way. */
const close = (id: string) =>
  database()
    .db.update(emailOutbox)
    .set({ sentAt: sql`now()`, payload: {}, lastError: null })
    .where(eq(emailOutbox.id, id));

/** Sends one claimed row; returns whether a message went out (false: a row that stands for no email). */
async function deliver(row: Claimed): Promise<boolean> {
  let contents: Contents;
  try {
    contents = contentsOf(row);
  } catch {
    // Altered, moved to another row, or sealed under another JWT_SECRET: no retry can open it.
    const lastError = 'payload cannot be opened (altered, or sealed under another JWT_SECRET)';
    await database()
      .db.update(emailOutbox)
      .set({ attempts: MAX_ATTEMPTS, lastError, payload: {} })
      .where(eq(emailOutbox.id, row.id));
    throw Object.assign(new Error(lastError), { final: true });
  }
  if (contents === null) {
    await close(row.id);
    return false;
  }
  await sendMessage(row.recipient, render(row.template as Template, contents));
  await close(row.id);
  return true;
}

/**
 * Claims one batch (only `ids`, when given) and sends it, row by row, while the batch's leases
 * and the caller's time leave room for one more send (a row left over keeps its lease and goes
 * out in a later run). Returns how many rows it claimed.
 */
async function deliverBatch(
  ids: string[] | undefined,
  result: DeliveryResult,
  timeLeftMs: () => number,
): Promise<number> {
  let rows: Claimed[];
  try {
    rows = await claim(ids);
  } catch (error) {
    log.warn('outbox claim failed', { error: describe(error) });
    return 0;
  }
  const leaseEnds = performance.now() + LEASE_SECONDS * 1000;
  for (const row of rows) {
    if (leaseEnds - performance.now() < SEND_TIMEOUT_MS || timeLeftMs() < RUN_END_MARGIN_MS) break;
    try {
      if (await deliver(row)) result.sent += 1;
      else log.debug('outbox row closed: nothing to send', { outboxId: row.id, template: row.template });
    } catch (error) {
      result.failed += 1;
      const lastError = describe(error);
      const final = (error as { final?: boolean }).final === true;
      if (!final) {
        await database()
          .db.update(emailOutbox)
          .set({ lastError })
          .where(eq(emailOutbox.id, row.id))
          .catch(() => {});
      }
      const fields = { outboxId: row.id, template: row.template, attempts: row.attempts, lastError };
      if (final || row.attempts >= MAX_ATTEMPTS) log.error('email not delivered; giving up', fields);
      else log.warn('email delivery failed; will retry', fields);
    }
  }
  return rows.length;
}

/**
 * Sends the due outbox rows (only `ids`, when given): batch after batch while they come full
 * and `timeLeftMs` (the sender's remaining run time; no limit by default) leaves room for a
 * send, so a run also takes the rows written while it sent. Never throws: a failure is
 * recorded on the row and retried later; the final failure is logged as an error.
 */
export async function deliverEmails(
  ids?: string[],
  timeLeftMs: () => number = () => Number.POSITIVE_INFINITY,
): Promise<DeliveryResult> {
  const result: DeliveryResult = { sent: 0, failed: 0 };
  if (ids?.length === 0 || !hasTransport()) return result;
  while ((await deliverBatch(ids, result, timeLeftMs)) === BATCH && timeLeftMs() >= SEND_TIMEOUT_MS) {
    // The next batch: a burst bigger than one, or rows written meanwhile.
  }
  return result;
}
