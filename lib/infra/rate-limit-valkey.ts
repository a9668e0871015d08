import type { Redis } from 'ioredis';
import type { Counter, RateLimitStore } from '#lib/infra/rate-limit-store.ts';

/**
 * Counters in Valkey (or Redis): ElastiCache Serverless for Valkey in deployed stages, for
 * traffic the database should not pay a write per request for. Same semantics as the
 * PostgreSQL store: fixed windows aligned on the server's clock (`TIME`, read inside the
 * script, so every instance shares it), release within the window counted in, clear by owner.
 *
 * A counter is a hash (window start in ms, count) that expires when its window ends: no
 * clean-up. An owner's counters are listed in a set of the owner's, so `clear` needs no scan.
 * Every script's keys share one hash tag (`{owner}` or `{key}`): a cluster (ElastiCache
 * Serverless is one) keeps them in one slot.
 *
 * The client (ioredis) is loaded and connected on first use, one per instance; with
 * RATE_LIMIT_STORE=postgres it is never loaded. Timeouts are short: the auth rules fail
 * closed and the API rule open (lib/infra/rate-limit.ts), both quickly.
 */

/** KEYS[1] counter, KEYS[2] the owner's set (optional); ARGV[1] window seconds. */
const HIT = `
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local length = tonumber(ARGV[1]) * 1000
local start = ms - (ms % length)
local ends = start + length
local window = string.format('%.0f', start)
local count
if redis.call('HGET', KEYS[1], 'w') == window then
  count = redis.call('HINCRBY', KEYS[1], 'n', 1)
else
  redis.call('HSET', KEYS[1], 'w', window, 'n', 1)
  redis.call('PEXPIREAT', KEYS[1], ends)
  count = 1
end
if #KEYS > 1 then
  redis.call('SADD', KEYS[2], KEYS[1])
  if redis.call('PTTL', KEYS[2]) < ends - ms then redis.call('PEXPIREAT', KEYS[2], ends) end
end
return { count, window, ends - ms }`;

/** KEYS[1] counter; ARGV[1] the window the hit was counted in. */
const RELEASE = `
if redis.call('HGET', KEYS[1], 'w') == ARGV[1] and tonumber(redis.call('HGET', KEYS[1], 'n')) > 0 then
  redis.call('HINCRBY', KEYS[1], 'n', -1)
end
return 1`;

/** KEYS[1] the owner's set: its counters share its hash tag, so they are in its slot. */
const CLEAR = `
for _, counter in ipairs(redis.call('SMEMBERS', KEYS[1])) do redis.call('DEL', counter) end
redis.call('DEL', KEYS[1])
return 1`;

interface Scripts {
  rateLimitHit(keys: number, ...args: (string | number)[]): Promise<[number, string, number]>;
  rateLimitRelease(key: string, window: string): Promise<number>;
  rateLimitClear(owner: string): Promise<number>;
}

type Client = Redis & Scripts;

/** The first connection's deadline and each command's: a Valkey in the VPC answers in about a millisecond. */
const TIMEOUT_MS = 1000;

export function valkeyStore(url: string, prefix: string): RateLimitStore {
  let client: Promise<Client> | undefined;

  const connected = () => {
    client ??= import('ioredis').then(({ Redis }) => {
      const redis = new Redis(url, {
        lazyConnect: true,
        connectTimeout: TIMEOUT_MS,
        commandTimeout: TIMEOUT_MS,
        // One retry after a reconnect (a connection dropped while the instance was frozen);
        // commands do not wait for an unreachable server beyond that.
        maxRetriesPerRequest: 1,
        retryStrategy: (attempt) => Math.min(attempt * 50, 500),
        // Concurrent hits (a login's two failure rules) leave in one write.
        enableAutoPipelining: true,
      });
      // A failure reaches the caller as the command's rejection; this keeps ioredis from
      // printing each one (its message may quote the URL).
      redis.on('error', () => {});
      redis.defineCommand('rateLimitHit', { lua: HIT });
      redis.defineCommand('rateLimitRelease', { numberOfKeys: 1, lua: RELEASE });
      redis.defineCommand('rateLimitClear', { numberOfKeys: 1, lua: CLEAR });
      return redis as Client;
    });
    client.catch(() => {
      client = undefined;
    });
    return client;
  };

  const ownerSet = (owner: string) => `${prefix}{${owner}}`;
  const counterKey = (key: string, owner: string | undefined) =>
    owner === undefined ? `${prefix}{${key}}` : `${prefix}{${owner}}:${key}`;

  return {
    name: 'valkey',

    async hit(key, windowSeconds, owner) {
      const redis = await connected();
      const keys = owner === undefined ? [counterKey(key, owner)] : [counterKey(key, owner), ownerSet(owner)];
      const [count, window, leftMs] = await redis.rateLimitHit(keys.length, ...keys, windowSeconds);
      return { key, owner, count, window, resetSeconds: Math.max(1, Math.ceil(leftMs / 1000)) };
    },

    async release(counter: Counter) {
      await (await connected()).rateLimitRelease(counterKey(counter.key, counter.owner), counter.window);
    },

    async clear(owner) {
      await (await connected()).rateLimitClear(ownerSet(owner));
    },

    async close() {
      const closing = client;
      client = undefined;
      (await closing?.catch(() => undefined))?.disconnect();
    },
  };
}
