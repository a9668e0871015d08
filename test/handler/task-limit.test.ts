import { describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.MAX_TASKS_PER_USER = '3';
});

import { database } from '#lib/infra/database.ts';
import { handler as createTask } from '../../functions/tasks-create.ts';
import { handler as deleteTask } from '../../functions/tasks-delete.ts';
import { bearer, registerUser } from '../helpers/auth.ts';
import { invoke } from '../helpers/lambda.ts';

const { sql } = database();

const create = (accessToken: string, title: string) =>
  invoke(createTask, { method: 'POST', resource: '/api/v1/tasks', headers: bearer(accessToken), body: { title } });

describe('MAX_TASKS_PER_USER', () => {
  it('refuses one task more with 409 TASK_LIMIT_REACHED, and room comes back with a delete', async () => {
    const user = await registerUser();
    const created = [await create(user.accessToken, 'one'), await create(user.accessToken, 'two')];
    created.push(await create(user.accessToken, 'three'));

    const refused = await create(user.accessToken, 'four');
    await invoke(deleteTask, {
      method: 'DELETE',
      resource: '/api/v1/tasks/{id}',
      headers: bearer(user.accessToken),
      pathParameters: { id: created[0]?.body.data.id },
    });
    const afterDelete = await create(user.accessToken, 'four again');

    expect(created.map((reply) => reply.status)).toEqual([201, 201, 201]);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('TASK_LIMIT_REACHED');
    expect(afterDelete.status).toBe(201);
  });

  it('holds under concurrent creates on separate connections: never more than the bound', async () => {
    const user = await registerUser();
    vi.resetModules();
    const instances = await Promise.all(
      Array.from({ length: 4 }, async () => {
        vi.resetModules();
        return (await import('../../functions/tasks-create.ts')).handler;
      }),
    );

    const replies = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        invoke(instances[i % instances.length] ?? createTask, {
          method: 'POST',
          resource: '/api/v1/tasks',
          headers: bearer(user.accessToken),
          body: { title: `raced ${i}` },
        }),
      ),
    );
    const [owned] = await sql<{ n: number }[]>`select count(*)::int as n from tasks where user_id = ${user.id}`;

    expect(replies.filter((reply) => reply.status === 201)).toHaveLength(3);
    expect(replies.filter((reply) => reply.status === 409)).toHaveLength(5);
    expect(owned?.n).toBe(3);
  });
});
