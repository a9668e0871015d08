import { createHmac } from 'node:crypto';
import { and, count, desc, eq, gte, lt, sql } from 'drizzle-orm';
import type { Database, Transaction } from '#db/client.ts';
import { auditEvents, users } from '#db/schema.ts';
import type { AuditDetails, AuditEvent, AuditEventType, ListAuditEventsQuery } from '#lib/audit/schemas.ts';
import { derivedKey } from '#lib/core/keys.ts';
import { normaliseEmail } from '#lib/core/schema.ts';
import { database } from '#lib/infra/database.ts';
import { pageOffset, pageWithTotal } from '#lib/infra/query.ts';

/**
 * The audit log (docs/security.md, Audit log). Each event is written with the executor of the action it
 * records, inside that action's transaction, so a rolled-back action leaves no event and a
 * committed one always has its event. `details` holds ids, roles and reasons only: never a
 * password, token or hash of one, nor an email of anyone but the subject.
 */

type Executor = Database | Transaction;

export interface AuditClient {
  ip: string;
  userAgent: string | undefined;
}

export interface AuditEventInput {
  type: AuditEventType;
  /** Who acted; null when nobody was signed in. */
  actorUserId: string | null;
  /** The account the event is about; null for an email of no account. */
  subjectUserId: string | null;
  /** The request's client; absent for actions no request made (the start-up admin). */
  client?: AuditClient | undefined;
  details?: AuditDetails;
}

/** As the sessions table keeps it: a user agent is client text of any length. */
const USER_AGENT_MAX = 512;

const row = (event: AuditEventInput) => ({
  type: event.type,
  actorUserId: event.actorUserId,
  subjectUserId: event.subjectUserId,
  ip: event.client?.ip ?? null,
  userAgent: event.client?.userAgent?.slice(0, USER_AGENT_MAX) ?? null,
  details: event.details ?? {},
});

/** The insert of one event, not yet sent: for a batch of its action's statements. */
export const eventStatement = (executor: Executor, event: AuditEventInput) =>
  executor.insert(auditEvents).values(row(event));

/** Records one event with `executor`: the action's transaction, or the database for a lone event. */
export async function recordEvent(executor: Executor, event: AuditEventInput): Promise<void> {
  await eventStatement(executor, event);
}

/**
 * An email reduced to a keyed hash (HMAC-SHA256 under a key derived for this one purpose): the
 * same address always gives the same value, so repeated attempts on one address show, but the
 * log names no address, and without the key nobody can test guesses against it.
 */
export const emailHash = (email: string): string =>
  createHmac('sha256', derivedKey('audit email')).update(normaliseEmail(email)).digest('base64url');

/**
 * Records an event about whoever owns `email`, in one statement: its account as the subject, or,
 * for an address of no account, no subject and the address's keyed hash (so the log cannot be
 * used to learn which emails have accounts). For the login paths that have not read the account.
 */
export async function recordEventByEmail(
  executor: Executor,
  event: Omit<AuditEventInput, 'subjectUserId'>,
  email: string,
): Promise<void> {
  const address = normaliseEmail(email);
  const owner = sql`(select ${users.id} from ${users} where lower(${users.email}) = ${address})`;
  const details = JSON.stringify(event.details ?? {});
  await executor.insert(auditEvents).values({
    ...row({ ...event, subjectUserId: null }),
    subjectUserId: owner,
    details: sql`case when ${owner} is null then ${details}::jsonb || jsonb_build_object('emailHash', ${emailHash(address)}::text) else ${details}::jsonb end`,
  });
}

/**
 * A deleted account's personal data leaves the log, in the deletion's transaction, from every
 * event about it, the deletion's own included: IPs and user agents where it is the subject or
 * the actor, and from the details of the events it is the subject of, any address (a value
 * holding an `@`: `email.changed`'s `from` and `to`), an email's keyed hash and a new address's
 * domain. Types, times, ids, roles and reasons stay. An event where it acted on another account
 * (an admin's) keeps that account's details. Call it after the deletion's own event.
 */
export async function forgetAccount(tx: Transaction, userId: string): Promise<void> {
  const { subjectUserId: subject, actorUserId: actor, details } = auditEvents;
  await tx
    .update(auditEvents)
    .set({
      ip: null,
      userAgent: null,
      details: sql`(select coalesce(jsonb_object_agg(key, value), '{}'::jsonb) from jsonb_each(${details})
        where key not in ('emailHash', 'newEmailDomain')
          and not (jsonb_typeof(value) = 'string' and value #>> '{}' like '%@%'))`,
    })
    .where(eq(subject, userId));
  // The same condition as the partial index audit_events_actor_idx, so this reads it.
  await tx
    .update(auditEvents)
    .set({ ip: null, userAgent: null })
    .where(and(eq(actor, userId), sql`${actor} <> ${subject}`));
}

const toEvent = (event: typeof auditEvents.$inferSelect): AuditEvent => ({
  id: event.id,
  type: event.type as AuditEventType,
  at: event.at.toISOString(),
  actorUserId: event.actorUserId,
  subjectUserId: event.subjectUserId,
  ip: event.ip,
  userAgent: event.userAgent,
  details: event.details as AuditDetails,
});

/**
 * GET /admin/audit-events, as queries: newest first, a page at a time, `userId` matching the
 * subject. Each filter's index read backwards gives the order, so a page sorts nothing.
 */
export function auditEventQueries(query: ListAuditEventsQuery) {
  const where = and(
    query.userId ? eq(auditEvents.subjectUserId, query.userId) : undefined,
    query.type ? eq(auditEvents.type, query.type) : undefined,
    query.since ? gte(auditEvents.at, query.since) : undefined,
    query.until ? lt(auditEvents.at, query.until) : undefined,
  );
  const { db } = database();
  return {
    page: db
      .select()
      .from(auditEvents)
      .where(where)
      .orderBy(desc(auditEvents.at), desc(auditEvents.id))
      .limit(query.pageSize)
      .offset(pageOffset(query.page, query.pageSize)),
    total: db.select({ total: count() }).from(auditEvents).where(where),
  };
}

export async function listAuditEvents(query: ListAuditEventsQuery): Promise<{ items: AuditEvent[]; total: number }> {
  const { page, total } = auditEventQueries(query);
  const listed = await pageWithTotal(page, total);
  return { items: listed.rows.map(toEvent), total: listed.total };
}
