import { describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.RATE_LIMIT_API = '2/1h';
});

import { handler as sessions } from '../../functions/auth-sessions-list.ts';
import { handler as health } from '../../functions/health.ts';
import { handler as notFound } from '../../functions/not-found.ts';
import { handler as preflight } from '../../functions/preflight.ts';
import { bearer, registerUser } from '../helpers/auth.ts';
import { invoke } from '../helpers/lambda.ts';
import { freshIp, roomInWindow } from '../helpers/rate-limit.ts';

const listSessions = (sourceIp: string, headers: Record<string, string> = {}) =>
  invoke(sessions, { resource: '/api/v1/auth/sessions', sourceIp, headers });

describe('the general API limit', () => {
  it('counts an authenticated caller per user, not per address', async () => {
    await roomInWindow(3600, 10);
    const alice = await registerUser();
    const bob = await registerUser();
    const ip = freshIp();

    const aliceReplies = [
      await listSessions(ip, bearer(alice.accessToken)),
      await listSessions(ip, bearer(alice.accessToken)),
      await listSessions(ip, bearer(alice.accessToken)),
    ];
    const bobReply = await listSessions(ip, bearer(bob.accessToken));

    expect(aliceReplies.map((reply) => reply.status)).toEqual([200, 200, 429]);
    expect(aliceReplies.map((reply) => reply.headers['ratelimit-remaining'])).toEqual(['1', '0', '0']);
    expect(aliceReplies[2]?.headers).toMatchObject({ 'ratelimit-limit': '2', 'retry-after': expect.any(String) });
    expect(aliceReplies[2]?.body.error.code).toBe('RATE_LIMIT_EXCEEDED');
    expect(bobReply.status).toBe(200);
    expect(bobReply.headers['ratelimit-remaining']).toBe('1');
  });

  it('counts callers without a valid token per address', async () => {
    await roomInWindow(3600, 10);
    const ip = freshIp();

    const replies = [
      await listSessions(ip),
      await listSessions(ip, bearer('not.a.token')),
      await listSessions(ip, bearer('still.not.one')),
    ];

    expect(replies.map((reply) => reply.status)).toEqual([401, 401, 429]);
    expect(replies.map((reply) => reply.headers['ratelimit-remaining'])).toEqual(['1', '0', '0']);
  });

  it('leaves health, preflight and unknown routes unlimited', async () => {
    const ip = freshIp();

    const replies = [];
    for (let i = 0; i < 3; i++) {
      replies.push(await invoke(health, { sourceIp: ip }));
      replies.push(await invoke(preflight, { method: 'OPTIONS', resource: '/api/v1/auth/sessions', sourceIp: ip }));
      replies.push(await invoke(notFound, { resource: '/{proxy+}', path: '/api/v1/nope', sourceIp: ip }));
    }

    expect(replies.map((reply) => reply.status)).toEqual([200, 204, 404, 200, 204, 404, 200, 204, 404]);
    expect(replies.filter((reply) => 'ratelimit-limit' in reply.headers)).toEqual([]);
  });
});
