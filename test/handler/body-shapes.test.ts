import { describe, expect, it } from 'vitest';
import { database } from '#lib/infra/database.ts';
import { DECLARATIONS } from '../../scripts/routes.ts';
import { bearer, registerUser } from '../helpers/auth.ts';
import { databaseState, expectErrorEnvelope } from '../helpers/hostile.ts';
import { apiEvent, invoke, invokeEvent } from '../helpers/lambda.ts';

const { sql } = database();

/**
 * A JSON body must be an object: anything else is the same 400 on every body route. (Over HTTP
 * to `npm start`, where serverless-offline used to hand functions the parsed value: test/e2e.)
 */
const NOT_OBJECTS: [string, unknown][] = [
  ['null', null],
  ['false', false],
  ['true', true],
  ['0', 0],
  ['a number', 42.5],
  ['a string', 'a string'],
  ['an empty array', []],
  ['an array of an object', [{ title: 'x' }]],
];

const caller = await registerUser();
const admin = await registerUser();
await sql`update users set role = 'ADMIN' where id = ${admin.id}`;
const bodyRoutes = DECLARATIONS.filter((declaration) => declaration.body);

async function handlerOf(name: string) {
  return ((await import(`../../functions/${name}.ts`)) as { handler: Parameters<typeof invoke>[0] }).handler;
}

const cases = bodyRoutes.flatMap((route) =>
  NOT_OBJECTS.map(([what, value]) => [`${route.method} ${route.path}`, what, route, value] as const),
);

describe('a JSON body that is not an object', () => {
  it('is checked on every body route', () => {
    expect(bodyRoutes.map((route) => route.function).sort()).toEqual([
      'auth-email-cancel',
      'auth-email-confirm',
      'auth-login',
      'auth-logout',
      'auth-password-forgot',
      'auth-password-reset',
      'auth-refresh',
      'auth-register',
      'tasks-create',
      'tasks-update',
      'users-me-delete',
      'users-me-update',
      'users-update',
    ]);
  });

  it.each(cases)('%s with %s is 400 VALIDATION_ERROR and changes nothing', async (_, __, route, value) => {
    const handler = await handlerOf(route.function);
    const token = route.auth === 'admin' ? admin.accessToken : caller.accessToken;
    const id = route.path.includes('{id}') ? (route.function === 'users-update' ? caller.id : admin.id) : undefined;
    const event = apiEvent({
      method: route.method,
      resource: route.path,
      path: id ? route.path.replace('{id}', id) : route.path,
      ...(id ? { pathParameters: { id } } : {}),
      headers: { 'Content-Type': 'application/json', ...(route.auth === 'none' ? {} : bearer(token)) },
      body: JSON.stringify(value),
    });
    const before = await databaseState();

    const reply = await invokeEvent(handler, event);

    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe('VALIDATION_ERROR');
    expect(reply.body.error.details).toEqual([{ path: 'body', message: 'must be a JSON object' }]);
    expectErrorEnvelope(reply);
    expect(await databaseState()).toEqual(before);
  });

  it('leaves the session of POST /auth/logout with [] alive', async () => {
    const logout = await handlerOf('auth-logout');
    const sessions = await handlerOf('auth-sessions-list');

    const reply = await invoke(logout, {
      method: 'POST',
      headers: { ...bearer(caller.accessToken), 'Content-Type': 'application/json' },
      body: '[]',
    });

    expect(reply.status).toBe(400);
    expect((await invoke(sessions, { headers: bearer(caller.accessToken) })).status).toBe(200);
  });
});
