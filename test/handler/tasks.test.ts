import { describe, expect, it } from 'vitest';
import { database } from '#lib/infra/database.ts';

const { sql } = database();

import { createTask as insertTask } from '#lib/tasks/tasks.ts';
import { handler as createTask } from '../../functions/tasks-create.ts';
import { handler as deleteTask } from '../../functions/tasks-delete.ts';
import { handler as getTask } from '../../functions/tasks-get.ts';
import { handler as listTasks } from '../../functions/tasks-list.ts';
import { handler as updateTask } from '../../functions/tasks-update.ts';
import { bearer, type Registered, registerUser } from '../helpers/auth.ts';
import { invoke } from '../helpers/lambda.ts';

const create = (user: Registered, body: unknown) =>
  invoke(createTask, { method: 'POST', headers: bearer(user.accessToken), body });
const get = (user: Registered, id: string) =>
  invoke(getTask, { headers: bearer(user.accessToken), pathParameters: { id } });
const patch = (user: Registered, id: string, body: unknown) =>
  invoke(updateTask, { method: 'PATCH', headers: bearer(user.accessToken), pathParameters: { id }, body });
const remove = (user: Registered, id: string) =>
  invoke(deleteTask, { method: 'DELETE', headers: bearer(user.accessToken), pathParameters: { id } });
const list = (user: Registered, query: Record<string, string | string[]> = {}) =>
  invoke(listTasks, { headers: bearer(user.accessToken), query });

async function newTask(user: Registered, body: object = { title: 'A task' }) {
  const reply = await create(user, body);
  if (reply.status !== 201) throw new Error(reply.raw);
  return reply.body.data;
}

async function makeAdmin(user: Registered) {
  await sql`update users set role = 'ADMIN' where id = ${user.id}`;
}

describe('task life cycle', () => {
  it('creates, reads, updates and deletes a task', async () => {
    const user = await registerUser();

    const created = await create(user, { title: '  Write report  ', description: 'Quarterly' });
    expect(created.status).toBe(201);
    const task = created.body.data;
    expect(task).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      title: 'Write report',
      description: 'Quarterly',
      completed: false,
      userId: user.id,
      version: 1,
      createdAt: expect.any(String),
      updatedAt: task.createdAt,
    });
    expect(created.headers.location).toBe(`/api/v1/tasks/${task.id}`);

    expect((await get(user, task.id)).body.data).toEqual(task);

    const updated = await patch(user, task.id, { completed: true, description: null });
    expect(updated.status).toBe(200);
    expect(updated.body.data).toMatchObject({ title: 'Write report', completed: true, description: null, version: 2 });
    expect(updated.body.data.createdAt).toBe(task.createdAt);
    expect(Date.parse(updated.body.data.updatedAt)).toBeGreaterThan(Date.parse(task.updatedAt));

    const deleted = await remove(user, task.id);
    expect(deleted.status).toBe(204);
    expect(deleted.raw).toBe('');
    expect((await get(user, task.id)).status).toBe(404);
    expect((await remove(user, task.id)).status).toBe(404);
  });

  it('moves updatedAt on every change, even two in quick succession', async () => {
    const user = await registerUser();
    const task = await newTask(user);

    const first = (await patch(user, task.id, { title: 'One' })).body.data;
    const second = (await patch(user, task.id, { title: 'Two' })).body.data;

    expect(Date.parse(second.updatedAt)).toBeGreaterThan(Date.parse(first.updatedAt));
    expect(second.createdAt).toBe(task.createdAt);
  });

  it('round-trips emoji, right-to-left text and combining marks unchanged', async () => {
    const user = await registerUser();
    const title = '🚀 مرحبا שלום e\u0301 👩🏽‍💻';

    const task = await newTask(user, { title, description: 'Zalgo: Z\u0351\u0364a\u0350l\u0357g\u035bo' });

    expect(task.title).toBe(title);
    expect((await get(user, task.id)).body.data.description).toBe('Zalgo: Z\u0351\u0364a\u0350l\u0357g\u035bo');
  });

  it('stores SQL metacharacters verbatim', async () => {
    const user = await registerUser();
    const title = "Robert'); DROP TABLE tasks;-- %_\\";

    const task = await newTask(user, { title });

    expect((await get(user, task.id)).body.data.title).toBe(title);
    expect((await list(user, { q: "'); DROP" })).body.meta.total).toBe(1);
    expect((await list(user, { q: '%_' })).body.data.map((t: { id: string }) => t.id)).toEqual([task.id]);
    expect((await list(user, { q: '%' })).status).toBe(400);
  });

  it('accepts a title of 200 code points and rejects 201', async () => {
    const user = await registerUser();

    const fits = await create(user, { title: '🙂'.repeat(200) });
    const tooLong = await create(user, { title: '🙂'.repeat(201) });

    expect(fits.status).toBe(201);
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.details).toEqual([{ path: 'title', message: 'must be at most 200 characters' }]);
  });

  it.each([
    [{ title: '   ' }, 'title', 'must not be empty'],
    [{ title: 'a\u0000b' }, 'title', 'must not contain NUL characters'],
    [{ title: 'ok', description: 'x'.repeat(10_001) }, 'description', 'must be at most 10000 characters'],
    [{ title: 'ok', completed: 'yes' }, 'completed', 'must be true or false'],
    [{ title: 'ok', userId: '00000000-0000-0000-0000-000000000000' }, 'userId', 'is not an allowed field'],
    [{ title: 'ok', id: '00000000-0000-0000-0000-000000000000' }, 'id', 'is not an allowed field'],
    [{ title: 'ok', createdAt: '2020-01-01T00:00:00Z' }, 'createdAt', 'is not an allowed field'],
    [{}, 'title', 'is required'],
  ])('rejects the body %o naming %s', async (body, path, message) => {
    const user = await registerUser();

    const reply = await create(user, body);

    expect(reply.status).toBe(400);
    expect(reply.body.error.details).toContainEqual({ path, message });
  });

  it('rejects an empty PATCH and unknown keys in a PATCH', async () => {
    const user = await registerUser();
    const task = await newTask(user);

    const empty = await patch(user, task.id, {});
    const mass = await patch(user, task.id, { userId: user.id });

    expect(empty.status).toBe(400);
    expect(empty.body.error.details[0].path).toBe('body');
    expect(mass.body.error.details).toEqual([{ path: 'userId', message: 'is not an allowed field' }]);
  });

  it('answers 401 TOKEN_INVALID, never a 500, once the user is deleted', async () => {
    const user = await registerUser();
    await sql`delete from users where id = ${user.id}`;

    const reply = await create(user, { title: 'orphan?' });

    expect(reply.status).toBe(401);
    expect(reply.body.error.code).toBe('TOKEN_INVALID');
  });

  it('never writes an orphan task when the user goes between the session check and the insert', async () => {
    const user = await registerUser();
    await sql`delete from users where id = ${user.id}`;

    // The step after a passed session check, for a user deleted in between.
    const insert = insertTask(user.id, { title: 'orphan?', description: null, completed: false });

    await expect(insert).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    const [orphans] = await sql`select count(*)::int as n from tasks where user_id = ${user.id}`;
    expect(orphans?.n).toBe(0);
  });
});

