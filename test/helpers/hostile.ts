import { expect } from 'vitest';
import { database } from '#lib/infra/database.ts';

const { sql } = database();

import { DECLARATION_FILES } from '../../scripts/routes.ts';
import { SECURITY_HEADERS } from './headers.ts';
import type { invoke, Reply } from './lambda.ts';

/** Shared by the hostile-input corpus and the fuzz tests: the routes, the error envelope, the database's state. */

export type Handler = Parameters<typeof invoke>[0];

export interface RouteSpec {
  handler: Handler;
  method: string;
  resource: string;
  auth: 'none' | 'user' | 'admin';
  /** Whether it declares query parameters; one that does not refuses any. */
  query: boolean;
}

/** A route's short name here: its function's, in camelCase, without `auth-` (`register`, `tasksGet`). */
export type RouteName = string;
const shortName = (name: string) =>
  name.replace(/^auth-/, '').replace(/-(\w)/g, (_, letter: string) => letter.toUpperCase());

/**
 * Every HTTP route, from the declarations: each takes client input, if only a query string it
 * must refuse (health and the reference too); and the catch-all 404. Not the preflight, which
 * answers for the request it precedes.
 */
export const ROUTES: Readonly<Record<RouteName, RouteSpec>> = Object.fromEntries(
  await Promise.all(
    DECLARATION_FILES.flatMap(({ name, declaration }) => {
      if (!('method' in declaration) && name !== 'not-found') return [];
      return [
        (async () => {
          const { handler } = (await import(`../../functions/${name}.ts`)) as { handler: Handler };
          const [method, resource] =
            'method' in declaration ? [declaration.method, declaration.path] : ['GET', '/{proxy+}'];
          const query = 'method' in declaration && declaration.query !== undefined;
          return [shortName(name), { handler, method, resource, auth: declaration.auth, query }] as const;
        })(),
      ];
    }),
  ),
);

/** The route of a short name; a name no declaration has is a mistake in the test. */
export function routeSpec(name: RouteName): RouteSpec {
  const spec = ROUTES[name];
  if (!spec) throw new Error(`no route named ${name}: see ROUTES in test/helpers/hostile.ts`);
  return spec;
}

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
      (select md5(coalesce(string_agg(t::text, ',' order by t::text), '')) from tasks t) as tasks_md5,
      (select count(*)::int from idempotency_keys) as idempotency_keys,
      (select md5(coalesce(string_agg(t::text, ',' order by t::text), '')) from idempotency_keys t) as idempotency_keys_md5`;
  if (!row) throw new Error('no database state');
  return { ...row };
}

export { SECURITY_HEADERS };
