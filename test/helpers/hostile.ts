import { expect } from 'vitest';
import { sql } from '#db/client.ts';
import { handler as login } from '../../functions/auth-login.ts';
import { handler as logout } from '../../functions/auth-logout.ts';
import { handler as logoutAll } from '../../functions/auth-logout-all.ts';
import { handler as refresh } from '../../functions/auth-refresh.ts';
import { handler as register } from '../../functions/auth-register.ts';
import { handler as sessionsDelete } from '../../functions/auth-sessions-delete.ts';
import { handler as sessionsList } from '../../functions/auth-sessions-list.ts';
import { handler as notFound } from '../../functions/not-found.ts';
import { handler as tasksCreate } from '../../functions/tasks-create.ts';
import { handler as tasksDelete } from '../../functions/tasks-delete.ts';
import { handler as tasksGet } from '../../functions/tasks-get.ts';
import { handler as tasksList } from '../../functions/tasks-list.ts';
import { handler as tasksUpdate } from '../../functions/tasks-update.ts';
import { handler as usersDelete } from '../../functions/users-delete.ts';
import { handler as usersGet } from '../../functions/users-get.ts';
import { handler as usersList } from '../../functions/users-list.ts';
import { handler as usersMeGet } from '../../functions/users-me-get.ts';
import { handler as usersMeUpdate } from '../../functions/users-me-update.ts';
import { handler as usersUpdate } from '../../functions/users-update.ts';
import { SECURITY_HEADERS } from './headers.ts';
import type { invoke, Reply } from './lambda.ts';

/** Shared by the hostile-input corpus and the fuzz tests: the routes, the error envelope, the database's state. */

export type Handler = Parameters<typeof invoke>[0];

export interface RouteSpec {
  handler: Handler;
  method: string;
  resource: string;
  auth: 'none' | 'user' | 'admin';
}

/** Every HTTP route of serverless.yml that takes client input (health and preflight take none). */
export const ROUTES = {
  register: { handler: register, method: 'POST', resource: '/api/v1/auth/register', auth: 'none' },
  login: { handler: login, method: 'POST', resource: '/api/v1/auth/login', auth: 'none' },
  refresh: { handler: refresh, method: 'POST', resource: '/api/v1/auth/refresh', auth: 'none' },
  logout: { handler: logout, method: 'POST', resource: '/api/v1/auth/logout', auth: 'user' },
  logoutAll: { handler: logoutAll, method: 'POST', resource: '/api/v1/auth/logout-all', auth: 'user' },
  sessionsList: { handler: sessionsList, method: 'GET', resource: '/api/v1/auth/sessions', auth: 'user' },
  sessionsDelete: { handler: sessionsDelete, method: 'DELETE', resource: '/api/v1/auth/sessions/{id}', auth: 'user' },
  usersMeGet: { handler: usersMeGet, method: 'GET', resource: '/api/v1/users/me', auth: 'user' },
  usersMeUpdate: { handler: usersMeUpdate, method: 'PATCH', resource: '/api/v1/users/me', auth: 'user' },
  usersList: { handler: usersList, method: 'GET', resource: '/api/v1/users', auth: 'admin' },
  usersGet: { handler: usersGet, method: 'GET', resource: '/api/v1/users/{id}', auth: 'admin' },
  usersUpdate: { handler: usersUpdate, method: 'PATCH', resource: '/api/v1/users/{id}', auth: 'admin' },
  usersDelete: { handler: usersDelete, method: 'DELETE', resource: '/api/v1/users/{id}', auth: 'admin' },
  tasksList: { handler: tasksList, method: 'GET', resource: '/api/v1/tasks', auth: 'user' },
  tasksCreate: { handler: tasksCreate, method: 'POST', resource: '/api/v1/tasks', auth: 'user' },
  tasksGet: { handler: tasksGet, method: 'GET', resource: '/api/v1/tasks/{id}', auth: 'user' },
  tasksUpdate: { handler: tasksUpdate, method: 'PATCH', resource: '/api/v1/tasks/{id}', auth: 'user' },
  tasksDelete: { handler: tasksDelete, method: 'DELETE', resource: '/api/v1/tasks/{id}', auth: 'user' },
  notFound: { handler: notFound, method: 'GET', resource: '/{proxy+}', auth: 'none' },
} satisfies Record<string, RouteSpec>;

export type RouteName = keyof typeof ROUTES;

/** What must never reach a client: stack frames, SQL, driver or ORM text, source paths. */
export const LEAK = /at \w+ \(|postgres|select |insert |update \w+ set |syntax error|drizzle|node_modules|\.ts:\d+/i;

/** Asserts the contract's error envelope and headers, exactly, for any error answer. */
export function expectErrorEnvelope(reply: Reply): void {
  expect(reply.headers).toMatchObject(SECURITY_HEADERS);
  expect(reply.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(reply.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  if (reply.status === 401) expect(reply.headers['www-authenticate']).toBe('Bearer');
  expect(Object.keys(reply.body)).toEqual(['error']);
  const { error } = reply.body;
  const keys =
    error.code === 'VALIDATION_ERROR' ? ['code', 'message', 'details', 'requestId'] : ['code', 'message', 'requestId'];
  expect(Object.keys(error)).toEqual(keys);
  expect(error.message).toEqual(expect.any(String));
  expect(error.message.length).toBeGreaterThan(0);
  expect(error.requestId).toBe(reply.headers['x-request-id']);
  if (error.details) {
    expect(error.details.length).toBeGreaterThan(0);
    for (const detail of error.details)
      expect(detail).toEqual({ path: expect.any(String), message: expect.any(String) });
  }
  expect(reply.raw).not.toMatch(LEAK);
}

/**
 * Row counts and a content checksum of every table a request could change. rate_limits is
 * left out on purpose: every request, good or bad, legitimately counts a hit there.
 */
export async function databaseState(): Promise<Record<string, string | number>> {
  const [row] = await sql`
    select
      (select count(*)::int from users) as users,
      (select md5(coalesce(string_agg(t::text, ',' order by t::text), '')) from users t) as users_md5,
      (select count(*)::int from sessions) as sessions,
      (select md5(coalesce(string_agg(t::text, ',' order by t::text), '')) from sessions t) as sessions_md5,
      (select count(*)::int from refresh_tokens) as refresh_tokens,
      (select md5(coalesce(string_agg(t::text, ',' order by t::text), '')) from refresh_tokens t) as refresh_tokens_md5,
      (select count(*)::int from tasks) as tasks,
      (select md5(coalesce(string_agg(t::text, ',' order by t::text), '')) from tasks t) as tasks_md5`;
  if (!row) throw new Error('no database state');
  return { ...row };
}

export { SECURITY_HEADERS };
