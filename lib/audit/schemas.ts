import * as v from 'valibot';
import { documentedAs, paginationQuery, resourceId, timestamp, uuid } from '#lib/core/schema.ts';

/** Schemas of the audit log (docs/security.md, Audit log): its event types, the route's query and answer. */

/**
 * Every event the API records, once: the writer's type, the `?type=` filter and the document's
 * enum are this list.
 */
export const AUDIT_EVENT_TYPES = [
  'user.registered',
  'login.succeeded',
  'login.failed',
  'login.locked',
  'refresh.reuse_detected',
  'session.revoked',
  'password.changed',
  'password.reset_requested',
  'password.reset',
  'email.verified',
  'email.change_requested',
  'email.changed',
  'email.change_cancelled',
  'user.role_changed',
  'user.deleted',
] as const;

export const auditEventType = v.picklist(AUDIT_EVENT_TYPES, `must be one of ${AUDIT_EVENT_TYPES.join(', ')}`);

export type AuditEventType = v.InferOutput<typeof auditEventType>;

/**
 * The years a timestamp parameter may name. ISO-8601 allows year 0000, which PostgreSQL does not
 * have (that query was a 500); no event predates 1970.
 */
const FIRST_YEAR = 1970;
const LAST_YEAR = 9999;

/** An ISO-8601 timestamp in a query string, as a Date; outside years 1970–9999 a 400. */
const instant = (description: string) =>
  v.optional(
    v.pipe(
      v.string(),
      v.isoTimestamp('must be an ISO-8601 timestamp such as 2026-01-31T09:30:00Z'),
      documentedAs<string>({
        type: 'string',
        format: 'date-time',
        description: `${description}; years ${FIRST_YEAR} to ${LAST_YEAR}`,
      }),
      v.transform((text) => new Date(text)),
      v.check((date) => !Number.isNaN(date.getTime()), 'must be an ISO-8601 timestamp such as 2026-01-31T09:30:00Z'),
      v.check((date) => {
        const year = date.getUTCFullYear();
        return year >= FIRST_YEAR && year <= LAST_YEAR;
      }, `must be a time in the years ${FIRST_YEAR} to ${LAST_YEAR}`),
    ),
  );

export const ListAuditEventsQuery = v.pipe(
  v.strictObject({
    ...paginationQuery,
    userId: v.optional(v.pipe(uuid, v.description('events about this user (its `subjectUserId`), whoever acted'))),
    type: v.optional(v.pipe(auditEventType, v.description('events of this type'))),
    since: instant('events at or after this time'),
    until: instant('events before this time'),
  }),
  v.forward(
    v.check(
      (query) => query.since === undefined || query.until === undefined || query.since <= query.until,
      'must not be later than until',
    ),
    ['since'],
  ),
);

export type ListAuditEventsQuery = v.InferOutput<typeof ListAuditEventsQuery>;

/** What an event may carry besides who and where: ids, roles, reasons, never a secret. */
export const AuditDetails = v.pipe(
  v.record(v.string(), v.union([v.string(), v.number(), v.boolean(), v.null(), v.array(v.string())])),
  v.description(
    'what the event is about, by type: ids (`sessionId`, `sessionIds`, `revokedSessionIds`), a `reason`, ' +
      'the `method` a `login.succeeded` proved (`password`), roles (`from`, `to`), ' +
      'the subject\u2019s own addresses, or `emailHash` (a keyed hash) for an email of no account; never a password, token or hash of one',
  ),
  v.examples([{ sessionId: '0f8fad5b-d9cb-469f-a165-70867728950e' }]),
);

export type AuditDetails = v.InferOutput<typeof AuditDetails>;

export const AuditEvent = v.strictObject({
  id: resourceId,
  type: auditEventType,
  at: timestamp,
  actorUserId: v.pipe(
    v.nullable(resourceId),
    v.description(
      'who acted: the signed-in caller, or the account an email link or a login proved; null for a failed or refused login, a reset request, a reused refresh token',
    ),
  ),
  subjectUserId: v.pipe(
    v.nullable(resourceId),
    v.description('the account the event is about; null for an email of no account. The account may be deleted since'),
  ),
  ip: v.pipe(v.nullable(v.string()), v.description('the client address API Gateway saw')),
  userAgent: v.nullable(v.string()),
  details: AuditDetails,
});

export type AuditEvent = v.InferOutput<typeof AuditEvent>;
