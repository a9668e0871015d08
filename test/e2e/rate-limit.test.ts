import { describe, expect, it } from 'vitest';
import { PASSWORD, uniqueEmail } from '../helpers/auth.ts';
import { storedKeys } from '../helpers/counters.ts';
import { call } from '../helpers/http.ts';
import { api } from '../helpers/local-api.ts';
import { roomInWindow } from '../helpers/rate-limit.ts';
import { serverDatabase } from '../helpers/server-db.ts';

/**
 * The shared local server runs with generous per-IP limits (test/helpers/env.ts) so the other
 * e2e files are never refused; the per-email failure limit keeps its default (5/15m) and, on
 * an email of its own, touches nothing else.
 */
const db = serverDatabase();

const login = (email: string, password: string, forwardedFor: string) =>
  call('POST', '/api/v1/auth/login', {
    body: { email, password },
    headers: { 'X-Forwarded-For': forwardedFor, Origin: 'https://app.example.test' },
  });

describe('rate limits over HTTP', () => {
  it('answers 429 with Retry-After and the RateLimit headers after five failed logins for an email', async () => {
    await roomInWindow(900, 15);
    const email = uniqueEmail('e2e-limit');

    const failures = [];
    for (let i = 1; i <= 5; i++) failures.push(await login(email, `wrong password ${i}`, `203.0.113.${i}`));
    const refused = await login(email, PASSWORD, '203.0.113.99');

    expect(failures.map((reply) => reply.status)).toEqual([401, 401, 401, 401, 401]);
    expect(failures.map((reply) => reply.headers['ratelimit-remaining'])).toEqual(['4', '3', '2', '1', '0']);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({
      code: 'RATE_LIMIT_EXCEEDED',
      requestId: refused.headers['x-request-id'],
    });
    expect(refused.headers).toMatchObject({
      'ratelimit-limit': '5',
      'ratelimit-remaining': '0',
      'ratelimit-reset': refused.headers['retry-after'],
      'access-control-allow-origin': 'https://app.example.test',
    });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(900);
    expect(refused.headers['access-control-expose-headers']).toContain('Retry-After');
  });

  it('counts the address the connection came from, never X-Forwarded-For', async () => {
    const forged = `198.51.100.${Math.floor(Math.random() * 250) + 1}`;

    const reply = await call('POST', '/api/v1/auth/login', {
      body: { email: uniqueEmail('e2e-forged'), password: 'wrong password' },
      headers: { 'X-Forwarded-For': forged },
    });

    expect(reply.status).toBe(401);
    const keys = await storedKeys({ sql: db, prefix: api.keyPrefix }, 'login:');
    expect(keys.filter((key) => key.includes(forged))).toEqual([]);
    expect(keys).toContainEqual(expect.stringMatching(/^login:900:ip:(127\.0\.0\.1|0:0:0:0::\/64)$/));
  });
});
