import { describe, expect, it } from 'vitest';
import { database } from '#lib/infra/database.ts';

const { sql } = database();

import { handler as login } from '../../functions/auth-login.ts';
import { handler as register } from '../../functions/auth-register.ts';
import { PASSWORD, registerUser, uniqueEmail } from '../helpers/auth.ts';
import { invoke } from '../helpers/lambda.ts';

const post = (handler: typeof register, body: unknown) => invoke(handler, { method: 'POST', body });

describe('POST /auth/register', () => {
  it('creates a USER account and returns it with a token pair', async () => {
    const reply = await post(register, { email: '  New.User@Example.COM ', password: PASSWORD });

    expect(reply.status).toBe(201);
    expect(reply.headers.location).toBe('/api/v1/users/me');
    expect(reply.headers['cache-control']).toBe('no-store');
    const { user, tokens } = reply.body.data;
    expect(user).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      email: 'new.user@example.com',
      emailVerified: false,
      pendingEmail: null,
      role: 'USER',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(tokens).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, refreshExpiresIn: 604_800 });
    expect(tokens.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('stores an Argon2id hash with the OWASP parameters and only a hash of the refresh token', async () => {
    const account = await registerUser();

    const [user] = await sql`select password_hash from users where id = ${account.id}`;
    const tokens = await sql`select token_hash from refresh_tokens`;
    expect(user?.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(tokens.map((row) => row.token_hash)).not.toContain(account.refreshToken);
  });

  it('rejects an email already taken in another case with 409', async () => {
    const email = uniqueEmail();
    await registerUser(email);

    const reply = await post(register, { email: email.toUpperCase(), password: PASSWORD });

    expect(reply.status).toBe(409);
    expect(reply.body.error.code).toBe('EMAIL_ALREADY_EXISTS');
  });

  it.each([
    ['a short password', 'short1!', 'must be at least 8 characters'],
    ['a common password', 'Password1', 'is too common; choose a less guessable password'],
    ['a common password in another case', 'BASEBALL', 'is too common; choose a less guessable password'],
    ['a password of 129 code points', '👍'.repeat(129), 'must be at most 128 characters'],
  ])('rejects %s with 400', async (_, password, message) => {
    const reply = await post(register, { email: uniqueEmail(), password });

    expect(reply.status).toBe(400);
    expect(reply.body.error.details).toEqual([{ path: 'password', message }]);
  });

  it('accepts a password of 128 emoji and never trims one', async () => {
    const email = uniqueEmail();
    // 128 different emoji: two repeated 64 times is a pattern the strength estimator refuses.
    const emoji = String.fromCodePoint(...Array.from({ length: 128 }, (_, i) => 0x1f400 + i));
    await registerUser(email, emoji);
    const spaced = uniqueEmail();
    await registerUser(spaced, '  padded password  ');

    expect((await post(login, { email, password: emoji })).status).toBe(200);
    expect((await post(login, { email: spaced, password: 'padded password' })).status).toBe(401);
    expect((await post(login, { email: spaced, password: '  padded password  ' })).status).toBe(200);
  });

  it.each([
    [{ email: 'not-an-email', password: PASSWORD }, 'email'],
    [{ email: `${'a'.repeat(250)}@example.com`, password: PASSWORD }, 'email'],
    [{ email: uniqueEmail(), password: PASSWORD, role: 'ADMIN' }, 'role'],
    [{ email: uniqueEmail() }, 'password'],
    [{ email: uniqueEmail(), password: 12345678 }, 'password'],
  ])('rejects %o naming %s', async (body, path) => {
    const reply = await post(register, body);

    expect(reply.status).toBe(400);
    expect(reply.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
  });

  it('rejects a 1 MB password quickly, without hashing it', async () => {
    const started = performance.now();

    const reply = await post(register, { email: uniqueEmail(), password: 'x'.repeat(1024 * 1024) });

    expect(reply.status).toBe(413);
    expect(performance.now() - started).toBeLessThan(250);
  });
});

describe('POST /auth/login', () => {
  it('signs in with the right password, whatever the email case', async () => {
    const account = await registerUser();

    const reply = await post(login, { email: account.email.toUpperCase(), password: account.password });

    expect(reply.status).toBe(200);
    expect(reply.body.data.user.id).toBe(account.id);
    expect(reply.body.data.tokens.accessToken).toEqual(expect.any(String));
    expect(reply.headers['cache-control']).toBe('no-store');
  });

  it('answers an unknown email and a wrong password identically', async () => {
    const account = await registerUser();

    const wrongPassword = await post(login, { email: account.email, password: 'not the password' });
    const unknownEmail = await post(login, { email: uniqueEmail('ghost'), password: 'not the password' });

    // The request id differs by design; the seconds until the window resets may tick over
    // between the two calls, so they may differ by one and no more.
    const strip = (reply: typeof wrongPassword) => ({
      status: reply.status,
      headers: { ...reply.headers, 'x-request-id': undefined, 'ratelimit-reset': undefined },
      error: { ...reply.body.error, requestId: undefined },
    });
    expect(strip(unknownEmail)).toEqual(strip(wrongPassword));
    const resets = [unknownEmail, wrongPassword].map((reply) => Number(reply.headers['ratelimit-reset']));
    expect(resets.every(Number.isInteger)).toBe(true);
    expect(Math.abs((resets[0] ?? 0) - (resets[1] ?? 0))).toBeLessThanOrEqual(1);
    expect(wrongPassword.status).toBe(401);
    expect(wrongPassword.body.error.code).toBe('INVALID_CREDENTIALS');
    expect(wrongPassword.headers['www-authenticate']).toBe('Bearer');
  });

  it('takes about as long for an unknown email as for a wrong password', async () => {
    const account = await registerUser();
    const median = async (email: string) => {
      const times: number[] = [];
      for (let i = 0; i < 7; i++) {
        const started = performance.now();
        await post(login, { email, password: 'not the password' });
        times.push(performance.now() - started);
      }
      return times.sort((a, b) => a - b)[3] ?? 0;
    };

    const wrongPassword = await median(account.email);
    const unknownEmail = await median(uniqueEmail('ghost'));

    expect(unknownEmail / wrongPassword).toBeGreaterThan(0.6);
    expect(unknownEmail / wrongPassword).toBeLessThan(1.6);
  });
});
