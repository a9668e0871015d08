import type postgres from 'postgres';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { database } from '#lib/infra/database.ts';

const { sql } = database();

import { freePort } from '../../scripts/ports.ts';
import { registerUser } from '../helpers/auth.ts';
import { onValkey } from '../helpers/counters.ts';
import { invoke, type Reply } from '../helpers/lambda.ts';
import { captureLogs } from '../helpers/logs.ts';

/** The handlers as a Lambda instance would load them with this DATABASE_URL (and these variables). */
async function loadHandlers(databaseUrl: string, env: Record<string, string> = {}) {
  const changed = { ...env, DATABASE_URL: databaseUrl };
  const saved = Object.fromEntries(Object.keys(changed).map((name) => [name, process.env[name]]));
  Object.assign(process.env, changed);
  vi.resetModules();
  try {
    const handlers = {
      login: (await import('../../functions/auth-login.ts')).handler,
      register: (await import('../../functions/auth-register.ts')).handler,
      refresh: (await import('../../functions/auth-refresh.ts')).handler,
      sessions: (await import('../../functions/auth-sessions-list.ts')).handler,
    };
    connections.push((await import('#lib/infra/database.ts')).database().sql);
    stores.push((await import('#lib/infra/rate-limit.ts')).closeRateLimitStore);
    const { signAccessToken } = await import('#lib/auth/tokens.ts');
    return { ...handlers, signAccessToken };
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}
const connections: postgres.Sql[] = [];
const stores: (() => Promise<void>)[] = [];
afterAll(async () => {
  await Promise.all(stores.map((close) => close()));
  await Promise.all(connections.map((connection) => connection.end({ timeout: 1 })));
});

/**
 * Makes the store fail on its own, the database still up: PostgreSQL's counters table goes
 * missing, or Valkey is a port nothing listens on. Returns what the handlers are loaded with,
 * and how to undo it.
 */
async function breakTheStore(): Promise<{ env: Record<string, string>; repair: () => Promise<void> }> {
  if (onValkey()) return { env: { VALKEY_URL: `redis://127.0.0.1:${await freePort()}` }, repair: async () => {} };
  await sql`alter table rate_limits rename to rate_limits_gone`;
  return { env: {}, repair: async () => void (await sql`alter table rate_limits_gone rename to rate_limits`) };
}

const authRequests = (handlers: Awaited<ReturnType<typeof loadHandlers>>) => [
  invoke(handlers.login, {
    method: 'POST',
    resource: '/api/v1/auth/login',
    body: { email: 'ada@example.com', password: 'some password' },
  }),
  invoke(handlers.register, {
    method: 'POST',
    resource: '/api/v1/auth/register',
    body: { email: 'ada@example.com', password: 'a fine password' },
  }),
  invoke(handlers.refresh, { method: 'POST', resource: '/api/v1/auth/refresh', body: { refreshToken: 'abc' } }),
];

const expectUnavailable = (reply: Reply) => {
  expect(reply.status).toBe(503);
  expect(reply.body.error).toEqual({
    code: 'SERVICE_UNAVAILABLE',
    message: 'The service is temporarily unavailable, please retry',
    requestId: reply.headers['x-request-id'],
  });
};

describe('rate limits with the database unreachable', () => {
  it('fail closed on the auth routes and leave the API to the database failure: 503, never 500', async () => {
    captureLogs();
    const handlers = await loadHandlers(`postgres://postgres@127.0.0.1:${await freePort()}/down`);
    const accessToken = await handlers.signAccessToken({
      userId: '00000000-0000-4000-8000-000000000001',
      role: 'USER',
      sessionId: '00000000-0000-4000-8000-000000000002',
    });

    const replies = await Promise.all([
      ...authRequests(handlers),
      invoke(handlers.sessions, {
        resource: '/api/v1/auth/sessions',
        headers: { Authorization: `Bearer ${accessToken}` },
      }),
    ]);

    for (const reply of replies) expectUnavailable(reply);
    expect(replies.filter((reply) => /ECONNREFUSED|127\.0\.0\.1|postgres/i.test(reply.raw))).toEqual([]);
  });
});

describe('rate limits when the store itself fails', () => {
  it('fail closed on the auth routes with 503, and let the API through with the failure logged', async () => {
    const logged = captureLogs();
    const account = await registerUser();
    const broken = await breakTheStore();
    const handlers = await loadHandlers(process.env.DATABASE_URL ?? '', broken.env);

    const replies = await Promise.all(authRequests(handlers));
    const apiReply = await invoke(handlers.sessions, {
      resource: '/api/v1/auth/sessions',
      headers: { Authorization: `Bearer ${account.accessToken}` },
    });
    await broken.repair();

    for (const reply of replies) expectUnavailable(reply);
    expect(replies.filter((reply) => /rate_limits|relation|insert/i.test(reply.raw))).toEqual([]);
    expect(apiReply.status).toBe(200);
    expect(apiReply.headers['ratelimit-limit']).toBeUndefined();
    expect(logged().map((line) => JSON.parse(line))).toContainEqual(
      expect.objectContaining({ message: 'rate limit not counted; request allowed', rule: 'api' }),
    );
  });
});
