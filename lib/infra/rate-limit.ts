import { createHmac } from 'node:crypto';
import { sql as dsql } from 'drizzle-orm';
import ipaddr from 'ipaddr.js';
import { AppError, isDatabaseUnavailable, serviceUnavailable } from '#lib/core/errors.ts';
import { derivedKey } from '#lib/core/keys.ts';
import { normaliseEmail } from '#lib/core/schema.ts';
import { MAX_RATE_WINDOW_SECONDS, RATE_LIMIT_RULES, type RuleName, rateRuleOf } from '#lib/infra/config.ts';
import { database, deleteInBatches, type Fragment } from '#lib/infra/database.ts';
import { log } from '#lib/infra/log.ts';
import { countRejection } from '#lib/infra/metrics.ts';

/**
 * Rate limits counted in PostgreSQL: Lambda instances share no memory, so a counter anywhere
 * else would be per instance. Each hit is one atomic upsert on a fixed window, with nothing
 * held between statements, so it works through a transaction-mode pooler.
 *
 * Windows are fixed and aligned on the database clock (`now()`), the one clock every instance
 * shares: a rule of 10/15m counts hits in [hh:00, hh:15), [hh:15, hh:30), and so on. A client
 * can thus get up to twice the limit across a window boundary; in exchange every hit costs one
 * row write and no scan.
 */

/** Rules guarding authentication: when their counter cannot be written they fail closed. */
const AUTH_RULES: ReadonlySet<RuleName> = new Set([
  'login',
  'loginFailures',
  'loginFailuresEmail',
  'passwordForgot',
  'register',
  'refresh',
]);

export interface LimitState {
  rule: RuleName;
  key: string;
  limit: number;
  windowStart: string;
  /** Hits counted in this window, this one included. */
  count: number;
  remaining: number;
  /** Seconds until this window ends, at least 1. */
  resetSeconds: number;
  exceeded: boolean;
}

/**
 * IPv4 clients are counted per address. IPv6 clients are counted per /64, since one client
 * usually holds a whole /64 and could otherwise take a fresh address for every request.
 */
export function ipSubject(ip: string): string {
  if (!ipaddr.isValid(ip)) return `ip:${ip}`;
  const address = ipaddr.process(ip); // an IPv4-mapped IPv6 address becomes the IPv4 one
  if (address.kind() === 'ipv4') return `ip:${address.toString()}`;
  const prefix = (address as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16));
  return `ip:${prefix.join(':')}::/64`;
}

export const userSubject = (userId: string) => `user:${userId}`;

/** Emails are kept as a keyed hash: the table then holds no address anyone typed, real or not. */
export const emailSubject = (email: string) =>
  `email:${createHmac('sha256', derivedKey('rate-limit email')).update(normaliseEmail(email)).digest('base64url')}`;

/** The window length is part of the key, so a changed window never inherits an old count. */
export function rateLimitKey(rule: RuleName, subject: string): string {
  return `${rule}:${rateRuleOf(rule)?.windowSeconds ?? 0}:${subject}`;
}

/**
 * Auth routes fail closed: no login, registration or refresh goes uncounted (503). The general
 * API follows the database: an outage propagates (503, as the route's own queries would
 * answer), while a limiter that fails on its own is logged and the request goes through
 * unlimited rather than the whole API going down with it.
 */
export function limiterFailure(rule: RuleName, error: unknown): void {
  if (AUTH_RULES.has(rule)) throw serviceUnavailable(error);
  if (isDatabaseUnavailable(error)) throw error;
  const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown };
  // Name and SQLSTATE only: a driver message may quote the key (an address or a user id).
  log.error('rate limit not counted; request allowed', { rule, error: { name, code } });
}

/** What the counting upsert returns (`upsertHit`). */
export interface CounterRow {
  key: string;
  count: number;
  /** As PostgreSQL prints it: the client reads timestamps as text (Drizzle sets that up). */
  window_start: string;
  reset: number;
}

/**
 * The statement that counts one hit on `key` (a value, or an expression of the statement it is
 * part of) in the current fixed window of `windowSeconds`, returning a `CounterRow`. A
 * data-modifying CTE, so another statement can carry it (lib/auth/authenticate.ts).
 */
export function upsertHit(key: string | Fragment, windowSeconds: number): Fragment {
  const { sql } = database();
  return sql`
    insert into rate_limits as r (key, window_start, count)
    select
      ${key},
      to_timestamp((floor(extract(epoch from now()) / ${windowSeconds}::int) * ${windowSeconds}::int)::float8),
      1
    on conflict (key, window_start) do update set count = least(r.count + 1, 2147483647)
    returning
      r.key,
      r.count,
      r.window_start,
      greatest(1, ceil(extract(epoch from r.window_start) + ${windowSeconds}::int - extract(epoch from now())))::int
        as reset`;
}

/**
 * Selected by every statement that counts: its transaction then commits without waiting for the
 * WAL flush. Safe because a counter is a limit, not a record: a crash can lose only the last
 * fraction of a second of hits (never a part of a statement, never another table's rows), which
 * gives a client a few extra attempts once, while every hit saves a disk flush.
 */
