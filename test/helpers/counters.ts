import { Redis } from 'ioredis';
import type postgres from 'postgres';

/**
 * What a test reads of the rate limiter's store, whichever this run uses (RATE_LIMIT_STORE,
 * set per vitest project): the PostgreSQL table, or the keys under a Valkey prefix. Tests
 * check counters through here, never through the limiter itself.
 */

export const onValkey = () => process.env.RATE_LIMIT_STORE === 'valkey';

let client: Redis | undefined;
/** This process's own connection to VALKEY_URL, for reading and deleting keys. */
export function valkey(): Redis {
  client ??= new Redis(process.env.VALKEY_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true });
  return client;
}

export async function closeValkey(): Promise<void> {
  const closing = client;
  client = undefined;
  closing?.disconnect();
}

/** Every key under `prefix` (SCAN, never KEYS). */
async function keysUnder(prefix: string, redis = valkey()): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`, 'COUNT', 1000);
    cursor = next;
    found.push(...keys);
  } while (cursor !== '0');
  return found;
}

/** Deletes every key under `prefix`: a test file's or the local server's, when it ends. */
export async function deleteKeysUnder(prefix: string, redis = valkey()): Promise<void> {
  const keys = await keysUnder(prefix, redis);
  for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
}

/**
 * The limiter's key of a Valkey key (lib/infra/rate-limit-valkey.ts): `<prefix>{key}`, or
 * `<prefix>{owner}:key` for a counter with an owner; an owner's set (`<prefix>{owner}`, a set
 * rather than a hash) is no counter.
 */
async function limiterKey(prefix: string, stored: string): Promise<string | undefined> {
  const rest = stored.slice(prefix.length);
  const match = /^\{([^}]*)\}(?::(.*))?$/s.exec(rest);
  if (!match) return undefined;
  if (match[2] !== undefined) return match[2];
  return (await valkey().type(stored)) === 'hash' ? match[1] : undefined;
}

/** Where a run's counters are: the database of `sql`, or the Valkey keys under `prefix`. */
export interface CounterSource {
  sql: postgres.Sql;
  prefix: string | undefined;
}

/** The limiter keys stored (in any window) that start with `start`. */
export async function storedKeys(source: CounterSource, start = ''): Promise<string[]> {
  if (onValkey()) {
    const prefix = source.prefix ?? '';
    const keys = await Promise.all((await keysUnder(prefix)).map((stored) => limiterKey(prefix, stored)));
    return keys.filter((key): key is string => key?.startsWith(start) === true);
  }
  const rows = await source.sql<{ key: string }[]>`
    select key from rate_limits where starts_with(key, ${start}) order by key`;
  return rows.map((row) => row.key);
}

/** The count of a limiter key in its current window; undefined when it has none. */
export async function storedCount(source: CounterSource, key: string): Promise<number | undefined> {
  if (onValkey()) {
    const count = await valkey().hget(`${source.prefix ?? ''}{${key}}`, 'n');
    return count === null ? undefined : Number(count);
  }
  const [row] = await source.sql<{ count: number }[]>`
    select count from rate_limits where key = ${key} order by window_start desc limit 1`;
  return row?.count;
}

/** Seconds since the epoch by the store's clock, which its windows are aligned on. */
export async function storeClock(sql: postgres.Sql): Promise<number> {
  if (onValkey()) {
    const [seconds, micros] = await valkey().time();
    return Number(seconds) + Number(micros) / 1e6;
  }
  const [row] = await sql<{ epoch: number }[]>`select extract(epoch from clock_timestamp())::float8 as epoch`;
  return row?.epoch ?? 0;
}
