import { and, asc, count, desc, eq, inArray, isNull, type SQL, sql } from 'drizzle-orm';
import type { Database, Transaction } from '#db/client.ts';
import { tasks } from '#db/schema.ts';
import type { AuthContext } from '#lib/auth/authenticate.ts';
import { acceptedVersions, type EntityTags } from '#lib/core/conditional.ts';
import { AppError, isForeignKeyViolation, notFound } from '#lib/core/errors.ts';
import type { Pagination } from '#lib/core/schema.ts';
import { config } from '#lib/infra/config.ts';
import { database } from '#lib/infra/database.ts';
import {
  type Bind,
  builtOnce,
  contains,
  containsPattern,
  inline,
  pageOffset,
  pageWithTotal,
  placeholder,
  withValues,
} from '#lib/infra/query.ts';
import type { Task, TaskSort } from '#lib/tasks/schemas.ts';

/**
 * Task queries. Ownership is part of every statement's WHERE clause, so another user's task
 * is simply not found; admins see every task. A deleted task is a tombstone (deleted_at set)
 * that only delta sync still reads: every statement here asks for tasks not deleted.
 */

type TaskRow = typeof tasks.$inferSelect;

/** The public shape of a task (the Task schema). */
export function toTask(row: TaskRow): Task {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    completed: row.completed,
    userId: row.userId,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Not a tombstone: a deleted task stays only for delta sync. */
const notDeleted = isNull(tasks.deletedAt);

/** The tasks (not deleted) this caller may touch by id: their own, or any for an admin. */
const visibleTo = (viewer: AuthContext, id: string, bind: Bind = inline) =>
  viewer.role === 'ADMIN'
    ? and(eq(tasks.id, bind('id', id)), notDeleted)
    : and(eq(tasks.id, bind('id', id)), eq(tasks.userId, bind('userId', viewer.userId)), notDeleted);

/**
 * What every change writes in its own statement: the next version, the changing transaction
 * (delta sync, lib/tasks/changes.ts) and an updatedAt that always moves forward.
 */
export const changeStamp = () => ({
  version: sql`${tasks.version} + 1`,
  changeXid: sql`pg_current_xact_id()`,
  updatedAt: sql`greatest(now(), ${tasks.updatedAt} + interval '1 microsecond')`,
});

/** If-Match as part of the WHERE clause: the check and the write are one atomic statement. */
function versionMatches(ifMatch: EntityTags | undefined): SQL | undefined {
  if (ifMatch === undefined) return undefined;
  const versions = acceptedVersions(ifMatch);
  if (versions === '*') return undefined;
  return versions.length > 0 ? inArray(tasks.version, versions) : sql`false`;
}

/** After a conditional write changed nothing: 412 if the task is there (it changed), else 404. */
async function missOf(viewer: AuthContext, id: string, ifMatch: EntityTags | undefined): Promise<never> {
  if (ifMatch !== undefined) {
    const [row] = await database().db.select({ id: tasks.id }).from(tasks).where(visibleTo(viewer, id));
    if (row) throw new AppError('PRECONDITION_FAILED', 'The task has changed since you read it');
  }
  throw notFound('Task');
}

const SORT_COLUMNS = { createdAt: tasks.createdAt, updatedAt: tasks.updatedAt, title: tasks.title } as const;

export interface TaskListFilter {
  /** Whose tasks; undefined means everyone's (admin scope=all). */
  ownerId: string | undefined;
  completed?: boolean | undefined;
  q?: string | undefined;
  sort: TaskSort;
}

const sortOf = (sort: TaskSort) => ({
  direction: sort.startsWith('-') ? desc : asc,
  descending: sort.startsWith('-'),
  column: SORT_COLUMNS[sort.replace('-', '') as keyof typeof SORT_COLUMNS],
  name: sort.replace('-', '') as keyof typeof SORT_COLUMNS,
});

function filterOf(filter: TaskListFilter, bind: Bind = inline) {
  const pattern = filter.q ? bind('pattern', containsPattern(filter.q)) : undefined;
  return and(
    filter.ownerId ? eq(tasks.userId, bind('ownerId', filter.ownerId)) : undefined,
    notDeleted,
    filter.completed === undefined ? undefined : eq(tasks.completed, bind('completed', filter.completed)),
    pattern === undefined
      ? undefined
      : sql`(${contains(tasks.title, pattern)} or ${contains(tasks.description, pattern)})`,
  );
}

/** The values of a list's placeholders (`listStatements`). */
const listValues = (filter: TaskListFilter & Pagination) => ({
  ownerId: filter.ownerId,
  completed: filter.completed,
  pattern: filter.q && containsPattern(filter.q),
  limit: filter.pageSize,
  offset: pageOffset(filter.page, filter.pageSize),
});

/** A list's two statements, built once for each combination of its filters and sort. */
const listStatements = builtOnce(
  (filter: TaskListFilter) =>
    `${filter.sort} ${filter.ownerId ? 'owner' : 'all'} ${filter.completed === undefined ? '' : 'completed'} ${filter.q ? 'q' : ''}`,
  (db, filter) => {
    const where = filterOf(filter, placeholder);
    const { direction, column } = sortOf(filter.sort);
    // The order always ends in id, so pages never repeat or skip a row.
    const page = db
      .select()
      .from(tasks)
      .where(where)
      .orderBy(direction(column), direction(tasks.id))
      .limit(sql.placeholder('limit'))
      .offset(sql.placeholder('offset'));
    const total = db.select({ total: count() }).from(tasks).where(where);
    return { page, total, runPage: page.prepare('tasks_page'), runTotal: total.prepare('tasks_total') };
  },
);

/** The two statements of a list request, with their values: one page, and the total. For EXPLAIN. */
export function taskListQueries(filter: TaskListFilter & Pagination) {
  const { page, total } = listStatements(filter);
  const values = listValues(filter);
  return { page: withValues(page, values), total: withValues(total, values) };
}

export async function listTasks(filter: TaskListFilter & Pagination): Promise<{ items: Task[]; total: number }> {
  const { runPage, runTotal } = listStatements(filter);
  const values = listValues(filter);
  const listed = await pageWithTotal(runPage.execute(values), runTotal.execute(values));
  return { items: listed.rows.map(toTask), total: listed.total };
}

/**
 * Where a cursor page starts: the last row's sort key and id. Timestamps travel as whole
 * microseconds since the epoch (text), as PostgreSQL holds them: a JS Date would round them
 * to milliseconds and repeat or skip rows.
 */
export interface KeysetPosition {
  key: string;
  id: string;
}

const keyText = (name: keyof typeof SORT_COLUMNS) =>
  name === 'title'
    ? sql<string>`${tasks.title}`
    : sql<string>`(extract(epoch from ${SORT_COLUMNS[name]}) * 1000000)::bigint::text`;

const keyValue = (name: keyof typeof SORT_COLUMNS, key: string) =>
  name === 'title' ? sql`${key}::text` : sql`(timestamptz 'epoch' + ${key}::bigint * interval '1 microsecond')`;

/**
 * One keyset page: rows after `after` in (sort key, id) order, one more than `limit` to know
 * whether a next page exists. The row comparison is an index condition on (user, key, id), so
 * a page costs `limit` index entries however deep it is. Exposed so tests can EXPLAIN it.
 */
export function taskKeysetQuery(filter: TaskListFilter, limit: number, after: KeysetPosition | undefined) {
  const { direction, descending, column, name } = sortOf(filter.sort);
  const position = after
    ? descending
      ? sql`(${column}, ${tasks.id}) < (${keyValue(name, after.key)}, ${after.id}::uuid)`
      : sql`(${column}, ${tasks.id}) > (${keyValue(name, after.key)}, ${after.id}::uuid)`
    : undefined;
  return database()
    .db.select({ task: tasks, key: keyText(name) })
    .from(tasks)
    .where(and(filterOf(filter), position))
    .orderBy(direction(column), direction(tasks.id))
    .limit(limit + 1);
}

export async function listTaskKeyset(
  filter: TaskListFilter,
  limit: number,
  after: KeysetPosition | undefined,
): Promise<{ items: Task[]; next: KeysetPosition | null }> {
  const rows = await taskKeysetQuery(filter, limit, after);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => toTask(row.task)),
    next: rows.length > limit && last ? { key: last.key, id: last.task.id } : null,
  };
}

