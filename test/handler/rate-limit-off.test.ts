import { describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  for (const name of ['LOGIN', 'LOGIN_FAILURES', 'LOGIN_FAILURES_EMAIL', 'REGISTER', 'REFRESH', 'API'])
    process.env[`RATE_LIMIT_${name}`] = 'off';
});

import { database } from '#lib/infra/database.ts';

const { sql } = database();

import { handler as login } from '../../functions/auth-login.ts';
import { handler as sessions } from '../../functions/auth-sessions-list.ts';
import { bearer, PASSWORD, registerUser } from '../helpers/auth.ts';
import { storedKeys } from '../helpers/counters.ts';
import { invoke } from '../helpers/lambda.ts';

describe('rate limits set to off', () => {
  it('never refuse, send no RateLimit headers and count nothing', async () => {
    const account = await registerUser();
    const attempt = (password: string) =>
      invoke(login, { method: 'POST', sourceIp: '198.51.100.1', body: { email: account.email, password } });

    const failures = [];
    for (let i = 0; i < 12; i++) failures.push(await attempt(`wrong password ${i}`));
    const success = await attempt(PASSWORD);
    const reads = [];
    for (let i = 0; i < 5; i++) reads.push(await invoke(sessions, { headers: bearer(account.accessToken) }));

    expect(new Set(failures.map((reply) => reply.status))).toEqual(new Set([401]));
    expect(success.status).toBe(200);
    expect(new Set(reads.map((reply) => reply.status))).toEqual(new Set([200]));
    const replies = [...failures, success, ...reads];
    expect(replies.filter((reply) => 'ratelimit-limit' in reply.headers || 'retry-after' in reply.headers)).toEqual([]);
    const counters = await storedKeys({ sql, prefix: process.env.VALKEY_KEY_PREFIX });
    expect(counters.length).toBe(0);
  });
});
