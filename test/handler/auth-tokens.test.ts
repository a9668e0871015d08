import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { database } from '#lib/infra/database.ts';

const { sql } = database();

import { handler as login } from '../../functions/auth-login.ts';
import { handler as logout } from '../../functions/auth-logout.ts';
import { handler as logoutAll } from '../../functions/auth-logout-all.ts';
import { handler as refresh } from '../../functions/auth-refresh.ts';
import { handler as deleteSession } from '../../functions/auth-sessions-delete.ts';
import { handler as sessions } from '../../functions/auth-sessions-list.ts';
import { bearer, type Registered, registerUser } from '../helpers/auth.ts';
import { TEST_ENV } from '../helpers/env.ts';
import { invoke } from '../helpers/lambda.ts';

const secret = new TextEncoder().encode(TEST_ENV.JWT_SECRET);

async function liveRefreshTokens(userId: string): Promise<number> {
  const [row] = await sql`select count(*)::int as n from refresh_tokens t join sessions s on s.id = t.session_id
    where s.user_id = ${userId} and t.used_at is null`;
  return row?.n;
}

const listSessions = (accessToken: string) => invoke(sessions, { headers: bearer(accessToken) });
const refreshWith = (refreshToken: string) => invoke(refresh, { method: 'POST', body: { refreshToken } });
const loginAgain = async (account: Registered) => {
  const reply = await invoke(login, { method: 'POST', body: { email: account.email, password: account.password } });
  return reply.body.data.tokens as { accessToken: string; refreshToken: string };
};

/** Signs a token like ours, with any claim or header overridden. */
async function forge(
  account: Registered,
  options: { claims?: object; key?: Uint8Array; exp?: number; aud?: string; alg?: string } = {},
) {
  const [, payload] = account.accessToken.split('.');
  const original = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString());
  const jwt = new SignJWT({ ...original, ...options.claims }).setProtectedHeader({ alg: options.alg ?? 'HS256' });
  if (options.exp !== undefined) jwt.setExpirationTime(options.exp);
  if (options.aud !== undefined) jwt.setAudience(options.aud);
  return jwt.sign(options.key ?? secret);
}

