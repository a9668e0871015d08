import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  boolean,
  customType,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { ROLES } from './roles.ts';

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();

/**
 * PostgreSQL's 64-bit transaction id (never wraps). Read as text: it exceeds a JS number.
 */
const xid8 = customType<{ data: string; driverData: string }>({ dataType: () => 'xid8' });

export const userRole = pgEnum('user_role', ROLES);

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // Stored lower-cased by the API; the unique index on lower() keeps it case-insensitive regardless.
    email: text('email').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: userRole('role').notNull().default('USER'),
    // Set when the owner proved they read mail at `email` (a verification or reset link).
    emailVerifiedAt: timestamp('email_verified_at', { withTimezone: true }),
    // A new address waiting for its confirmation link; `email` stays in force until then.
    pendingEmail: text('pending_email'),
    // Grows by one on every credential change (lib/auth/credentials.ts): a one-time token
    // stamped with an older value is ended, as if it had never been issued.
    credentialsVersion: integer('credentials_version').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('users_email_lower_key').on(sql`lower(${t.email})`), index('users_role_idx').on(t.role)],
);

export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokeReason: text('revoke_reason'),
    userAgent: text('user_agent'),
    ip: text('ip'),
  },
  (t) => [index('sessions_user_id_idx').on(t.userId)],
);

export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // SHA-256 of the opaque token, hex encoded; the token itself is never stored.
    tokenHash: text('token_hash').notNull().unique(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    parentId: uuid('parent_id').references((): AnyPgColumn => refreshTokens.id, { onDelete: 'set null' }),
    usedAt: timestamp('used_at', { withTimezone: true }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('refresh_tokens_session_id_idx').on(t.sessionId)],
);

export const tasks = pgTable(
  'tasks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    description: text('description'),
    completed: boolean('completed').notNull().default(false),
    // 1 on create, +1 in the statement of every change: the ETag, and If-Match's atomic check.
    version: integer('version').notNull().default(1),
    // A tombstone: the task is gone for every route but GET /tasks/changes until the clean-up purges it.
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    // The transaction that made the latest change, for delta sync (lib/tasks/changes.ts says why).
    changeXid: xid8('change_xid').notNull().default(sql`pg_current_xact_id()`),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // One index per sort key of GET /tasks, each ending in id for a stable tie-break and the
    // keyset of cursor pages; live tasks only, as every list reads.
    index('tasks_user_created_idx').on(t.userId, t.createdAt, t.id).where(sql`${t.deletedAt} is null`),
    index('tasks_user_updated_idx').on(t.userId, t.updatedAt, t.id).where(sql`${t.deletedAt} is null`),
    index('tasks_user_title_idx').on(t.userId, t.title, t.id).where(sql`${t.deletedAt} is null`),
    // Delta sync reads one user's changes in transaction order, tombstones included.
    index('tasks_user_change_idx').on(t.userId, t.changeXid, t.id),
    // The clean-up finds expired tombstones without a scan.
    index('tasks_deleted_at_idx').on(t.deletedAt).where(sql`${t.deletedAt} is not null`),
    // `?q=` (ILIKE '%q%' on title or description) is served by trigram indexes, not a scan of the
    // user's tasks (README, API at a glance); the migration creates the pg_trgm extension first.
    index('tasks_title_trgm_idx').using('gin', sql`${t.title} gin_trgm_ops`).where(sql`${t.deletedAt} is null`),
    index('tasks_description_trgm_idx')
      .using('gin', sql`${t.description} gin_trgm_ops`)
      .where(sql`${t.deletedAt} is null`),
  ],
);

/**
 * Stored answers of POST /tasks by Idempotency-Key, per user, for 24 hours. Bounded: a key
 * expires after a day and the scheduled clean-up deletes it; a user's keys are at most the
 * requests their rate limit lets through in a day; they go with the user.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    // SHA-256 of the request (method, path and validated body): a different request is a 422.
    fingerprint: text('fingerprint').notNull(),
    // The first answer as sent: status, JSON body text and its own headers (Location, ETag).
    status: integer('status').notNull(),
    body: text('body').notNull(),
    headers: jsonb('headers').$type<Record<string, string>>().notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] }), index('idempotency_keys_expires_idx').on(t.expiresAt)],
);

export const rateLimits = pgTable(
  'rate_limits',
  {
    key: text('key').notNull(),
    windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
    count: integer('count').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.key, t.windowStart] }), index('rate_limits_window_start_idx').on(t.windowStart)],
);

export const oneTimeTokenKind = pgEnum('one_time_token_kind', [
  'verify_email',
  'reset_password',
  'change_email',
  'cancel_email_change',
]);

/** Email-link tokens: only the SHA-256 hash is stored; single use, one kind each. */
export const oneTimeTokens = pgTable(
  'one_time_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tokenHash: text('token_hash').notNull().unique(),
    kind: oneTimeTokenKind('kind').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    // change_email only: the address the token confirms.
    newEmail: text('new_email'),
    // The user's credentials_version when the token was issued; a token of another is spent.
    credentialsVersion: integer('credentials_version').notNull().default(0),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    index('one_time_tokens_user_kind_idx').on(t.userId, t.kind),
    index('one_time_tokens_expires_idx').on(t.expiresAt),
  ],
);

/**
 * The transactional outbox: a row is written in the transaction that causes the email and
 * delivered after the commit (at once, and by the scheduled sender for anything left).
 */
export const emailOutbox = pgTable(
  'email_outbox',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    recipient: text('recipient').notNull(),
    template: text('template').notNull(),
    payload: jsonb('payload').$type<Record<string, string>>().notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    lastError: text('last_error'),
    createdAt: createdAt(),
  },
  (t) => [
    index('email_outbox_due_idx').on(t.nextAttemptAt).where(sql`${t.sentAt} is null`),
    index('email_outbox_recipient_idx').on(t.recipient, t.createdAt),
  ],
);

/**
 * The audit log (docs/security.md, Audit log): one row per security-relevant event, written in the
 * transaction of what it records. The user ids are plain columns, not foreign keys: a
 * `user.deleted` event must outlive its user. Kept AUDIT_RETENTION, then the clean-up deletes it.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // One of AUDIT_EVENT_TYPES (lib/audit/schemas.ts); text, so a new type needs no migration.
    type: text('type').notNull(),
    // The insert's own time, not the transaction's: events of one transaction keep their order.
    at: timestamp('at', { withTimezone: true }).notNull().default(sql`clock_timestamp()`),
    // Who did it (null: nobody signed in, e.g. a failed login or a reset link) and to whom.
    actorUserId: uuid('actor_user_id'),
    subjectUserId: uuid('subject_user_id'),
    ip: text('ip'),
    userAgent: text('user_agent'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    // Newest first is a backward scan of each: `order by at desc, id desc`, filtered or not,
    // reads one of these in order; the first also serves the retention clean-up.
    index('audit_events_at_idx').on(t.at, t.id),
    index('audit_events_subject_at_idx').on(t.subjectUserId, t.at, t.id),
    index('audit_events_type_at_idx').on(t.type, t.at, t.id),
    // Events where an account acted on another (an admin's): deleting that account finds them
    // here to scrub its addresses. Partial: most events are an account acting on itself.
    index('audit_events_actor_idx').on(t.actorUserId).where(sql`${t.actorUserId} <> ${t.subjectUserId}`),
  ],
);
