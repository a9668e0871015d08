import { describe, expect, it } from 'vitest';
import { PASSWORD, uniqueEmail } from '../helpers/auth.ts';
import { call } from '../helpers/http.ts';
import { serverDatabase } from '../helpers/server-db.ts';

const db = serverDatabase();
const auth = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });

async function registerOverHttp(email = uniqueEmail('e2e')) {
  const reply = await call('POST', '/api/v1/auth/register', { body: { email, password: PASSWORD } });
  expect(reply.status).toBe(201);
  return {
    email,
    userId: reply.body.data.user.id as string,
    ...(reply.body.data.tokens as { accessToken: string; refreshToken: string }),
  };
}

describe('the auth flow over HTTP', () => {
  it('registers, signs in, refreshes, detects reuse and logs out', async () => {
    const registered = await registerOverHttp();
    expect((await call('GET', '/api/v1/auth/sessions', auth(registered.accessToken))).status).toBe(200);

    const login = await call('POST', '/api/v1/auth/login', { body: { email: registered.email, password: PASSWORD } });
    expect(login.status).toBe(200);
    expect(login.headers['cache-control']).toBe('no-store');
    const { accessToken, refreshToken } = login.body.data.tokens;

    const refreshed = await call('POST', '/api/v1/auth/refresh', { body: { refreshToken } });
    expect(refreshed.status).toBe(200);
    const newest = refreshed.body.data.tokens;

    const graceRetry = await call('POST', '/api/v1/auth/refresh', { body: { refreshToken } });
    expect(graceRetry.status).toBe(200);
    const latest = graceRetry.body.data.tokens;

    await db`update refresh_tokens set used_at = now() - interval '11 seconds' where token_hash = encode(sha256(${refreshToken}::bytea), 'hex')`;
    const lateReuse = await call('POST', '/api/v1/auth/refresh', { body: { refreshToken } });
    expect(lateReuse.status).toBe(401);
    expect(lateReuse.body.error.code).toBe('TOKEN_INVALID');
    expect((await call('POST', '/api/v1/auth/refresh', { body: { refreshToken: latest.refreshToken } })).status).toBe(
      401,
    );
    expect((await call('GET', '/api/v1/auth/sessions', auth(newest.accessToken))).status).toBe(401);
    expect((await call('GET', '/api/v1/auth/sessions', auth(accessToken))).status).toBe(401);

    // The registration session is untouched by the other session's revocation.
    expect((await call('GET', '/api/v1/auth/sessions', auth(registered.accessToken))).status).toBe(200);
    const logout = await call('POST', '/api/v1/auth/logout', auth(registered.accessToken));
    expect(logout.status).toBe(204);
    expect(logout.raw).toBe('');
    expect((await call('GET', '/api/v1/auth/sessions', auth(registered.accessToken))).status).toBe(401);
  });

  it('changes the email only once confirmed and deletes the account with its password', async () => {
    const registered = await registerOverHttp();
    const email = uniqueEmail('moved');

    const change = await call('PATCH', '/api/v1/users/me', {
      ...auth(registered.accessToken),
      body: { email, currentPassword: PASSWORD },
    });
    const wrong = await call('DELETE', '/api/v1/users/me', {
      ...auth(registered.accessToken),
      body: { currentPassword: 'not my password' },
    });
    const removed = await call('DELETE', '/api/v1/users/me', {
      ...auth(registered.accessToken),
      body: { currentPassword: PASSWORD },
    });

    expect(change.status).toBe(200);
    expect(change.body.data).toMatchObject({ email: registered.email, pendingEmail: email });
    expect(wrong.status).toBe(401);
    expect(removed.status).toBe(204);
    expect(removed.raw).toBe('');
    expect((await call('GET', '/api/v1/users/me', auth(registered.accessToken))).status).toBe(401);
    const [left] = await db<
      { count: number }[]
    >`select count(*)::int as count from users where id = ${registered.userId}`;
    expect(left?.count).toBe(0);
  });

  it('logout-all ends every session of the caller', async () => {
    const first = await registerOverHttp();
    const second = (await call('POST', '/api/v1/auth/login', { body: { email: first.email, password: PASSWORD } })).body
      .data.tokens;

    expect((await call('POST', '/api/v1/auth/logout-all', auth(second.accessToken))).status).toBe(204);

    expect((await call('GET', '/api/v1/auth/sessions', auth(first.accessToken))).status).toBe(401);
    expect((await call('POST', '/api/v1/auth/refresh', { body: { refreshToken: second.refreshToken } })).status).toBe(
      401,
    );
  });

  it('leaves exactly one live chain after 10 concurrent refreshes of one token', { timeout: 60_000 }, async () => {
    // Warm the instances first, as a busy Lambda would have them: a cold instance on a loaded
    // 2-core machine can take longer than the 10-second grace to start. (The 20-way race on
    // 20 separate instances runs at handler level in test/handler/auth-race.test.ts.)
    const warmUp = await registerOverHttp();
    await Promise.all(
      Array.from({ length: 10 }, () =>
        call('POST', '/api/v1/auth/refresh', { body: { refreshToken: warmUp.refreshToken } }),
      ),
    );
    const { userId, refreshToken } = await registerOverHttp();

    const replies = await Promise.all(
      Array.from({ length: 10 }, () => call('POST', '/api/v1/auth/refresh', { body: { refreshToken } })),
    );

    expect(replies.map((reply) => reply.status)).toEqual(Array(10).fill(200));
    const [live] = await db`select count(*)::int as n from refresh_tokens t join sessions s on s.id = t.session_id
      where s.user_id = ${userId} and t.used_at is null and s.revoked_at is null`;
    expect(live?.n).toBe(1);
    const [total] =
      await db`select count(*)::int as n from refresh_tokens t join sessions s on s.id = t.session_id where s.user_id = ${userId}`;
    expect(total?.n).toBe(11);
  });

  it('answers 409 to exactly all but one of 10 concurrent registrations of one email', {
    timeout: 60_000,
  }, async () => {
    const email = uniqueEmail('race');

    const replies = await Promise.all(
      Array.from({ length: 10 }, () => call('POST', '/api/v1/auth/register', { body: { email, password: PASSWORD } })),
    );

    expect(replies.filter((r) => r.status === 201)).toHaveLength(1);
    expect(replies.filter((r) => r.status === 409)).toHaveLength(9);
    const [row] = await db`select count(*)::int as n from users where email = ${email}`;
    expect(row?.n).toBe(1);
  });
});