describe('the bearer step', () => {
  it('requires a bearer token', async () => {
    const missing = await invoke(sessions);
    const basic = await invoke(sessions, { headers: { Authorization: 'Basic dXNlcjpwYXNz' } });

    for (const reply of [missing, basic]) {
      expect(reply.status).toBe(401);
      expect(reply.body.error.code).toBe('AUTHENTICATION_REQUIRED');
      expect(reply.headers['www-authenticate']).toBe('Bearer');
    }
  });

  it('accepts a valid access token', async () => {
    const account = await registerUser();

    const reply = await listSessions(account.accessToken);

    expect(reply.status).toBe(200);
    expect(reply.body.data).toHaveLength(1);
    expect(reply.body.data[0].current).toBe(true);
  });

  it('answers TOKEN_EXPIRED for an access token past its expiry', async () => {
    const account = await registerUser();
    const expired = await forge(account, { exp: Math.floor(Date.now() / 1000) - 60 });

    const reply = await listSessions(expired);

    expect(reply.status).toBe(401);
    expect(reply.body.error.code).toBe('TOKEN_EXPIRED');
  });

  it.each([
    [
      'a tampered payload',
      async (a: Registered) => {
        const [header, , signature] = a.accessToken.split('.');
        const payload = Buffer.from(JSON.stringify({ sub: a.id, role: 'ADMIN' })).toString('base64url');
        return `${header}.${payload}.${signature}`;
      },
    ],
    [
      'an unsigned token (alg none)',
      async (a: Registered) => {
        const [, payload] = a.accessToken.split('.');
        return `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
      },
    ],
    [
      'a token signed with another secret',
      (a: Registered) => forge(a, { key: new TextEncoder().encode('another-secret-of-at-least-32-bytes!!') }),
    ],
    ['a token for another audience', (a: Registered) => forge(a, { aud: 'someone-else' })],
    ['a token signed with HS512', (a: Registered) => forge(a, { alg: 'HS512' })],
    [
      'a token without exp',
      async (a: Registered) => {
        const [, payload] = a.accessToken.split('.');
        const { exp: _, ...claims } = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString());
        return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(secret);
      },
    ],
    // Only the key holder can sign these; still a 401, never a 500 from PostgreSQL's uuid cast.
    ['a signed token whose session id is not a UUID', (a: Registered) => forge(a, { claims: { sid: "x' or 1=1" } })],
    ['a signed token whose subject is not a UUID', (a: Registered) => forge(a, { claims: { sub: 'admin' } })],
    ['a refresh token', async (a: Registered) => a.refreshToken],
    ['garbage', async () => 'not.a.jwt'],
  ])('answers TOKEN_INVALID for %s', async (_, make) => {
    const account = await registerUser();

    const reply = await listSessions(await make(account));

    expect(reply.status).toBe(401);
    expect(reply.body.error.code).toBe('TOKEN_INVALID');
  });

  it('answers TOKEN_INVALID once the user is deleted', async () => {
    const account = await registerUser();
    await sql`delete from users where id = ${account.id}`;

    const reply = await listSessions(account.accessToken);

    expect(reply.body.error.code).toBe('TOKEN_INVALID');
  });
});

describe('POST /auth/refresh', () => {
  it('rotates: a new pair, the old refresh token spent', async () => {
    const account = await registerUser();

    const reply = await refreshWith(account.refreshToken);

    expect(reply.status).toBe(200);
    const { tokens } = reply.body.data;
    expect(tokens.refreshToken).not.toBe(account.refreshToken);
    expect((await listSessions(tokens.accessToken)).status).toBe(200);
    expect(await liveRefreshTokens(account.id)).toBe(1);
  });

  it('gives a fresh pair to a spent token presented again within 10 seconds, keeping one live token', async () => {
    const account = await registerUser();
    const first = await refreshWith(account.refreshToken);

    const retry = await refreshWith(account.refreshToken);

    expect(retry.status).toBe(200);
    expect(await liveRefreshTokens(account.id)).toBe(1);
    expect((await refreshWith(retry.body.data.tokens.refreshToken)).status).toBe(200);
    expect(first.status).toBe(200);
  });

  it('treats a spent token presented later as reuse and revokes the whole session', async () => {
    const account = await registerUser();
    const rotated = (await refreshWith(account.refreshToken)).body.data.tokens;
    await sql`update refresh_tokens set used_at = now() - interval '11 seconds'
      where used_at is not null and session_id in (select id from sessions where user_id = ${account.id})`;

    const reuse = await refreshWith(account.refreshToken);

    expect(reuse.status).toBe(401);
    expect(reuse.body.error.code).toBe('TOKEN_INVALID');
    expect((await refreshWith(rotated.refreshToken)).body.error.code).toBe('TOKEN_INVALID');
    expect((await listSessions(rotated.accessToken)).body.error.code).toBe('TOKEN_INVALID');
    expect((await listSessions(account.accessToken)).body.error.code).toBe('TOKEN_INVALID');
    const [session] = await sql`select revoke_reason from sessions where user_id = ${account.id}`;
    expect(session?.revoke_reason).toBe('refresh_token_reuse');
  });

  it('answers TOKEN_EXPIRED for an expired refresh token', async () => {
    const account = await registerUser();
    await sql`update refresh_tokens set expires_at = now() - interval '1 second'
      where session_id in (select id from sessions where user_id = ${account.id})`;

    const reply = await refreshWith(account.refreshToken);

    expect(reply.body.error.code).toBe('TOKEN_EXPIRED');
  });

  it("never refreshes past the session's absolute expiry", async () => {
    const account = await registerUser();
    await sql`update sessions set expires_at = now() - interval '1 second' where user_id = ${account.id}`;

    const reply = await refreshWith(account.refreshToken);

    expect(reply.body.error.code).toBe('TOKEN_EXPIRED');
  });

  it('moves last_used_at on refresh', async () => {
    const account = await registerUser();
    await sql`update sessions set last_used_at = now() - interval '1 hour' where user_id = ${account.id}`;

    await refreshWith(account.refreshToken);

    const [session] =
      await sql`select last_used_at > now() - interval '1 minute' as recent from sessions where user_id = ${account.id}`;
    expect(session?.recent).toBe(true);
  });

  it.each([['unknown-but-well-formed-token'], ['']])(
    'answers an unknown refresh token %j with 401 or 400',
    async (token) => {
      const reply = await refreshWith(token);

      expect([400, 401]).toContain(reply.status);
      if (reply.status === 401) expect(reply.body.error.code).toBe('TOKEN_INVALID');
    },
  );
});

describe('logout and sessions', () => {
  it('logout stops the access and refresh tokens of the session at once', async () => {
    const account = await registerUser();

    const reply = await invoke(logout, { method: 'POST', headers: bearer(account.accessToken) });

    expect(reply.status).toBe(204);
    expect(reply.raw).toBe('');
    expect((await listSessions(account.accessToken)).body.error.code).toBe('TOKEN_INVALID');
    expect((await refreshWith(account.refreshToken)).body.error.code).toBe('TOKEN_INVALID');
  });

  it("logout with a refresh token also ends that session when it is the caller's", async () => {
    const account = await registerUser();
    const other = await loginAgain(account);
    const stranger = await registerUser();

    await invoke(logout, {
      method: 'POST',
      headers: bearer(account.accessToken),
      body: { refreshToken: other.refreshToken },
    });
    await invoke(logout, {
      method: 'POST',
      headers: bearer(await loginAgain(stranger).then((t) => t.accessToken)),
      body: { refreshToken: stranger.refreshToken },
    });

    expect((await listSessions(other.accessToken)).body.error.code).toBe('TOKEN_INVALID');
    expect((await listSessions(stranger.accessToken)).status).toBe(401);
  });

  it("logout-all ends every session of the caller and no one else's", async () => {
    const account = await registerUser();
    const second = await loginAgain(account);
    const bystander = await registerUser();

    const reply = await invoke(logoutAll, { method: 'POST', headers: bearer(second.accessToken) });

    expect(reply.status).toBe(204);
    expect((await listSessions(account.accessToken)).status).toBe(401);
    expect((await listSessions(second.accessToken)).status).toBe(401);
    expect((await refreshWith(account.refreshToken)).status).toBe(401);
    expect((await listSessions(bystander.accessToken)).status).toBe(200);
  });

  it('lists live sessions with the current one marked', async () => {
    const account = await registerUser();
    await loginAgain(account);

    const reply = await listSessions(account.accessToken);

    expect(reply.body.data).toHaveLength(2);
    expect(reply.body.data.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    expect(Object.keys(reply.body.data[0]).sort()).toEqual([
      'createdAt',
      'current',
      'expiresAt',
      'id',
      'ip',
      'lastUsedAt',
      'userAgent',
    ]);
  });

  it("ends another session by id; another user's session is not found", async () => {
    const account = await registerUser();
    const second = await loginAgain(account);
    const stranger = await registerUser();
    const [other] = (await listSessions(account.accessToken)).body.data.filter((s: { current: boolean }) => !s.current);
    const del = (token: string, id: string) =>
      invoke(deleteSession, { method: 'DELETE', headers: bearer(token), pathParameters: { id } });

    const byStranger = await del(stranger.accessToken, other.id);
    const byOwner = await del(account.accessToken, other.id);
    const again = await del(account.accessToken, other.id);

    expect(byStranger.status).toBe(404);
    expect(byOwner.status).toBe(204);
    expect(again.status).toBe(404);
    expect((await listSessions(second.accessToken)).status).toBe(401);
    expect((await listSessions(account.accessToken)).status).toBe(200);
    expect((await del(account.accessToken, 'not-a-uuid')).status).toBe(404);
  });
});
