import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';

// Config is read once at module load: these rules must be in place before any import.
vi.hoisted(() => {
  process.env.RATE_LIMIT_LOGIN = '3/2s';
  process.env.RATE_LIMIT_LOGIN_FAILURES = 'off';
  process.env.RATE_LIMIT_LOGIN_FAILURES_EMAIL = 'off';
});

import { handler as login } from '../../functions/auth-login.ts';
import { PASSWORD, registerUser } from '../helpers/auth.ts';
import { invoke, type Reply } from '../helpers/lambda.ts';
import { freshIp, roomInWindow } from '../helpers/rate-limit.ts';

const attempt = (sourceIp: string, body: unknown, headers: Record<string, string> = {}) =>
  invoke(login, { method: 'POST', resource: '/api/v1/auth/login', sourceIp, body, headers });

const rateHeaders = (reply: Reply) => ({
  limit: reply.headers['ratelimit-limit'],
  remaining: reply.headers['ratelimit-remaining'],
  reset: reply.headers['ratelimit-reset'],
  retryAfter: reply.headers['retry-after'],
});

describe('the per-IP login limit', () => {
  it('allows the configured count, refuses the next even with the right password, and recovers after the window', async () => {
    const account = await registerUser();
    const ip = freshIp();
    await roomInWindow(2);

    // Malformed requests count too: the limit is checked before the body is read.
    const counted = [await attempt(ip, {}), await attempt(ip, {}), await attempt(ip, {})];
    const refused = await attempt(ip, { email: account.email, password: PASSWORD });

    expect(counted.map((reply) => reply.status)).toEqual([400, 400, 400]);
    expect(counted.map((reply) => rateHeaders(reply))).toEqual([
      { limit: '3', remaining: '2', reset: expect.stringMatching(/^[12]$/), retryAfter: undefined },
      { limit: '3', remaining: '1', reset: expect.stringMatching(/^[12]$/), retryAfter: undefined },
      { limit: '3', remaining: '0', reset: expect.stringMatching(/^[12]$/), retryAfter: undefined },
    ]);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({
      code: 'RATE_LIMIT_EXCEEDED',
      requestId: refused.headers['x-request-id'],
    });
    expect(rateHeaders(refused)).toEqual({
      limit: '3',
      remaining: '0',
      reset: refused.headers['retry-after'],
      retryAfter: expect.stringMatching(/^[12]$/),
    });
    expect(refused.headers['cache-control']).toBe('no-store');

    await sleep(Number(refused.headers['retry-after']) * 1000);
    const afterWindow = await attempt(ip, {});
    const signedIn = await attempt(ip, { email: account.email, password: PASSWORD });

    expect(afterWindow.status).toBe(400);
    expect(rateHeaders(afterWindow)).toMatchObject({ limit: '3', remaining: '2' });
    expect(signedIn.status).toBe(200);
  });

  it('counts the address API Gateway saw, whatever X-Forwarded-For claims', async () => {
    const ip = freshIp();
    const bystander = freshIp();
    await roomInWindow(2);

    const forged = [];
    for (const claimed of ['203.0.113.1', '203.0.113.2', '203.0.113.3', '203.0.113.4']) {
      forged.push(await attempt(ip, {}, { 'X-Forwarded-For': `${claimed}, ${bystander}` }));
    }
    const framed = await attempt(bystander, {}, { 'X-Forwarded-For': ip });

    expect(forged.map((reply) => reply.status)).toEqual([400, 400, 400, 429]);
    expect(framed.status).toBe(400);
    expect(rateHeaders(framed)).toMatchObject({ limit: '3', remaining: '2' });
  });
});
