import { config } from '#lib/infra/config.ts';
import { database, deleteInBatches } from '#lib/infra/database.ts';
import { MAX_ATTEMPTS } from '#lib/mail/outbox.ts';

/** How long sent emails stay in the outbox (for support questions), and given-up ones. */
export const SENT_EMAIL_RETENTION_DAYS = 7;
export const FAILED_EMAIL_RETENTION_DAYS = 30;

/** How long ended sessions, spent refresh tokens and spent one-time tokens stay (docs/security.md, Rate limits). */
export const ENDED_ROW_RETENTION_DAYS = 7;

/**
 * Deletes sessions that ended (revoked or expired) over ENDED_ROW_RETENTION_DAYS ago, with
 * their refresh tokens, and spent or expired refresh tokens of live sessions after as long
 * once they can no longer be presented (past their expiry, a spent token is refused as expired
 * before reuse is considered), so neither table grows with the number of logins.
 */
export async function deleteEndedSessions(
  timeLeftMs: () => number,
): Promise<{ sessions: number; refreshTokens: number }> {
  const { sql } = database();
  const horizon = () => sql`now() - make_interval(days => ${ENDED_ROW_RETENTION_DAYS}::int)`;
  const sessions = await deleteInBatches(
    'sessions',
    () => sql`revoked_at < ${horizon()} or expires_at < ${horizon()}`,
    timeLeftMs,
  );
  const refreshTokens = await deleteInBatches(
    'refresh_tokens',
    () => sql`expires_at < ${horizon()} or (used_at < ${horizon()} and expires_at < now())`,
    timeLeftMs,
  );
  return { sessions, refreshTokens };
}

/**
 * Deletes the account-lifecycle rows that no longer matter: one-time tokens spent or expired
 * over ENDED_ROW_RETENTION_DAYS ago, sent emails after SENT_EMAIL_RETENTION_DAYS and emails given up on after
 * FAILED_EMAIL_RETENTION_DAYS, so neither table grows with the number of requests.
 */
export async function deleteSpentLifecycleRows(): Promise<{ tokens: number; emails: number }> {
  const { sql } = database();
  const horizon = sql`now() - make_interval(days => ${ENDED_ROW_RETENTION_DAYS}::int)`;
  const tokens = await sql`delete from one_time_tokens where used_at < ${horizon} or expires_at < ${horizon}`;
  const emails = await sql`
    delete from email_outbox
    where sent_at < now() - make_interval(days => ${SENT_EMAIL_RETENTION_DAYS}::int)
       or (sent_at is null and attempts >= ${MAX_ATTEMPTS}::int
           and created_at < now() - make_interval(days => ${FAILED_EMAIL_RETENTION_DAYS}::int))`;
  return { tokens: tokens.count, emails: emails.count };
}

/**
 * Slack past TOMBSTONE_TTL before a tombstone is purged: a cursor is honoured for exactly
 * TOMBSTONE_TTL, and a delete's deleted_at is its transaction's start, a little before it
 * became visible; an hour covers any transaction the statement timeout lets live.
 */
export const TOMBSTONE_PURGE_SLACK_SECONDS = 3600;

/**
 * Deletes what sync and safe retries keep only for a while: expired Idempotency-Key answers
 * (24 h) and task tombstones older than TOMBSTONE_TTL (a sync cursor that old is a 410 anyway).
 */
export async function deleteExpiredSyncRows(): Promise<{ idempotencyKeys: number; tombstones: number }> {
  const { sql } = database();
  const keys = await sql`delete from idempotency_keys where expires_at < now()`;
  const horizon = config().TOMBSTONE_TTL + TOMBSTONE_PURGE_SLACK_SECONDS;
  const tombstones = await sql`
    delete from tasks where deleted_at is not null and deleted_at < now() - make_interval(secs => ${horizon}::int)`;
  return { idempotencyKeys: keys.count, tombstones: tombstones.count };
}

/** Deletes audit events older than AUDIT_RETENTION, in batches (a year of events can be many rows). */
export async function deleteExpiredAuditEvents(timeLeftMs: () => number): Promise<{ auditEvents: number }> {
  const { sql } = database();
  const auditEvents = await deleteInBatches(
    'audit_events',
    () => sql`at < now() - make_interval(secs => ${config().AUDIT_RETENTION}::float8)`,
    timeLeftMs,
  );
  return { auditEvents };
}
