import { describe, expect, it, vi } from 'vitest';
import { database } from '#lib/infra/database.ts';

const { sql } = database();

import { bearer, PASSWORD, registerUser, uniqueEmail } from '../helpers/auth.ts';
import { invoke } from '../helpers/lambda.ts';

/**
 * Races checked in the database. Each handler here is a separate module instance with its own
 * connection, as separate warm Lambda instances are, so the requests really run at once (and
 * invoke() knows their route by the resource they are given).
 */

type Handler = Parameters<typeof invoke>[0];

async function instances(path: string, count: number): Promise<Handler[]> {
  const handlers: Handler[] = [];
  for (let i = 0; i < count; i++) {
    vi.resetModules();
    handlers.push((await import(path)).handler);
  }
  // Open each instance's connection first, as a warm instance has it. The warm-up is no request
  // API Gateway would route, so it is not held to the OpenAPI document.
  await Promise.all(handlers.map((handler) => invoke(handler, { method: 'POST', body: 'warm-up', contract: false })));
  return handlers;
}

describe('races', () => {
  it('creates one account from 20 concurrent registrations of one email; the rest get 409', async () => {
    const handlers = await instances('../../functions/auth-register.ts', 20);
    const email = uniqueEmail('race');

    const replies = await Promise.all(
      handlers.map((handler, i) =>
        invoke(handler, {
          method: 'POST',
          resource: '/api/v1/auth/register',
          body: { email: i % 2 ? email : email.toUpperCase(), password: PASSWORD },
        }),
      ),
    );

    expect(replies.map((r) => r.status).sort()).toEqual([201, ...Array(19).fill(409)]);
    const [row] = await sql`select
      (select count(*) from users where lower(email) = ${email})::int as users,
      (select count(*) from sessions s join users u on u.id = s.user_id where lower(u.email) = ${email})::int as sessions`;
    expect(row).toEqual({ users: 1, sessions: 1 });
  });

  it('loses no field when concurrent PATCHes change different fields of one task', async () => {
    const handlers = await instances('../../functions/tasks-update.ts', 10);
    const user = await registerUser();
    const [task] =
      await sql`insert into tasks (user_id, title, description) values (${user.id}, 'old', 'old') returning id`;
    const changes = [{ title: 'new title' }, { description: 'new description' }, { completed: true }];

    const replies = await Promise.all(
      handlers.map((handler, i) =>
        invoke(handler, {
          method: 'PATCH',
          resource: '/api/v1/tasks/{id}',
          headers: bearer(user.accessToken),
          pathParameters: { id: String(task?.id) },
          body: changes[i % 3],
        }),
      ),
    );

    expect(replies.every((r) => r.status === 200)).toBe(true);
    const [row] = await sql`select title, description, completed from tasks where id = ${task?.id}`;
    expect(row).toEqual({ title: 'new title', description: 'new description', completed: true });
  });

  it('deletes a task once when 10 deletes race: one 204, the rest 404', async () => {
    const handlers = await instances('../../functions/tasks-delete.ts', 10);
    const user = await registerUser();
    const [task] = await sql`insert into tasks (user_id, title) values (${user.id}, 'doomed') returning id`;

    const replies = await Promise.all(
      handlers.map((handler) =>
        invoke(handler, {
          method: 'DELETE',
          resource: '/api/v1/tasks/{id}',
          headers: bearer(user.accessToken),
          pathParameters: { id: String(task?.id) },
        }),
      ),
    );

    expect(replies.map((r) => r.status).sort()).toEqual([204, ...Array(9).fill(404)]);
    // The delete leaves one tombstone for delta sync, deleted once (version 2).
    const rows = await sql`select version, deleted_at is not null as tombstone from tasks where id = ${task?.id}`;
    expect(rows).toEqual([{ version: 2, tombstone: true }]);
  });
});