const ASYNC_COMMIT = "set_config('synchronous_commit', 'off', true)";
export const asyncCommit = () => database().sql.unsafe(ASYNC_COMMIT);

/** The state of a rule after a counted hit. */
export function limitState(rule: RuleName, key: string, limit: number, row: CounterRow): LimitState {
  return {
    rule,
    key,
    limit,
    windowStart: row.window_start,
    count: row.count,
    remaining: Math.max(0, limit - row.count),
    resetSeconds: row.reset,
    exceeded: row.count > limit,
  };
}

/** Counts one hit against a rule; undefined when the rule is off (or, for the API, could not count). */
export function hit(rule: RuleName, subject: string): Promise<LimitState | undefined> {
  return hitKey(rule, rateLimitKey(rule, subject));
}

/**
 * `hit` on a key the statement works out (`upsertHit`), for a subject only the database knows:
 * the refresh rule's session, found from the token in the same statement.
 */
export async function hitKey(rule: RuleName, key: string | Fragment): Promise<LimitState | undefined> {
  const ruleConfig = rateRuleOf(rule);
  if (!ruleConfig) return undefined;
  const { sql } = database();
  let row: CounterRow | undefined;
  try {
    [row] = await sql<CounterRow[]>`
      with counted as (${upsertHit(key, ruleConfig.windowSeconds)})
      select key, count, window_start, reset, ${asyncCommit()} from counted`;
  } catch (error) {
    limiterFailure(rule, error);
    return undefined;
  }
  if (!row) {
    limiterFailure(rule, new Error('rate-limit upsert returned no row'));
    return undefined;
  }
  return limitState(rule, row.key, ruleConfig.limit, row);
}

const releaseSql = (state: LimitState) => dsql`
  update rate_limits set count = count - 1
  where key = ${state.key} and window_start = ${state.windowStart} and count > 0`;

/** The state of a rule once a hit is taken back. */
function released(state: LimitState): LimitState {
  const count = Math.max(0, state.count - 1);
  return { ...state, count, remaining: Math.max(0, state.limit - count), exceeded: count > state.limit };
}

/** Takes back one hit (a provisional one that turned out not to count); returns the new state. */
export async function release(state: LimitState): Promise<LimitState> {
  try {
    await database().db.execute(dsql`${releaseSql(state)} returning ${dsql.raw(ASYNC_COMMIT)}`);
  } catch (error) {
    limiterFailure(state.rule, error);
  }
  return released(state);
}

/** `release` as a statement of the caller's transaction (which commits durably: it holds more than counters), and the state once it is written. */
export const releaseStatement = (state: LimitState) => ({ statement: releaseSql(state), released: released(state) });

export const rateLimited = () =>
  new AppError('RATE_LIMIT_EXCEEDED', 'Too many requests; retry after the number of seconds in Retry-After');

/**
 * The limits a request has met, for its response headers. With several (a login meets the
 * per-IP and the per-email rule) the headers describe the tightest: the fewest remaining,
 * then the longest until reset, which is also when a refused client can next succeed.
 */
export class RateLimitMeter {
  readonly #states = new Map<string, LimitState>();

  record(state: LimitState | undefined): void {
    if (state) this.#states.set(state.key, state);
  }

  /** Counts a hit, records it, and refuses the request with 429 when over the limit. */
  async enforce(rule: RuleName, subject: string): Promise<LimitState | undefined> {
    return this.check(await hit(rule, subject));
  }

  /** Records a hit counted elsewhere, and refuses the request with 429 when over the limit. */
  check(state: LimitState | undefined): LimitState | undefined {
    this.record(state);
    if (state?.exceeded) {
      countRejection(state.rule);
      throw rateLimited();
    }
    return state;
  }

  headers(statusCode: number): Record<string, string> {
    let tightest: LimitState | undefined;
    for (const state of this.#states.values()) {
      if (
        !tightest ||
        state.remaining < tightest.remaining ||
        (state.remaining === tightest.remaining && state.resetSeconds > tightest.resetSeconds)
      ) {
        tightest = state;
      }
    }
    if (!tightest) return {};
    const headers: Record<string, string> = {
      'RateLimit-Limit': String(tightest.limit),
      'RateLimit-Remaining': String(tightest.remaining),
      'RateLimit-Reset': String(tightest.resetSeconds),
    };
    if (statusCode === 429) headers['Retry-After'] = String(tightest.resetSeconds);
    return headers;
  }
}

/** How long a window can stay relevant: the longest enabled window (a day when all are off). */
function retentionSeconds(): number {
  const windows = (Object.keys(RATE_LIMIT_RULES) as RuleName[]).flatMap((name) => {
    const rule = rateRuleOf(name);
    return rule ? [rule.windowSeconds] : [];
  });
  return windows.length > 0 ? Math.max(...windows) : MAX_RATE_WINDOW_SECONDS;
}

/** Deletes windows that ended, in batches (lib/infra/database.ts `deleteInBatches`). */
export async function deleteExpiredWindows(timeLeftMs: () => number): Promise<number> {
  const retention = retentionSeconds();
  const { sql } = database();
  return deleteInBatches(
    'rate_limits',
    () => sql`window_start < now() - make_interval(secs => ${retention}::int)`,
    timeLeftMs,
  );
}
