import { beforeAll, describe, expect, it } from 'vitest';
import { database } from '#lib/infra/database.ts';
import { handler as login } from '../../functions/auth-login.ts';
import { handler as createTask } from '../../functions/tasks-create.ts';
import { handler as getTask } from '../../functions/tasks-get.ts';
import { handler as listTasks } from '../../functions/tasks-list.ts';
import { handler as listUsers } from '../../functions/users-list.ts';
import { bearer, PASSWORD, type Registered, registerUser } from '../helpers/auth.ts';
import { invoke } from '../helpers/lambda.ts';

/**
 * A GET's handler starts beside the session check, with the caller its signed token names
 * (lib/http/middlewares/authentication.ts). Nothing it finds is answered before the check
 * admits that caller, and every refusal is the one the check gives when awaited first.
 */

let owner: Registered;
let ownerTaskId: string;

beforeAll(async () => {
  owner = await registerUser();
  const created = await invoke(createTask, {
    method: 'POST',
    resource: '/api/v1/tasks',
    headers: bearer(owner.accessToken),
    body: { title: 'private plans' },
  });
  ownerTaskId = created.body.data.id;
});

const signIn = async (user: Registered) =>
  (await invoke(login, { method: 'POST', body: { email: user.email, password: PASSWORD } })).body.data.tokens
    .accessToken as string;

const setRole = (user: Registered, role: 'USER' | 'ADMIN') =>
  database().sql`update users set role = ${role} where id = ${user.id}`;

describe('reads started before the session check answers', () => {
  it('answers a revoked session with 401 and none of the data it read', async () => {
    const user = await registerUser();
    const token = await signIn(user);
    const task = await invoke(createTask, {
      method: 'POST',
      resource: '/api/v1/tasks',
      headers: bearer(token),
      body: { title: 'read after logout' },
    });
    await database().sql`update sessions set revoked_at = now() where user_id = ${user.id}`;

    const reply = await invoke(getTask, {
      resource: '/api/v1/tasks/{id}',
      pathParameters: { id: task.body.data.id },
      headers: bearer(token),
    });

    expect(reply.status).toBe(401);
    expect(reply.body.error.code).toBe('TOKEN_INVALID');
    expect(reply.raw).not.toContain('read after logout');
  });

  it('refuses a dead session with 401 before a query it would refuse with 400', async () => {
    const user = await registerUser();
    await database().sql`update sessions set revoked_at = now() where user_id = ${user.id}`;

    const reply = await invoke(listTasks, {
      resource: '/api/v1/tasks',
      headers: bearer(user.accessToken),
      query: { pageSize: 'many' },
    });

    expect(reply.status).toBe(401);
  });

  it('refuses a dead session with 401 before a task it would answer 404', async () => {
    const user = await registerUser();
    await database().sql`update sessions set revoked_at = now() where user_id = ${user.id}`;

    const reply = await invoke(getTask, {
      resource: '/api/v1/tasks/{id}',
      pathParameters: { id: '00000000-0000-4000-8000-000000000000' },
      headers: bearer(user.accessToken),
    });

    expect(reply.status).toBe(401);
  });

  it('answers a demoted admin, whose token still claims ADMIN, as the user they now are', async () => {
    const admin = await registerUser();
    await setRole(admin, 'ADMIN');
    const adminToken = await signIn(admin);
    await setRole(admin, 'USER');

    const othersTask = await invoke(getTask, {
      resource: '/api/v1/tasks/{id}',
      pathParameters: { id: ownerTaskId },
      headers: bearer(adminToken),
    });
    const everyone = await invoke(listTasks, {
      resource: '/api/v1/tasks',
      headers: bearer(adminToken),
      query: { scope: 'all' },
    });
    const users = await invoke(listUsers, { resource: '/api/v1/users', headers: bearer(adminToken) });

    expect(othersTask.status).toBe(404);
    expect(othersTask.raw).not.toContain('private plans');
    expect(everyone.status).toBe(403);
    expect(users.status).toBe(403);
  });

  it('answers a promoted user, whose token still claims USER, as the admin they now are', async () => {
    const user = await registerUser();
    await setRole(user, 'ADMIN');

    const users = await invoke(listUsers, { resource: '/api/v1/users', headers: bearer(user.accessToken) });
    const othersTask = await invoke(getTask, {
      resource: '/api/v1/tasks/{id}',
      pathParameters: { id: ownerTaskId },
      headers: bearer(user.accessToken),
    });

    expect(users.status).toBe(200);
    expect(othersTask.status).toBe(200);
    expect(othersTask.body.data.title).toBe('private plans');
  });

  it('answers a live session its own data, as before', async () => {
    const reply = await invoke(getTask, {
      resource: '/api/v1/tasks/{id}',
      pathParameters: { id: ownerTaskId },
      headers: bearer(owner.accessToken),
    });

    expect(reply.status).toBe(200);
    expect(reply.body.data.id).toBe(ownerTaskId);
  });
});
