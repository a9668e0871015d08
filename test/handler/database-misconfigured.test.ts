import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it, vi } from 'vitest';
import { databaseUrl } from '../helpers/databases.ts';
import { invoke } from '../helpers/lambda.ts';
import { captureLogs } from '../helpers/logs.ts';

/**
 * A database that does not exist (SQLSTATE 3D000) or that rejects the role (class 28) is the
 * database being unavailable to the caller: 503 on every route, as for a server that is down.
 */

// Each instance is a fresh module graph (vi.resetModules): invoke() knows its route by resource.

/** One Lambda instance's handlers, configured with this DATABASE_URL. */
async function instanceWith(url: string) {
  const saved = process.env.DATABASE_URL;
  process.env.DATABASE_URL = url;
  vi.resetModules();
  try {
    const { database, closeDatabase } = await import('#lib/infra/database.ts');
    database(); // the instance's configuration, read now, with this URL
    return {
      tasksList: (await import('../../functions/tasks-list.ts')).handler,
      usersMe: (await import('../../functions/users-me-get.ts')).handler,
      login: (await import('../../functions/auth-login.ts')).handler,
      signAccessToken: (await import('#lib/auth/tokens.ts')).signAccessToken,
      closeDatabase,
    };
  } finally {
    process.env.DATABASE_URL = saved;
  }
}

const server = inject('apiServerUrl');
const wrongRole = new URL(databaseUrl(server, 'postgres'));
wrongRole.username = `nobody_${randomUUID().slice(0, 8)}`;
wrongRole.password = 'not-a-password';

describe.each([
  ['does not exist (3D000)', databaseUrl(server, `taskapi_missing_${randomUUID().slice(0, 8)}`)],
  ['rejects the role (class 28)', wrongRole.toString()],
])('a database that %s', (_, url) => {
  it('answers 503 SERVICE_UNAVAILABLE on bearer and public routes, never 500', async () => {
    captureLogs();
    const instance = await instanceWith(url);
    const token = await instance.signAccessToken({ userId: randomUUID(), role: 'USER', sessionId: randomUUID() });
    try {
      const replies = [
        await invoke(instance.tasksList, { resource: '/api/v1/tasks', headers: { Authorization: `Bearer ${token}` } }),
        await invoke(instance.usersMe, { resource: '/api/v1/users/me', headers: { Authorization: `Bearer ${token}` } }),
        await invoke(instance.login, {
          method: 'POST',
          resource: '/api/v1/auth/login',
          body: { email: 'ada@example.com', password: 'correct horse battery staple' },
        }),
      ];

      for (const reply of replies) {
        expect(reply.status, reply.raw).toBe(503);
        expect(reply.body.error.code).toBe('SERVICE_UNAVAILABLE');
        expect(reply.raw).not.toMatch(/nobody_|taskapi_missing|does not exist|password/i);
      }
    } finally {
      await instance.closeDatabase();
    }
  });
});
