import { eq, sql as raw } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { tasks } from '#db/schema.ts';
import { database } from '#lib/infra/database.ts';
import { readOnly, StatementRefused } from '#lib/infra/read-only.ts';
import { registerUser } from '../helpers/auth.ts';

/**
 * A read-only run (lib/infra/read-only.ts), as speculative handlers get: the instance's client
 * refuses, before sending it, any statement of the run that could write, however it was built.
 */

let userId: string;

beforeAll(async () => {
  userId = (await registerUser()).id;
});

/** What a run that tried to write ends with: drizzle wraps the refusal as its cause. */
const refusal = async (answer: Promise<unknown>) =>
  answer.then(
    () => undefined,
    (error: Error) => (error instanceof StatementRefused ? error : error.cause),
  );

const titles = async () =>
  (await database().db.select({ title: tasks.title }).from(tasks).where(eq(tasks.userId, userId))).map(
    (row) => row.title,
  );

describe('a read-only run', () => {
  it('sends reads: drizzle selects, raw selects, common table expressions, the two together', async () => {
    const { db, sql } = database();

    const answer = await readOnly(async () => {
      const [page, counted] = await Promise.all([
        db.select({ id: tasks.id }).from(tasks).where(eq(tasks.userId, userId)),
        sql`with mine as (select id from tasks where user_id = ${userId}) select count(*)::int as n from mine`,
      ]);
      const [row] = await sql`select ${sql`updated_at`} from tasks where user_id = ${userId} and title <> 'delete'`;
      return { page, counted, row };
    }).answer;

    expect(answer.page).toEqual([]);
    expect(answer.counted).toEqual([{ n: 0 }]);
  });

  it.each<[string, () => PromiseLike<unknown>]>([
    ['a drizzle insert', () => database().db.insert(tasks).values({ userId, title: 'inserted by a read' })],
    ['a drizzle update', () => database().db.update(tasks).set({ title: 'updated by a read' })],
    ['a drizzle delete', () => database().db.delete(tasks).where(eq(tasks.userId, userId))],
    ['a raw insert', () => database().sql`insert into tasks (user_id, title) values (${userId}, 'inserted by a read')`],
    [
      'a write inside a common table expression',
      () =>
        database()
          .sql`with made as (${database().sql`insert into tasks (user_id, title) values (${userId}, 'x')`} returning id) select id from made`,
    ],
    ['a row lock', () => database().sql`select id from tasks where user_id = ${userId} for update`],
    ['a shared row lock', () => database().db.select().from(tasks).for('share')],
    ['a sequence', () => database().db.execute(raw`select nextval('some_sequence')`)],
    ['an advisory lock', () => database().sql`select pg_advisory_xact_lock(1)`],
    ['a table made by a select', () => database().sql.unsafe('select 1 as n into copied')],
    ['a statement that is no query', () => database().sql`set statement_timeout = 0`],
    ['a transaction', () => database().db.transaction(async (tx) => tx.select().from(tasks))],
    ['a reserved connection', () => database().sql.reserve()],
  ])('refuses %s', async (_kind, write) => {
    const attempt = readOnly(write).answer;

    expect(await refusal(attempt)).toBeInstanceOf(StatementRefused);
    expect(await titles()).toEqual([]);
  });

  it('refuses a drizzle query built outside the run once it runs inside', async () => {
    const { db } = database();
    const insert = db.insert(tasks).values({ userId, title: 'built before the run' });

    expect(await refusal(readOnly(async () => insert).answer)).toBeInstanceOf(StatementRefused);
    expect(await titles()).toEqual([]);
  });

  it('refuses every statement, reads too, once the run has ended', async () => {
    const { sql } = database();
    let end = () => {};
    const run = readOnly(async () => {
      await sql`select 1`;
      end();
      return sql`select 2`;
    });
    end = run.end;

    await expect(run.answer).rejects.toThrow(/no longer wanted/);
  });

  it('leaves statements outside a run alone, beside one', async () => {
    const { db } = database();
    const refused = refusal(readOnly(() => db.insert(tasks).values({ userId, title: 'inside' })).answer);

    await db.insert(tasks).values({ userId, title: 'outside' });

    expect(await refused).toBeInstanceOf(StatementRefused);
    expect(await titles()).toEqual(['outside']);
  });
});