describe('bad requests to an auth route over HTTP', () => {
  it.each([
    [
      'a non-JSON content type',
      { body: 'email=a', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    ['malformed JSON', { body: '{"email":', headers: { 'content-type': 'application/json' } }, 400, 'VALIDATION_ERROR'],
    [
      'a body over 64 KiB',
      { body: JSON.stringify({ email: 'a@b.co', password: 'x'.repeat(70_000) }) },
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    ['an unknown key', { body: { email: 'a@b.co', password: PASSWORD, role: 'ADMIN' } }, 400, 'VALIDATION_ERROR'],
  ])('answers %s with its status in the envelope', async (_, options, status, code) => {
    const reply = await call(
      'POST',
      '/api/v1/auth/login',
      options as { body: unknown; headers?: Record<string, string> },
    );

    expect(reply.status).toBe(status);
    expect(reply.body.error.code).toBe(code);
    expect(reply.body.error.requestId).toBe(reply.headers['x-request-id']);
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers a preflight for an auth route', async () => {
    const reply = await call('OPTIONS', '/api/v1/auth/login', {
      headers: { Origin: 'https://app.example.test', 'Access-Control-Request-Method': 'POST' },
    });

    expect(reply.status).toBe(204);
    expect(reply.headers['access-control-allow-origin']).toBe('https://app.example.test');
  });
});