describe('isolation between users', () => {
  it("hides another user's task on every route (404, never 403)", async () => {
    const owner = await registerUser();
    const other = await registerUser();
    const task = await newTask(owner, { title: 'private' });

    const replies = [
      await get(other, task.id),
      await patch(other, task.id, { title: 'hijacked' }),
      await remove(other, task.id),
    ];

    for (const reply of replies) {
      expect(reply.status).toBe(404);
      expect(reply.body.error.code).toBe('RESOURCE_NOT_FOUND');
    }
    expect((await list(other)).body.meta.total).toBe(0);
    expect((await get(owner, task.id)).body.data.title).toBe('private');
  });

  it('answers 404 for an id that is not a UUID', async () => {
    const user = await registerUser();

    for (const id of ['123', '../etc/passwd', "' or 1=1 --"]) {
      expect((await get(user, id)).status).toBe(404);
    }
  });

  it('requires authentication on every task route', async () => {
    const replies = await Promise.all([
      invoke(listTasks),
      invoke(createTask, { method: 'POST', body: { title: 'x' } }),
      invoke(getTask, { pathParameters: { id: crypto.randomUUID() } }),
    ]);

    for (const reply of replies) expect(reply.body.error.code).toBe('AUTHENTICATION_REQUIRED');
  });
});

describe('admin powers over tasks', () => {
  it('lets an admin read, change and delete any task', async () => {
    const admin = await registerUser();
    await makeAdmin(admin);
    const owner = await registerUser();
    const task = await newTask(owner);

    expect((await get(admin, task.id)).status).toBe(200);
    expect((await patch(admin, task.id, { completed: true })).body.data.completed).toBe(true);
    expect((await remove(admin, task.id)).status).toBe(204);
  });

  it("lets an admin list one user's tasks or everyone's", async () => {
    const admin = await registerUser();
    await makeAdmin(admin);
    const owner = await registerUser();
    await newTask(owner);
    await newTask(owner);
    await newTask(admin);

    const one = await list(admin, { userId: owner.id });
    const all = await list(admin, { scope: 'all' });

    expect(one.body.meta.total).toBe(2);
    expect(one.body.data.every((t: { userId: string }) => t.userId === owner.id)).toBe(true);
    expect(all.body.meta.total).toBeGreaterThanOrEqual(3);
  });

  it('answers 403 when a non-admin uses userId or scope', async () => {
    const user = await registerUser();

    const byUser = await list(user, { userId: user.id });
    const byScope = await list(user, { scope: 'all' });

    expect(byUser.status).toBe(403);
    expect(byScope.status).toBe(403);
    expect(byScope.body.error.code).toBe('INSUFFICIENT_PERMISSIONS');
  });
});