/** One task by id, built once for an owner and once for an admin. */
const taskById = builtOnce(
  (viewer: AuthContext) => viewer.role,
  (db, viewer) =>
    db
      .select()
      .from(tasks)
      .where(visibleTo(viewer, '', placeholder))
      .prepare('task_by_id'),
);

export async function getTask(viewer: AuthContext, id: string): Promise<Task> {
  const [row] = await taskById(viewer).execute({ id, userId: viewer.userId });
  if (!row) throw notFound('Task');
  return toTask(row);
}

export interface NewTask {
  title: string;
  description: string | null;
  completed: boolean;
}

/**
 * The foreign key keeps a task from outliving its user; a user deleted mid-request is a 401.
 * `executor` lets an idempotent create insert in the transaction that stores its answer.
 */
/**
 * Creates a task unless its owner already has MAX_TASKS_PER_USER undeleted ones (409
 * `TASK_LIMIT_REACHED`). The owner's row is locked first, so concurrent creates of one user
 * count one after another and cannot overshoot the bound; tombstones do not count (they are
 * bounded by the API rate and TOMBSTONE_TTL).
 */
export async function createTask(
  userId: string,
  data: NewTask,
  executor: Database | Transaction = database().db,
): Promise<Task> {
  if (executor === database().db) return database().db.transaction((tx) => createTask(userId, data, tx));
  const [owner] = await executor.execute<{ owned: number }>(sql`
    select (select count(*) from ${tasks} where ${tasks.userId} = ${userId} and ${notDeleted})::int as owned
    from users where id = ${userId} for no key update`);
  if (!owner) throw new AppError('TOKEN_INVALID', 'The account no longer exists');
  const max = config().MAX_TASKS_PER_USER;
  if (owner.owned >= max) {
    throw new AppError('TASK_LIMIT_REACHED', `An account can hold at most ${max} tasks; delete some first`);
  }
  try {
    const [row] = await executor
      .insert(tasks)
      .values({ ...data, userId })
      .returning();
    if (!row) throw new Error('task insert returned no row');
    return toTask(row);
  } catch (error) {
    if (isForeignKeyViolation(error)) throw new AppError('TOKEN_INVALID', 'The account no longer exists');
    throw error;
  }
}

export type TaskChanges = Partial<NewTask>;

/**
 * One UPDATE of only the given columns: concurrent changes to other fields are never lost. With
 * If-Match the version check is in the same statement, so of concurrent writers holding one
 * ETag exactly one wins (the others wait for its row lock, re-check, and find a new version).
 */
export async function updateTask(
  viewer: AuthContext,
  id: string,
  changes: TaskChanges,
  ifMatch?: EntityTags,
): Promise<Task> {
  const [row] = await database()
    .db.update(tasks)
    .set({ ...changes, ...changeStamp() })
    .where(and(visibleTo(viewer, id), versionMatches(ifMatch)))
    .returning();
  if (!row) return missOf(viewer, id, ifMatch);
  return toTask(row);
}

/** A soft delete: the row stays as a tombstone for delta sync until the clean-up purges it. */
export async function deleteTask(viewer: AuthContext, id: string, ifMatch?: EntityTags): Promise<void> {
  const deleted = await database()
    .db.update(tasks)
    .set({ deletedAt: sql`now()`, ...changeStamp() })
    .where(and(visibleTo(viewer, id), versionMatches(ifMatch)))
    .returning({ id: tasks.id });
  if (deleted.length === 0) await missOf(viewer, id, ifMatch);
}
