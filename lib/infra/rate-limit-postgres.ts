import { sql as dsql } from 'drizzle-orm';
import type { PendingQuery } from 'postgres';
import { database, deleteInBatches, type Fragment } from '#lib/infra/database.ts';
import type { Counter, RateLimitStore } from '#lib/infra/rate-limit-store.ts';

/**
 * The default store: counters in the application's PostgreSQL (`rate_limits`), so a stage needs
 * no other server. Each hit is one atomic upsert on its window, with nothing held between
 * statements, so it works through a transaction-mode pooler. Windows are aligned on the
 * database clock (`now()`). Being in the database, it can also count inside the database's own
 * statements (`inDatabase`): the bearer check and its count are one statement, and a login's
 * released slots ride in the login's transaction.
 */

/** What the counting upsert returns. */
interface CounterRow {
  key: string;
  count: number;
  /** As PostgreSQL prints it: the client reads timestamps as text (Drizzle sets that up). */
  window_start: string;
  reset: number;
}

/**
 * The data-modifying CTE that counts one hit on `key` (a value, or an expression of the
 * statement it is part of) in the current window of `windowSeconds`, returning a CounterRow.
 */
function upsertHit(key: string | Fragment, windowSeconds: number): Fragment {
  const { sql } = database();
  return sql`
    insert into rate_limits as r (key, window_start, count)
    select
      ${key},
      to_timestamp((floor(extract(epoch from now()) / ${windowSeconds}::int) * ${windowSeconds}::int)::float8),
      1
    on conflict (key, window_start) do update set count = least(r.count + 1, 2147483647)
    returning
      r.key,
      r.count,
      r.window_start,
      greatest(1, ceil(extract(epoch from r.window_start) + ${windowSeconds}::int - extract(epoch from now())))::int
        as reset`;
}

/**
 * Selected by every statement that only counts: its transaction then commits without waiting
 * for the WAL flush. Safe because a counter is a limit, not a record: a crash can lose only the
 * last fraction of a second of hits (never a part of a statement, never another table's rows),
 * which gives a client a few extra attempts once, while every hit saves a disk flush.
 */
const ASYNC_COMMIT = "set_config('synchronous_commit', 'off', true)";

const counterOf = (row: CounterRow, owner?: string): Counter => ({
  key: row.key,
  owner,
  count: row.count,
  window: row.window_start,
  resetSeconds: row.reset,
});

const releaseSql = (counter: Counter) => dsql`
  update rate_limits set count = count - 1
  where key = ${counter.key} and window_start = ${counter.window} and count > 0`;

/** The limiter puts an owner's text in its keys (lib/infra/rate-limit.ts): found by it, in any window. */
const clearSql = (owner: string) => dsql`delete from rate_limits where strpos(key, ${owner}) > 0`;

/** Columns `hitFound`'s statement adds to the probe's row. */
const COUNTED = new Set([
  'rate_limit_found',
  'rate_limit_key',
  'rate_limit_count',
  'rate_limit_window',
  'rate_limit_reset',
  'rate_limit_commit',
]);

export const postgresStore: RateLimitStore = {
  name: 'postgres',

  async hit(key, windowSeconds, owner) {
    const { sql } = database();
    const [row] = await sql<CounterRow[]>`
      with counted as (${upsertHit(key, windowSeconds)})
      select key, count, window_start, reset, ${sql.unsafe(ASYNC_COMMIT)} from counted`;
    if (!row) throw new Error('rate-limit upsert returned no row');
    return counterOf(row, owner);
  },

  async release(counter) {
    await database().db.execute(dsql`${releaseSql(counter)} returning ${dsql.raw(ASYNC_COMMIT)}`);
  },

  async clear(owner) {
    await database().db.execute(clearSql(owner));
  },

  inDatabase: {
    async hitFound<Row extends { subject: string }>(
      probe: PendingQuery<Row[]>,
      prefix: string,
      otherwise: string,
      windowSeconds: number,
    ) {
      const { sql } = database();
      const [row] = await sql<Record<string, unknown>[]>`
        with probe as (${probe}),
        counted as (
          ${upsertHit(sql`coalesce(${prefix} || (select subject from probe), ${otherwise})`, windowSeconds)}
        )
        select
          exists (select from probe) as rate_limit_found, probe.*,
          counted.key as rate_limit_key, counted.count as rate_limit_count,
          counted.window_start as rate_limit_window, counted.reset as rate_limit_reset,
          ${sql.unsafe(ASYNC_COMMIT)} as rate_limit_commit
        from counted left join probe on true`;
      if (!row) throw new Error('rate-limit upsert returned no row');
      const counter = counterOf({
        key: row.rate_limit_key as string,
        count: row.rate_limit_count as number,
        window_start: row.rate_limit_window as string,
        reset: row.rate_limit_reset as number,
      });
      if (!row.rate_limit_found) return { row: undefined, counter };
      const found = Object.fromEntries(Object.entries(row).filter(([column]) => !COUNTED.has(column)));
      return { row: found as Row, counter };
    },
    releaseStatement: releaseSql,
    clearStatement: clearSql,
  },

  async close() {
    // The database client is the application's own (closeDatabase).
  },
};

/** Deletes windows that began over `retentionSeconds` ago, in batches (`deleteInBatches`). */
export function deleteWindowsBefore(retentionSeconds: number, timeLeftMs: () => number): Promise<number> {
  const { sql } = database();
  return deleteInBatches(
    'rate_limits',
    () => sql`window_start < now() - make_interval(secs => ${retentionSeconds}::int)`,
    timeLeftMs,
  );
}
