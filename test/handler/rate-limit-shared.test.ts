import { randomUUID } from 'node:crypto';
import type postgres from 'postgres';
import { afterAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.RATE_LIMIT_REGISTER = '3/1h';
  process.env.RATE_LIMIT_REFRESH = '20/1h';
  process.env.RATE_LIMIT_API = '1000/1h';
});

import { storedCount } from '../helpers/counters.ts';
import { invoke } from '../helpers/lambda.ts';
import { freshIp, roomInWindow } from '../helpers/rate-limit.ts';

/**
 * Each load below is a fresh module graph, as a separate Lambda instance would have: its own
 * config, its own rate-limit module, its own database connection (max 1) and its own
 * connection to the store. Whatever they share can only be in the store.
 */
const connections: postgres.Sql[] = [];
const stores: (() => Promise<void>)[] = [];

afterAll(async () => {
  await Promise.all(stores.map((close) => close()));
  await Promise.all(connections.map((sql) => sql.end({ timeout: 1 })));
});

async function freshConnection() {
  const { sql } = (await import('#lib/infra/database.ts')).database();
  connections.push(sql);
  stores.push((await import('#lib/infra/rate-limit.ts')).closeRateLimitStore);
  const [row] = await sql<{ pid: number }[]>`select pg_backend_pid() as pid`;
  return { sql, pid: row?.pid };
}

async function loadRegister() {
  vi.resetModules();
  const { handler } = await import('../../functions/auth-register.ts');
  return { handler, ...(await freshConnection()) };
}

async function loadRefresh() {
  vi.resetModules();
  const { handler } = await import('../../functions/auth-refresh.ts');
  return { handler, ...(await freshConnection()) };
}

async function loadRateLimit() {
  vi.resetModules();
  const rateLimit = await import('#lib/infra/rate-limit.ts');
  return { rateLimit, ...(await freshConnection()) };
}

/** Loads `count` instances one after another (each load resets the module registry). */
async function loadMany<T>(count: number, load: () => Promise<T>): Promise<[T, ...T[]]> {
  const first = await load();
  const rest: T[] = [];
  for (let i = 1; i < count; i++) rest.push(await load());
  return [first, ...rest];
}

/** Request `i` goes to instance `i` modulo their number, so every instance serves some. */
const roundRobin = <T>(instances: [T, ...T[]], i: number): T => instances[i % instances.length] ?? instances[0];

describe('rate limits across instances', () => {
  it('shares one counter between two separately loaded handler instances', async () => {
    await roomInWindow(3600, 10);
    const first = await loadRegister();
    const second = await loadRegister();
    const ip = freshIp();
    const hit = (instance: typeof first) =>
      invoke(instance.handler, { method: 'POST', resource: '/api/v1/auth/register', sourceIp: ip, body: {} });

    const replies = [await hit(first), await hit(second), await hit(first), await hit(second)];

    expect(first.handler).not.toBe(second.handler);
    // Separate clients (through PgBouncer they may even share a server backend).
    expect(first.sql).not.toBe(second.sql);
    expect(replies.map((reply) => reply.status)).toEqual([400, 400, 400, 429]);
    expect(replies.map((reply) => reply.headers['ratelimit-remaining'])).toEqual(['2', '1', '0', '0']);
  });

  it('counts 50 concurrent hits over five connections exactly, each seeing its own count', async () => {
    await roomInWindow(3600, 10);
    const instances = await loadMany(5, loadRateLimit);
    const subject = `user:${randomUUID()}`;

    const states = await Promise.all(
      Array.from({ length: 50 }, (_, i) => roundRobin(instances, i).rateLimit.hit('api', subject)),
    );

    expect(new Set(instances.map((instance) => instance.sql)).size).toBe(5);
    expect(states.map((state) => state?.count ?? 0).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    const [{ rateLimit, sql }] = instances;
    const stored = await storedCount(
      { sql, prefix: process.env.VALKEY_KEY_PREFIX },
      rateLimit.rateLimitKey('api', subject),
    );
    expect(stored).toBe(50);
  });

  it('lets exactly the limit through among 50 concurrent requests to five handler instances', async () => {
    await roomInWindow(3600, 10);
    const instances = await loadMany(5, loadRefresh);
    const ip = freshIp();

    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        invoke(roundRobin(instances, i).handler, {
          method: 'POST',
          resource: '/api/v1/auth/refresh',
          sourceIp: ip,
          // Tokens of no session: counted per client IP.
          body: { refreshToken: `guessed-token-${i}` },
        }),
      ),
    );

    expect(replies.filter((reply) => reply.status === 401)).toHaveLength(20);
    expect(replies.filter((reply) => reply.status === 429)).toHaveLength(30);
  });
});
