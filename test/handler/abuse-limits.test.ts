import { describe, expect, it, vi } from 'vitest';

// Config is read once, at first use (a helper's import uses it): set the limits before any import.
vi.hoisted(() => {
  process.env.MAX_SESSIONS_PER_USER = '3';
  process.env.RATE_LIMIT_REFRESH = '3/1h';
  process.env.RATE_LIMIT_API = '3/1m';
});

import { database } from '#lib/infra/database.ts';
import { handler as login } from '../../functions/auth-login.ts';
import { handler as refresh } from '../../functions/auth-refresh.ts';
import { handler as register } from '../../functions/auth-register.ts';
import { handler as sessions } from '../../functions/auth-sessions-list.ts';
import { handler as listUsers } from '../../functions/users-list.ts';
import { handler as me } from '../../functions/users-me-get.ts';
import { handler as updateMe } from '../../functions/users-me-update.ts';
import { bearer, PASSWORD, registerUser, uniqueEmail } from '../helpers/auth.ts';
import { invoke, type Reply } from '../helpers/lambda.ts';
import { roomInWindow } from '../helpers/rate-limit.ts';

const { sql } = database();

const signIn = async (email: string, sourceIp = '203.0.113.10', userAgent = 'vitest') =>
  (
    await invoke(login, {
      method: 'POST',
      resource: '/api/v1/auth/login',
      sourceIp,
      headers: { 'User-Agent': userAgent },
      body: { email, password: PASSWORD },
    })
  ).body.data.tokens as { accessToken: string; refreshToken: string };
const refreshFrom = (sourceIp: string, refreshToken: string, userAgent = 'vitest') =>
  invoke(refresh, {
    method: 'POST',
    resource: '/api/v1/auth/refresh',
    sourceIp,
    headers: { 'User-Agent': userAgent },
    body: { refreshToken },
  });
const statuses = (replies: Reply[]) => replies.map((reply) => reply.status);
const listSessions = (accessToken: string, query: Record<string, string> = {}) =>
  invoke(sessions, { resource: '/api/v1/auth/sessions', headers: bearer(accessToken), query });

describe('sessions per user', () => {
  it('keeps at most MAX_SESSIONS_PER_USER: a new login ends the least recently used', async () => {
    const user = await registerUser();
    const logins = [await signIn(user.email), await signIn(user.email), await signIn(user.email)];

    const pages = [
      await listSessions(logins[2]?.accessToken ?? '', { pageSize: '2' }),
      await listSessions(logins[2]?.accessToken ?? '', { pageSize: '2', page: '2' }),
    ];
    const ended = await sql<{ revokeReason: string | null }[]>`
      select revoke_reason as "revokeReason" from sessions where user_id = ${user.id} order by created_at`;

    // The registration's session was used least recently: the fourth session ended it.
    expect(ended.map((row) => row.revokeReason)).toEqual(['session_limit', null, null, null]);
    expect(pages.map((page) => page.body.data.length)).toEqual([2, 1]);
    expect(pages[0]?.body.meta).toMatchObject({ total: 3, page: 1, pageSize: 2, totalPages: 2 });
    expect(pages[0]?.body.data[0]).toMatchObject({ current: true });
  });
});

