import { PgDialect } from 'drizzle-orm/pg-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { database } from '#lib/infra/database.ts';

const { sql } = database();

import { changesQuery } from '#lib/tasks/changes.ts';
import { TASK_SORTS } from '#lib/tasks/schemas.ts';
import { taskKeysetQuery, taskListQueries } from '#lib/tasks/tasks.ts';
import { type Registered, registerUser } from '../helpers/auth.ts';

const planOf = async (query: { toSQL: () => { sql: string; params: unknown[] } }) => {
  const { sql: text, params } = query.toSQL();
  const rows = await sql.unsafe(`explain ${text}`, params as never[]);
  return rows.map((row) => row['QUERY PLAN']).join('\n');
};

async function plansOfDefaultList(userId: string): Promise<string[]> {
  const queries = taskListQueries({ ownerId: userId, page: 1, pageSize: 20, sort: '-createdAt' });
  return [await planOf(queries.page), await planOf(queries.total)];
}

let heavy: Registered;

// The heavy user owns a sixth of the table: typical of a shared table, where a scan of
// everything would be the wrong plan. Some of their tasks are tombstones.
beforeAll(async () => {
  heavy = await registerUser();
  const others = await Promise.all(Array.from({ length: 25 }, () => registerUser()));
  await sql`insert into tasks (user_id, title, created_at, deleted_at)
    select ${heavy.id}, 'Task ' || i, now() - (i || ' seconds')::interval, case when i % 10 = 0 then now() end
    from generate_series(1, 10000) as i`;
  for (const other of others) {
    await sql`insert into tasks (user_id, title) select ${other.id}, 'Other ' || i from generate_series(1, 2000) as i`;
  }
  await sql`vacuum analyze tasks`;
}, 120_000);

describe('the default task list query', () => {
  it('uses an index, not a sequential scan, for a user with 10,000 tasks', async () => {
    const plans = await plansOfDefaultList(heavy.id);

    expect(plans).toHaveLength(2);
    for (const plan of plans) {
      expect(plan).not.toMatch(/Seq Scan on tasks/);
      expect(plan).toMatch(/Index (Only )?Scan/);
    }
  });
});

describe('cursor pages', () => {
  it.each(TASK_SORTS)('read a page by %s from its index, the position an index condition', async (sort) => {
    const key = sort.includes('title') ? 'Task 5000' : String(Date.now() * 1000 - 5_000_000_000);
    const query = taskKeysetQuery({ ownerId: heavy.id, sort }, 20, {
      key,
      id: '7f000000-0000-4000-8000-000000000000',
    });

    const plan = await planOf(query);

    const index = {
      createdAt: 'tasks_user_created_idx',
      updatedAt: 'tasks_user_updated_idx',
      title: 'tasks_user_title_idx',
    }[sort.replace('-', '') as 'createdAt' | 'updatedAt' | 'title'];
    expect(plan).not.toMatch(/Seq Scan|Sort/);
    expect(plan).toMatch(new RegExp(`Index Scan (Backward )?using ${index}`));
    expect(plan).toMatch(/Index Cond: .*ROW\(/);
  });
});

describe('delta sync', () => {
  it('reads one user\u2019s changes from the (user, change_xid, id) index', async () => {
    const query = new PgDialect().sqlToQuery(
      changesQuery(heavy.id, { xid: '0', id: '00000000-0000-0000-0000-000000000000' }, 100, false),
    );
    const rows = await sql.unsafe(`explain ${query.sql}`, query.params as never[]);
    const plan = rows.map((row) => row['QUERY PLAN']).join('\n');

    expect(plan).not.toMatch(/Seq Scan on tasks/);
    expect(plan).toMatch(/Index (Only )?Scan using tasks_user_change_idx/);
  });
});

describe('the search query', () => {
  it('serves a rare term from the trigram indexes, page and total, not a scan of the user\u2019s tasks', async () => {
    const queries = taskListQueries({ ownerId: heavy.id, page: 1, pageSize: 20, sort: '-createdAt', q: 'zzzz' });

    const plans = [await planOf(queries.page), await planOf(queries.total)];

    for (const plan of plans) {
      expect(plan).not.toMatch(/Seq Scan on tasks/);
      expect(plan).toMatch(/Bitmap Index Scan on tasks_title_trgm_idx/);
      expect(plan).toMatch(/Bitmap Index Scan on tasks_description_trgm_idx/);
    }
  });

  // A term matching about a hundred of the user's tasks: walking the user's own index and
  // filtering is then as good a plan as the trigram indexes, and the planner picks either by its
  // sample of the table (other test files write to it meanwhile). Never a scan of every task.
  it('serves a common term from an index, never a sequential scan', async () => {
    const queries = taskListQueries({ ownerId: heavy.id, page: 1, pageSize: 20, sort: '-createdAt', q: 'task 50' });

    const plans = [await planOf(queries.page), await planOf(queries.total)];

    for (const plan of plans) {
      expect(plan).not.toMatch(/Seq Scan on tasks/);
      expect(plan).toMatch(/Index Scan|Bitmap Index Scan/);
    }
  });
});
