import { database } from '#lib/infra/database.ts';
import { MAX_ATTEMPTS } from '#lib/mail/outbox.ts';

/** How long sent emails stay in the outbox (for support questions), and given-up ones. */
export const SENT_EMAIL_RETENTION_DAYS = 7;
export const FAILED_EMAIL_RETENTION_DAYS = 30;

/**
 * Deletes the account-lifecycle rows that no longer matter: spent or expired one-time tokens,
 * sent emails after SENT_EMAIL_RETENTION_DAYS and emails given up on after
 * FAILED_EMAIL_RETENTION_DAYS, so neither table grows with the number of requests.
 */
export async function deleteSpentLifecycleRows(): Promise<{ tokens: number; emails: number }> {
  const { sql } = database();
  const tokens = await sql`delete from one_time_tokens where used_at is not null or expires_at < now()`;
  const emails = await sql`
    delete from email_outbox
    where sent_at < now() - make_interval(days => ${SENT_EMAIL_RETENTION_DAYS}::int)
       or (sent_at is null and attempts >= ${MAX_ATTEMPTS}::int
           and created_at < now() - make_interval(days => ${FAILED_EMAIL_RETENTION_DAYS}::int))`;
  return { tokens: tokens.count, emails: emails.count };
}
