import { describe, expect, it } from 'vitest';
import { database } from '#lib/infra/database.ts';

const { sql } = database();

import { taskListQueries } from '#lib/tasks/tasks.ts';
import { registerUser } from '../helpers/auth.ts';

async function plansOfDefaultList(userId: string): Promise<string[]> {
  const queries = taskListQueries({ ownerId: userId, page: 1, pageSize: 20, sort: '-createdAt' });
  const plans: string[] = [];
  for (const query of [queries.page, queries.total]) {
    const { sql: text, params } = query.toSQL();
    const rows = await sql.unsafe(`explain ${text}`, params as never[]);
    plans.push(rows.map((row) => row['QUERY PLAN']).join('\n'));
  }
  return plans;
}

describe('the default task list query', () => {
  // The heavy user owns a sixth of the table: typical of a shared table, where a scan of
  // everything would be the wrong plan.
  it('uses an index, not a sequential scan, for a user with 10,000 tasks', async () => {
    const heavy = await registerUser();
    const others = await Promise.all(Array.from({ length: 25 }, () => registerUser()));
    await sql`insert into tasks (user_id, title, created_at)
      select ${heavy.id}, 'Task ' || i, now() - (i || ' seconds')::interval from generate_series(1, 10000) as i`;
    for (const other of others) {
      await sql`insert into tasks (user_id, title) select ${other.id}, 'Other ' || i from generate_series(1, 2000) as i`;
    }
    await sql`vacuum analyze tasks`;

    const plans = await plansOfDefaultList(heavy.id);

    expect(plans).toHaveLength(2);
    for (const plan of plans) {
      expect(plan).not.toMatch(/Seq Scan on tasks/);
      expect(plan).toMatch(/Index (Only )?Scan/);
    }
  });
});
