import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roundTripCounter } from '../helpers/round-trips.ts';

// Every database connection of this file goes through the counting relay. The client is made
// on first use, so pointing DATABASE_URL at the relay before any call is enough.
const counter = await roundTripCounter(process.env.DATABASE_URL ?? '');
process.env.DATABASE_URL = counter.url;

import { database } from '#lib/infra/database.ts';
import { handler as login } from '../../functions/auth-login.ts';
import { handler as refresh } from '../../functions/auth-refresh.ts';
import { handler as listSessions } from '../../functions/auth-sessions-list.ts';
import { handler as createTask } from '../../functions/tasks-create.ts';
import { handler as deleteTask } from '../../functions/tasks-delete.ts';
import { handler as getTask } from '../../functions/tasks-get.ts';
import { handler as listTasks } from '../../functions/tasks-list.ts';
import { handler as updateTask } from '../../functions/tasks-update.ts';
import { handler as listUsers } from '../../functions/users-list.ts';
import { handler as getMe } from '../../functions/users-me-get.ts';
import { bearer, PASSWORD, type Registered, registerUser } from '../helpers/auth.ts';
import { type EventOptions, invoke } from '../helpers/lambda.ts';

/**
 * Latency on a real network is round trips to PostgreSQL, not CPU: an authenticated read makes
 * one (the session check counted against the rate limit in one statement, sent together with the
 * answer's statements), a write adds only its own statements after the check.
 */

let user: Registered;
let taskId: string;

const as = (options: EventOptions) => ({ ...options, headers: { ...bearer(user.accessToken), ...options.headers } });

async function roundTrips(handler: Parameters<typeof invoke>[0], options: EventOptions, status: number) {
  let reply: Awaited<ReturnType<typeof invoke>> | undefined;
  const trips = await counter.count(async () => {
    reply = await invoke(handler, options);
  });
  expect(reply?.status, reply?.raw).toBe(status);
  return trips;
}

beforeAll(async () => {
  user = await registerUser();
  for (let i = 0; i < 25; i += 1) {
    const reply = await invoke(createTask, as({ method: 'POST', resource: '/api/v1/tasks', body: { title: `t${i}` } }));
    taskId = reply.body.data.id;
  }
});

afterAll(async () => {
  await counter.close();
});

describe('round trips to the database per request', () => {
  it('answers GET /tasks (a page with its total) in one', async () => {
    expect(await roundTrips(listTasks, as({ resource: '/api/v1/tasks', query: { q: 't1' } }), 200)).toBe(1);
  });

  it('answers GET /tasks/{id} and GET /users/me in one', async () => {
    const get = as({ resource: '/api/v1/tasks/{id}', pathParameters: { id: taskId } });
    expect(await roundTrips(getTask, get, 200)).toBe(1);
    expect(await roundTrips(getMe, as({ resource: '/api/v1/users/me' }), 200)).toBe(1);
  });

  it('answers the paginated lists of sessions and users in one', async () => {
    expect(await roundTrips(listSessions, as({ resource: '/api/v1/auth/sessions' }), 200)).toBe(1);
    await database().sql`update users set role = 'ADMIN' where id = ${user.id}`;
    // The token still claims USER: the answer found for that role is dropped and found again.
    expect(await roundTrips(listUsers, as({ resource: '/api/v1/users' }), 200)).toBe(2);
    const signedIn = await invoke(login, { method: 'POST', body: { email: user.email, password: PASSWORD } });
    const admin = { ...bearer(signedIn.body.data.tokens.accessToken) };
    expect(await roundTrips(listUsers, { resource: '/api/v1/users', headers: admin }, 200)).toBe(1);
  });

  it('refuses a dead session in one, counted against the client', async () => {
    const other = await registerUser();
    await database().sql`update sessions set revoked_at = now() where user_id = ${other.id}`;
    const options = { resource: '/api/v1/tasks', headers: bearer(other.accessToken) };
    expect(await roundTrips(listTasks, options, 401)).toBe(1);
  });

  it('writes a task in the statements of the write (and a create its transaction)', async () => {
    const create = as({ method: 'POST', resource: '/api/v1/tasks', body: { title: 'one more' } });
    const created = await roundTrips(createTask, create, 201);
    const update = as({
      method: 'PATCH',
      resource: '/api/v1/tasks/{id}',
      pathParameters: { id: taskId },
      body: { completed: true },
    });
    const updated = await roundTrips(updateTask, update, 200);
    const remove = as({ method: 'DELETE', resource: '/api/v1/tasks/{id}', pathParameters: { id: taskId } });
    const deleted = await roundTrips(deleteTask, remove, 204);
    // A create locks its owner, counts, then inserts, in a transaction (MAX_TASKS_PER_USER).
    expect({ created, updated, deleted }).toEqual({ created: 5, updated: 2, deleted: 2 });
  });

  it('logs in in at most three', async () => {
    const body = { email: user.email, password: PASSWORD };
    expect(await roundTrips(login, { method: 'POST', resource: '/api/v1/auth/login', body }, 200)).toBeLessThanOrEqual(
      3,
    );
  });

  it('refreshes in at most three', async () => {
    const body = { refreshToken: user.refreshToken };
    expect(
      await roundTrips(refresh, { method: 'POST', resource: '/api/v1/auth/refresh', body }, 200),
    ).toBeLessThanOrEqual(3);
  });
});