describe('refresh tokens', () => {
  it('count refreshes per session: guesses from one address do not block other clients behind it', async () => {
    await roomInWindow(3600, 10);
    const natIp = '198.51.100.77';
    const user = await registerUser();
    const tokens = await signIn(user.email, natIp);

    const guesses = [];
    for (let i = 0; i < 4; i++) guesses.push(await refreshFrom(natIp, `guessed-token-${i}`));
    const neighbour = await refreshFrom(natIp, tokens.refreshToken);

    expect(statuses(guesses)).toEqual([401, 401, 401, 429]);
    expect(neighbour.status).toBe(200);
  });

  it('limit one session however many addresses its refreshes come from', async () => {
    await roomInWindow(3600, 10);
    const user = await registerUser();
    let { refreshToken } = await signIn(user.email, '198.51.100.80');

    const replies = [];
    for (let i = 0; i < 4; i++) {
      const reply = await refreshFrom(`198.51.100.${81 + i}`, refreshToken);
      replies.push(reply);
      if (reply.status === 200) refreshToken = reply.body.data.tokens.refreshToken;
    }

    expect(statuses(replies)).toEqual([200, 200, 200, 429]);
  });

  it('treat a spent token from another network within the grace window as reuse', async () => {
    const user = await registerUser();
    const first = await signIn(user.email, '198.51.100.90');
    const rotated = await refreshFrom('198.51.100.90', first.refreshToken);

    const thief = await refreshFrom('203.0.113.200', first.refreshToken);

    expect(rotated.status).toBe(200);
    expect(thief.status).toBe(401);
    expect(thief.body.error.code).toBe('TOKEN_INVALID');
    expect((await refreshFrom('198.51.100.90', rotated.body.data.tokens.refreshToken)).status).toBe(401);
    expect((await invoke(me, { headers: bearer(first.accessToken) })).status).toBe(401);
  });

  it('record the latest address and user agent on the session', async () => {
    const user = await registerUser();
    const first = await signIn(user.email, '198.51.100.95', 'phone app 1.0');

    const rotated = await refreshFrom('2001:db8:95::1', first.refreshToken, 'phone app 1.1');
    const listed = await listSessions(rotated.body.data.tokens.accessToken);

    expect(listed.body.data.find((session: { current: boolean }) => session.current)).toMatchObject({
      ip: '2001:db8:95::1',
      userAgent: 'phone app 1.1',
    });
  });
});

describe('403 answers', () => {
  it('count against the caller\u2019s api rule like any other answer', async () => {
    await roomInWindow(60, 5);
    const user = await registerUser();

    const replies = [];
    for (let i = 0; i < 4; i++) {
      replies.push(await invoke(listUsers, { resource: '/api/v1/users', headers: bearer(user.accessToken) }));
    }
    const ownProfile = await invoke(me, { headers: bearer(user.accessToken) });

    expect(statuses(replies)).toEqual([403, 403, 403, 429]);
    expect(ownProfile.status).toBe(429);
  });
});

describe('new passwords', () => {
  const registerWith = (email: string, password: string) =>
    invoke(register, { method: 'POST', resource: '/api/v1/auth/register', body: { email, password } });

  it.each([
    ['eight spaces', '        '],
    ['one letter repeated', 'aaaaaaaa'],
    ['one emoji repeated', '👍'.repeat(8)],
    ['the name of the service', 'my TaskAPI password'],
    ["the email's local part", 'Jonathan-2024!'],
  ])('refuse %s with a 400 naming the password', async (_, password) => {
    const reply = await registerWith(`jonathan@${Math.random().toString(36).slice(2, 8)}.example.com`, password);

    expect(reply.status).toBe(400);
    expect(reply.body.error.details.map((detail: { path: string }) => detail.path)).toEqual(['password']);
  });

  it("refuse a new password on /users/me that contains the account's email", async () => {
    const user = await registerUser(uniqueEmail('margaret'));
    const local = user.email.split('@')[0] ?? '';

    const reply = await invoke(updateMe, {
      method: 'PATCH',
      resource: '/api/v1/users/me',
      headers: bearer(user.accessToken),
      body: { password: `${local.toUpperCase()} forever`, currentPassword: PASSWORD },
    });

    expect(reply.status).toBe(400);
    expect(reply.body.error.details).toEqual([{ path: 'password', message: expect.stringMatching(/email/) }]);
  });
});

describe('email addresses', () => {
  it.each(["o'brien@example.com", 'user~x@example.com', 'user+tag@example.co.uk'])(
    'accept %s as real addresses are written',
    async (address) => {
      const email = address.replace('@', `.${Math.random().toString(36).slice(2, 8)}@`);

      const reply = await invoke(register, {
        method: 'POST',
        resource: '/api/v1/auth/register',
        body: { email, password: PASSWORD },
      });

      expect(reply.status).toBe(201);
      expect(reply.body.data.user.email).toBe(email);
    },
  );
});
