import { describe, expect, it } from 'vitest';
import { PASSWORD, uniqueEmail } from '../helpers/auth.ts';
import { call } from '../helpers/http.ts';
import { serverDatabase } from '../helpers/server-db.ts';

const db = serverDatabase();

async function signedUp() {
  const reply = await call('POST', '/api/v1/auth/register', {
    body: { email: uniqueEmail('tasks'), password: PASSWORD },
  });
  const token = reply.body.data.tokens.accessToken as string;
  const as = (method: string, path: string, body?: unknown) =>
    call(method, `/api/v1${path}`, { body, headers: { Authorization: `Bearer ${token}` } });
  return { as, userId: reply.body.data.user.id as string };
}

describe('the task life cycle over HTTP', () => {
  it('creates, lists, reads, updates and deletes a task', async () => {
    const { as } = await signedUp();

    const created = await as('POST', '/tasks', { title: 'Ship it 🚢', description: 'before Friday' });
    expect(created.status).toBe(201);
    const id = created.body.data.id;
    expect(created.headers.location).toBe(`/api/v1/tasks/${id}`);

    const list = await as('GET', '/tasks?completed=false&q=ship&sort=-updatedAt');
    expect(list.body.meta).toMatchObject({ total: 1, page: 1, pageSize: 20, totalPages: 1 });

    expect((await as('GET', `/tasks/${id}`)).body.data.title).toBe('Ship it 🚢');
    expect((await as('PATCH', `/tasks/${id}`, { completed: true })).body.data.completed).toBe(true);
    expect((await as('DELETE', `/tasks/${id}`)).status).toBe(204);
    expect((await as('GET', `/tasks/${id}`)).status).toBe(404);
  });

  it("shows the profile and hides other users' tasks", async () => {
    const alice = await signedUp();
    const bob = await signedUp();
    const task = (await alice.as('POST', '/tasks', { title: 'secret' })).body.data;

    expect((await bob.as('GET', `/tasks/${task.id}`)).status).toBe(404);
    expect((await bob.as('GET', '/users')).status).toBe(403);
    expect((await alice.as('GET', '/users/me')).body.data.id).toBe(alice.userId);
  });

  it('loses no field when two PATCHes of different fields race', async () => {
    const { as } = await signedUp();
    const task = (await as('POST', '/tasks', { title: 'original', description: 'original' })).body.data;

    const replies = await Promise.all([
      ...Array.from({ length: 5 }, () => as('PATCH', `/tasks/${task.id}`, { title: 'new title' })),
      ...Array.from({ length: 5 }, () => as('PATCH', `/tasks/${task.id}`, { completed: true })),
    ]);

    expect(replies.every((r) => r.status === 200)).toBe(true);
    const [row] = await db`select title, description, completed from tasks where id = ${task.id}`;
    expect(row).toEqual({ title: 'new title', description: 'original', completed: true });
  });

  it('deletes a task once when deletes race', async () => {
    const { as } = await signedUp();
    const task = (await as('POST', '/tasks', { title: 'doomed' })).body.data;

    const replies = await Promise.all(Array.from({ length: 8 }, () => as('DELETE', `/tasks/${task.id}`)));

    const statuses = replies.map((r) => r.status).sort();
    expect(statuses).toEqual([204, 404, 404, 404, 404, 404, 404, 404]);
  });

  it('answers a repeated query parameter and a bad sort with 400', async () => {
    const { as } = await signedUp();

    const repeated = await as('GET', '/tasks?page=1&page=2');
    const badSort = await as('GET', '/tasks?sort=password');

    expect(repeated.status).toBe(400);
    expect(repeated.body.error.details).toEqual([{ path: 'page', message: 'must be given at most once' }]);
    expect(badSort.body.error.details[0].path).toBe('sort');
  });
});