describe('GET /tasks', () => {
  async function userWithTasks(n: number) {
    const user = await registerUser();
    await sql`insert into tasks (user_id, title, description, completed, created_at, updated_at)
      select ${user.id}, 'Task ' || lpad(i::text, 3, '0'), case when i % 3 = 0 then 'groceries list' end, i % 2 = 0,
             now() - (i || ' minutes')::interval, now() - ((${n} - i) || ' minutes')::interval
      from generate_series(1, ${n}) as i`;
    return user;
  }

  it('answers an empty list for a user with no tasks', async () => {
    const user = await registerUser();

    const reply = await list(user);

    expect(reply.body).toMatchObject({ data: [], meta: { total: 0, page: 1, pageSize: 20, totalPages: 0 } });
  });

  it('pages through every task exactly once, with the right totals', async () => {
    const user = await userWithTasks(45);
    const seen: string[] = [];

    for (let page = 1; page <= 3; page++) {
      const reply = await list(user, { page: String(page), pageSize: '20' });
      expect(reply.body.meta).toMatchObject({ total: 45, page, pageSize: 20, totalPages: 3 });
      seen.push(...reply.body.data.map((t: { id: string }) => t.id));
    }

    expect(seen).toHaveLength(45);
    expect(new Set(seen).size).toBe(45);
  });

  it('keeps a stable order when sort keys tie', async () => {
    const user = await registerUser();
    await sql`insert into tasks (user_id, title, created_at) select ${user.id}, 'same', '2024-01-01' from generate_series(1, 7)`;
    const seen: string[] = [];

    for (let page = 1; page <= 7; page++) {
      seen.push((await list(user, { page: String(page), pageSize: '1', sort: 'title' })).body.data[0].id);
    }

    expect(new Set(seen).size).toBe(7);
  });

  it('answers a page past the end with no data and the right total', async () => {
    const user = await userWithTasks(5);

    const reply = await list(user, { page: '9' });

    expect(reply.body).toMatchObject({ data: [], meta: { total: 5, page: 9, totalPages: 1 } });
  });

  it('accepts pageSize 1 and 100', async () => {
    const user = await userWithTasks(101);

    expect((await list(user, { pageSize: '1' })).body.data).toHaveLength(1);
    expect((await list(user, { pageSize: '100' })).body.data).toHaveLength(100);
    expect((await list(user, { pageSize: '100', page: '2' })).body.data).toHaveLength(1);
  });

  it.each([
    ['page', '0'],
    ['page', '-1'],
    ['page', '1.5'],
    ['page', 'two'],
    ['pageSize', '0'],
    ['pageSize', '101'],
    ['completed', 'yes'],
    ['sort', 'priority'],
    ['sort', 'created_at'],
    ['userId', 'not-a-uuid'],
    ['scope', 'everyone'],
    ['q', ''],
  ])('rejects %s=%j with 400 and details', async (key, value) => {
    const user = await registerUser();

    const reply = await list(user, { [key]: value });

    expect(reply.status).toBe(400);
    expect(reply.body.error.details[0].path).toBe(key);
  });

  it('filters by completion', async () => {
    const user = await userWithTasks(10);

    const done = await list(user, { completed: 'true' });
    const open = await list(user, { completed: 'false' });

    expect(done.body.meta.total).toBe(5);
    expect(done.body.data.every((t: { completed: boolean }) => t.completed)).toBe(true);
    expect(open.body.meta.total).toBe(5);
  });

  it('searches title and description case-insensitively', async () => {
    const user = await userWithTasks(9);

    const inDescription = await list(user, { q: 'GROCERIES' });
    const inTitle = await list(user, { q: 'task 00' });

    expect(inDescription.body.meta.total).toBe(3);
    expect(inTitle.body.meta.total).toBe(9);
  });

  it.each([
    ['-createdAt', (a: Task, b: Task) => b.createdAt.localeCompare(a.createdAt)],
    ['createdAt', (a: Task, b: Task) => a.createdAt.localeCompare(b.createdAt)],
    ['-updatedAt', (a: Task, b: Task) => b.updatedAt.localeCompare(a.updatedAt)],
    ['updatedAt', (a: Task, b: Task) => a.updatedAt.localeCompare(b.updatedAt)],
    ['title', (a: Task, b: Task) => a.title.localeCompare(b.title)],
    ['-title', (a: Task, b: Task) => b.title.localeCompare(a.title)],
  ])('sorts by %s', async (sort, compare) => {
    const user = await userWithTasks(12);

    const reply = await list(user, { sort, pageSize: '100' });

    const tasks: Task[] = reply.body.data;
    expect(tasks).toEqual([...tasks].sort(compare));
    expect(new Set(tasks.map((t) => t.createdAt)).size).toBe(12);
  });

  it('sorts newest first by default', async () => {
    const user = await userWithTasks(3);

    const titles = (await list(user)).body.data.map((t: Task) => t.title);

    expect(titles).toEqual(['Task 001', 'Task 002', 'Task 003']);
  });
});

type Task = { id: string; title: string; createdAt: string; updatedAt: string };
