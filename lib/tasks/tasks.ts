import { and, asc, count, desc, eq, sql } from 'drizzle-orm';
import { tasks } from '#db/schema.ts';
import type { AuthContext } from '#lib/auth/authenticate.ts';
import { AppError, isForeignKeyViolation, notFound } from '#lib/http/errors.ts';
import type { Pagination } from '#lib/http/validation.ts';
import { database } from '#lib/infra/database.ts';
import { contains, pageOffset } from '#lib/infra/query.ts';
import type { Task, TaskSort } from '#lib/tasks/schemas.ts';

/**
 * Task queries. Ownership is part of every statement's WHERE clause, so another user's task
 * is simply not found; admins see every task.
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
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The tasks this caller may touch by id: their own, or any for an admin. */
const visibleTo = (viewer: AuthContext, id: string) =>
  viewer.role === 'ADMIN' ? eq(tasks.id, id) : and(eq(tasks.id, id), eq(tasks.userId, viewer.userId));

const SORT_COLUMNS = { createdAt: tasks.createdAt, updatedAt: tasks.updatedAt, title: tasks.title } as const;

export interface TaskListFilter extends Pagination {
  /** Whose tasks; undefined means everyone's (admin scope=all). */
  ownerId: string | undefined;
  completed?: boolean | undefined;
  q?: string | undefined;
  sort: TaskSort;
}

/** The two statements of a list request: one page, and the total. Exposed so tests can EXPLAIN them. */
export function taskListQueries(filter: TaskListFilter) {
  const where = and(
    filter.ownerId ? eq(tasks.userId, filter.ownerId) : undefined,
    filter.completed === undefined ? undefined : eq(tasks.completed, filter.completed),
    filter.q ? sql`(${contains(tasks.title, filter.q)} or ${contains(tasks.description, filter.q)})` : undefined,
  );
  const direction = filter.sort.startsWith('-') ? desc : asc;
  const column = SORT_COLUMNS[filter.sort.replace('-', '') as keyof typeof SORT_COLUMNS];
  return {
    // The order always ends in id, so pages never repeat or skip a row.
    page: database()
      .db.select()
      .from(tasks)
      .where(where)
      .orderBy(direction(column), direction(tasks.id))
      .limit(filter.pageSize)
      .offset(pageOffset(filter.page, filter.pageSize)),
    total: database().db.select({ total: count() }).from(tasks).where(where),
  };
}

export async function listTasks(filter: TaskListFilter): Promise<{ items: Task[]; total: number }> {
  const queries = taskListQueries(filter);
  const rows = await queries.page;
  const [counted] = await queries.total;
  return { items: rows.map(toTask), total: counted?.total ?? 0 };
}

export async function getTask(viewer: AuthContext, id: string): Promise<Task> {
  const [row] = await database().db.select().from(tasks).where(visibleTo(viewer, id));
  if (!row) throw notFound('Task');
  return toTask(row);
}

export interface NewTask {
  title: string;
  description: string | null;
  completed: boolean;
}

/** The foreign key keeps a task from outliving its user; a user deleted mid-request is a 401. */
export async function createTask(userId: string, data: NewTask): Promise<Task> {
  try {
    const [row] = await database()
      .db.insert(tasks)
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

/** One UPDATE of only the given columns: concurrent changes to other fields are never lost. */
export async function updateTask(viewer: AuthContext, id: string, changes: TaskChanges): Promise<Task> {
  const [row] = await database()
    .db.update(tasks)
    .set({ ...changes, updatedAt: sql`greatest(now(), ${tasks.updatedAt} + interval '1 microsecond')` })
    .where(visibleTo(viewer, id))
    .returning();
  if (!row) throw notFound('Task');
  return toTask(row);
}

export async function deleteTask(viewer: AuthContext, id: string): Promise<void> {
  const deleted = await database().db.delete(tasks).where(visibleTo(viewer, id)).returning({ id: tasks.id });
  if (deleted.length === 0) throw notFound('Task');
}
