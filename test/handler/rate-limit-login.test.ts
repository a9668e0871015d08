import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';

// Config is read once at module load: these rules must be in place before any import.
vi.hoisted(() => {
  process.env.RATE_LIMIT_LOGIN = '3/2s';
  process.env.RATE_LIMIT_LOGIN_FAILURES = '2/1h';
});

import { handler as login } from '../../functions/auth-login.ts';
import { PASSWORD, registerUser, uniqueEmail } from '../helpers/auth.ts';
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

describe('the per-email login failure limit', () => {
  /** Each attempt from a new address: only the per-email rule can refuse it. */
  const fromAnywhere = (email: string, password: string) => attempt(freshIp(), { email, password });

  /** A reply as a client sees it, less the request id and the seconds that tick on between two requests. */
  const comparable = (reply: Reply) => {
    const headers: Record<string, string> = { ...reply.headers, 'x-request-id': 'any' };
    for (const name of ['ratelimit-reset', 'retry-after']) if (name in headers) headers[name] = 'seconds';
    return { status: reply.status, error: { ...reply.body.error, requestId: 'any' }, headers };
  };
  const seconds = (reply: Reply | undefined) => Number(reply?.headers['ratelimit-reset']);

  it('trips across addresses, refuses the right password for the window, and answers alike for an unknown email', async () => {
    await roomInWindow(3600, 15);
    const account = await registerUser();
    const unknown = uniqueEmail('nobody');

    const known = [
      await fromAnywhere(account.email, 'wrong password 1'),
      await fromAnywhere(account.email, 'wrong password 2'),
      await fromAnywhere(account.email, PASSWORD),
    ];
    const unknownReplies = [
      await fromAnywhere(unknown, 'wrong password 1'),
      await fromAnywhere(unknown, 'wrong password 2'),
      await fromAnywhere(unknown, PASSWORD),
    ];

    expect(known.map((reply) => reply.status)).toEqual([401, 401, 429]);
    expect(known.map((reply) => rateHeaders(reply))).toEqual([
      { limit: '2', remaining: '1', reset: expect.any(String), retryAfter: undefined },
      { limit: '2', remaining: '0', reset: expect.any(String), retryAfter: undefined },
      { limit: '2', remaining: '0', reset: expect.any(String), retryAfter: known[2]?.headers['ratelimit-reset'] },
    ]);
    expect(Number(known[2]?.headers['retry-after'])).toBeGreaterThan(2);
    expect(known[2]?.body.error.code).toBe('RATE_LIMIT_EXCEEDED');
    expect(unknownReplies.map(comparable)).toEqual(known.map(comparable));
    expect(Math.abs(seconds(unknownReplies[2]) - seconds(known[2]))).toBeLessThanOrEqual(2);
  });

  it('counts only failures: a successful login gives its slot back', async () => {
    await roomInWindow(3600, 15);
    const account = await registerUser();

    const replies = [
      await fromAnywhere(account.email, 'wrong password 1'),
      await fromAnywhere(account.email, PASSWORD),
      await fromAnywhere(account.email, 'wrong password 2'),
      await fromAnywhere(account.email, PASSWORD),
    ];

    expect(replies.map((reply) => reply.status)).toEqual([401, 200, 401, 429]);
    expect(replies.map((reply) => reply.headers['ratelimit-remaining'])).toEqual(['1', '1', '0', '0']);
  });

  it('counts an email however it is written', async () => {
    await roomInWindow(3600, 15);
    const account = await registerUser();

    await fromAnywhere(account.email.toUpperCase(), 'wrong password 1');
    await fromAnywhere(`  ${account.email} `, 'wrong password 2');
    const refused = await fromAnywhere(account.email, PASSWORD);

    expect(refused.status).toBe(429);
  });
});
