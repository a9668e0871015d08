import { type SQL, sql } from 'drizzle-orm';
import { isSignedOnlyCursor, readCursor, sealCursor } from '#lib/core/cursor.ts';
import { AppError, validationError } from '#lib/core/errors.ts';
import { config } from '#lib/infra/config.ts';
import { database } from '#lib/infra/database.ts';
import type { TaskChange } from '#lib/tasks/schemas.ts';

/**
 * Delta sync: one user's task changes in commit-safe order.
 *
 * Every change stamps the row with the id of its transaction (change_xid = pg_current_xact_id(),
 * in the same statement: lib/tasks/tasks.ts changeStamp). A sync read takes, in the same
 * statement and so from the same snapshot, the horizon pg_snapshot_xmin(pg_current_snapshot()):
 * the oldest transaction still running. It returns only rows whose change_xid is below it, in
 * (change_xid, id) order, and never moves the client's position past it. Why that is sound:
 * - every transaction with an xid below the horizon has ended (PostgreSQL's definition of the
 *   snapshot's xmin), so its changes are final and, if committed, visible to this read;
 * - a transaction still running, or one that has not yet written, has (or will get) an xid at
 *   or above the horizon, so its changes are picked up by a later read however late it commits;
 * - the horizon never goes backwards (xids are handed out in order), so a position below it
 *   stays complete: a row can only leave it by being changed again, which gives it a newer
 *   change_xid and brings it back to the client.
 * A timestamp or a sequence alone fails exactly here: a transaction that took its stamp before
 * the read and commits after it lands behind a position the client has already passed.
 * The price: a long transaction anywhere on the server holds the horizon back; the answer then
 * says hasMore = true (changes are committed but not yet safe to hand out), and the client polls.
 *
 * Tombstones live TOMBSTONE_TTL; a cursor issued longer ago than that may have missed purged
 * ones, so it is a 410 SYNC_CURSOR_EXPIRED, and the client syncs again from scratch.
 */

/** The client's position: everything before (xid, id) is known to it; `at` is when it was issued. */
interface SyncPosition {
  xid: string;
  id: string;
  /** Epoch milliseconds of the database clock. */
  at: number;
}

const START_ID = '00000000-0000-0000-0000-000000000000';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const encodeSyncCursor = (userId: string, position: SyncPosition) =>
  sealCursor({ s: 'sync', u: userId, x: position.xid, i: position.id, t: position.at });

/** 410: the client's answer to it, syncing again from scratch, is what its position needs. */
const expired = () => new AppError('SYNC_CURSOR_EXPIRED', 'The sync cursor has expired; sync again from scratch');

function decodeSyncCursor(since: string, userId: string): SyncPosition {
  // A cursor of the earlier, signed-only format (it showed the horizon): not read, only retired,
  // with the answer clients already handle.
  if (isSignedOnlyCursor(since)) throw expired();
  const { s, u, x, i, t } = readCursor(since, 'since');
  if (s !== 'sync' || u !== userId) {
    throw validationError([{ path: 'since', message: 'is not a sync cursor this API issued to you' }]);
  }
  if (
    typeof x !== 'string' ||
    !/^\d{1,20}$/.test(x) ||
    typeof i !== 'string' ||
    !UUID.test(i) ||
    typeof t !== 'number'
  ) {
    throw validationError([{ path: 'since', message: 'is not a sync cursor this API issued to you' }]);
  }
  return { xid: x, id: i, at: t };
}

interface ChangeRow extends Record<string, unknown> {
  id: string | null;
  title: string;
  description: string | null;
  completed: boolean;
  user_id: string;
  version: number;
  /** Epoch milliseconds (fractional): the driver leaves timestamps of raw SQL as text. */
  created_ms: number;
  updated_ms: number;
  deleted_ms: number | null;
  change_xid: string;
  horizon: string;
  now_ms: string;
  pending: boolean;
}

const iso = (ms: number) => new Date(ms).toISOString();

function toChange(row: ChangeRow & { id: string }): TaskChange {
  if (row.deleted_ms !== null) return { type: 'delete', id: row.id, deletedAt: iso(row.deleted_ms) };
  return {
    type: 'upsert',
    task: {
      id: row.id,
      title: row.title,
      description: row.description,
      completed: row.completed,
      userId: row.user_id,
      version: row.version,
      createdAt: iso(row.created_ms),
      updatedAt: iso(row.updated_ms),
    },
  };
}

const epochMs = (column: SQL) => sql`(extract(epoch from ${column}) * 1000)::float8`;

/**
 * One statement, so the rows and the horizon come from one snapshot. `pending`: changes this
 * snapshot sees but that are not yet below the horizon (hasMore stays true until they are).
 * Exposed so tests can EXPLAIN it.
 */
export function changesQuery(userId: string, after: { xid: string; id: string }, limit: number, initial: boolean) {
  return sql`
    with horizon as materialized (
      select pg_snapshot_xmin(pg_current_snapshot()) as xmin,
             (extract(epoch from now()) * 1000)::bigint::text as now_ms
    )
    select t.id, t.title, t.description, t.completed, t.user_id, t.version,
           ${epochMs(sql`t.created_at`)} as created_ms, ${epochMs(sql`t.updated_at`)} as updated_ms,
           ${epochMs(sql`t.deleted_at`)} as deleted_ms,
           t.change_xid::text as change_xid, h.xmin::text as horizon, h.now_ms,
           -- The user's newest change, read from the end of the (user, change_xid, id) index: an
           -- EXISTS here let the planner pick a sequential scan when it misjudged the xid range.
           coalesce((select p.change_xid from tasks p where p.user_id = ${userId}::uuid
                     order by p.change_xid desc limit 1) >= h.xmin, false) as pending
    from horizon h
    left join lateral (
      select * from tasks c
      where c.user_id = ${userId}::uuid
        and (c.change_xid, c.id) > (${after.xid}::xid8, ${after.id}::uuid)
        and c.change_xid < h.xmin
        ${initial ? sql`and c.deleted_at is null` : sql``}
      order by c.change_xid, c.id
      limit ${limit + 1}
    ) t on true`;
}

export interface ChangesAnswer {
  changes: TaskChange[];
  nextSince: string;
  hasMore: boolean;
}

export async function taskChanges(userId: string, since: string | undefined, limit: number): Promise<ChangesAnswer> {
  const position = since === undefined ? undefined : decodeSyncCursor(since, userId);
  // Issued by the database clock, checked by this instance's: skew is seconds, the TTL days.
  if (position) {
    if (Date.now() - position.at > config().TOMBSTONE_TTL * 1000) throw expired();
  }
  // Without `since` a client has nothing to delete: tombstones older than its first page are skipped.
  const rows = await database().db.execute<ChangeRow>(
    changesQuery(userId, position ?? { xid: '0', id: START_ID }, limit, position === undefined),
  );
  const first = rows[0];
  if (!first) throw new Error('changes query returned no row');
  const found = rows.filter((row): row is ChangeRow & { id: string } => row.id !== null);
  const page = found.slice(0, limit);
  const more = found.length > limit;
  const last = page.at(-1);
  // A full page continues after its last row; otherwise everything below the horizon is known.
  const next = more && last ? { xid: last.change_xid, id: last.id } : { xid: first.horizon, id: START_ID };
  return {
    changes: page.map(toChange),
    nextSince: encodeSyncCursor(userId, { ...next, at: Number(first.now_ms) }),
    hasMore: more || first.pending,
  };
}
