import { describe, expect, it, vi } from 'vitest';
import { handler as sessions } from '../../functions/auth-sessions-list.ts';
import { bearer, registerUser } from '../helpers/auth.ts';
import { invoke } from '../helpers/lambda.ts';

// A one-second access token, set through configuration (before any module reads it).
vi.hoisted(() => {
  process.env.ACCESS_TOKEN_TTL = '1s';
});

describe('an access token with a short configured TTL', () => {
  it('works at first and answers TOKEN_EXPIRED after the TTL and clock tolerance', async () => {
    const account = await registerUser();
    expect((await invoke(sessions, { headers: bearer(account.accessToken) })).status).toBe(200);

    await new Promise((resolve) => setTimeout(resolve, 7_000));
    const reply = await invoke(sessions, { headers: bearer(account.accessToken) });

    expect(reply.status).toBe(401);
    expect(reply.body.error.code).toBe('TOKEN_EXPIRED');
  });
});
