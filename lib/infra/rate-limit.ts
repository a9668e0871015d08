import { createHmac } from 'node:crypto';
import type { SQLWrapper } from 'drizzle-orm';
import ipaddr from 'ipaddr.js';
import type { PendingQuery } from 'postgres';
import { AppError, isDatabaseUnavailable, serviceUnavailable } from '#lib/core/errors.ts';
import { derivedKey } from '#lib/core/keys.ts';
import { normaliseEmail } from '#lib/core/schema.ts';
import { config, MAX_RATE_WINDOW_SECONDS, RATE_LIMIT_RULES, type RuleName, rateRuleOf } from '#lib/infra/config.ts';
import { log } from '#lib/infra/log.ts';
import { countRejection } from '#lib/infra/metrics.ts';
import { deleteWindowsBefore, postgresStore } from '#lib/infra/rate-limit-postgres.ts';
import type { Counter, RateLimitStore } from '#lib/infra/rate-limit-store.ts';
import { valkeyStore } from '#lib/infra/rate-limit-valkey.ts';

/**
 * The rate limiter: rules (lib/infra/config.ts) counted per subject (an address, a user, an
 * email) in a store every Lambda instance shares, since instances share no memory. The store
 * is RATE_LIMIT_STORE's: PostgreSQL (the default, lib/infra/rate-limit-postgres.ts) or Valkey
 * (lib/infra/rate-limit-valkey.ts); both count in fixed windows aligned on their own clock
 * (lib/infra/rate-limit-store.ts). Nothing here depends on which: where the PostgreSQL store
 * can count inside the database's statements, the functions below use that, and make the
 * store's calls otherwise.
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

/** A rule's counter after a hit (its key, count, window and reset), with the rule's verdict. */
export interface LimitState extends Counter {
  rule: RuleName;
  limit: number;
  remaining: number;
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

/** Emails are kept as a keyed hash: the store then holds no address anyone typed, real or not. */
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
  // Only a store in the database fails with it; another store's outage is its own.
  if (rateLimitStore().inDatabase && isDatabaseUnavailable(error)) throw error;
  const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown };
  // Name and SQLSTATE only: a driver message may quote the key (an address or a user id).
  log.error('rate limit not counted; request allowed', { rule, error: { name, code } });
}

let store: RateLimitStore | undefined;

/** The store of this instance's configuration (RATE_LIMIT_STORE), made on first use; nothing connects before a hit. */
export function rateLimitStore(): RateLimitStore {
  if (!store) {
    const { RATE_LIMIT_STORE, VALKEY_URL, VALKEY_KEY_PREFIX } = config();
    // The configuration requires VALKEY_URL with RATE_LIMIT_STORE=valkey.
    store = RATE_LIMIT_STORE === 'valkey' && VALKEY_URL ? valkeyStore(VALKEY_URL, VALKEY_KEY_PREFIX) : postgresStore;
  }
  return store;
}

/** Closes the store's connection (tests and scripts; a Lambda instance keeps it). */
export async function closeRateLimitStore(): Promise<void> {
  const closing = store;
  store = undefined;
  await closing?.close();
}

/** The state of a rule after a counted hit. */
function limitState(rule: RuleName, limit: number, counter: Counter): LimitState {
  return {
    ...counter,
    rule,
    limit,
    remaining: Math.max(0, limit - counter.count),
    exceeded: counter.count > limit,
  };
}

/**
 * Counts one hit against a rule; undefined when the rule is off (or, for the API, could not
 * count). `owner` is the part of the subject that `clearing` deletes every counter of.
 */
export async function hit(rule: RuleName, subject: string, owner?: string): Promise<LimitState | undefined> {
  const ruleConfig = rateRuleOf(rule);
  if (!ruleConfig) return undefined;
  try {
    const counter = await rateLimitStore().hit(rateLimitKey(rule, subject), ruleConfig.windowSeconds, owner);
    return limitState(rule, ruleConfig.limit, counter);
  } catch (error) {
    limiterFailure(rule, error);
    return undefined;
  }
}

/**
 * Runs `probe`, a query of at most one row with a text column `subject`, and counts a hit
 * against `rule` on that subject when it finds a row, else on `otherwise`: the bearer check
 * counts the caller's user only when the session is live. With the PostgreSQL store this is one
 * statement; with another, the probe and then the hit. The probe's own failure propagates.
 */
export async function hitFound<Row extends { subject: string }>(
  rule: RuleName,
  probe: () => PendingQuery<Row[]>,
  otherwise: string,
): Promise<{ row: Row | undefined; limit: LimitState | undefined }> {
  const ruleConfig = rateRuleOf(rule);
  const inDatabase = rateLimitStore().inDatabase;
  if (ruleConfig && inDatabase) {
    try {
      const prefix = rateLimitKey(rule, '');
      const found = await inDatabase.hitFound<Row>(probe(), prefix, prefix + otherwise, ruleConfig.windowSeconds);
      return { row: found.row, limit: limitState(rule, ruleConfig.limit, found.counter) };
    } catch (error) {
      // A limiter failing on its own (the API rule fails open); an outage propagates (503).
      limiterFailure(rule, error);
      const [row] = await probe();
      return { row, limit: undefined };
    }
  }
  const [row] = await probe();
  return { row, limit: ruleConfig ? await hit(rule, row?.subject ?? otherwise) : undefined };
}

/** `hitFound` for the count alone: nothing is queried when the rule is off. */
export async function hitSubjectFound(
  rule: RuleName,
  probe: () => PendingQuery<{ subject: string }[]>,
  otherwise: string,
): Promise<LimitState | undefined> {
  return rateRuleOf(rule) ? (await hitFound(rule, probe, otherwise)).limit : undefined;
}

/** The state of a rule once a hit is taken back. */
function released(state: LimitState): LimitState {
  const count = Math.max(0, state.count - 1);
  return { ...state, count, remaining: Math.max(0, state.limit - count), exceeded: count > state.limit };
}

/** Takes back one hit (a provisional one that turned out not to count); returns the new state. */
export async function release(state: LimitState): Promise<LimitState> {
  try {
    await rateLimitStore().release(state);
  } catch (error) {
    limiterFailure(state.rule, error);
  }
  return released(state);
}

/**
 * Changes to counters that belong with a database transaction: with the PostgreSQL store they
 * are `statements` of it (committed durably with the rest); with another store they are made
 * by `afterCommit`, where a failure is logged and not thrown, since what the transaction did is
 * done (a counter then keeps a hit it should have lost, until its window ends).
 */
export interface CounterChanges {
  statements: SQLWrapper[];
  afterCommit(): Promise<void>;
}

function counterChanges(
  statements: (inDatabase: NonNullable<RateLimitStore['inDatabase']>) => SQLWrapper[],
  calls: (store: RateLimitStore) => Promise<unknown>,
): CounterChanges {
  const store = rateLimitStore();
  if (store.inDatabase) return { statements: statements(store.inDatabase), afterCommit: async () => {} };
  return {
    statements: [],
    afterCommit: () =>
      calls(store).then(
        () => undefined,
        (error) => {
          const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown };
          log.error('rate-limit counters not changed after the commit', { error: { name, code } });
        },
      ),
  };
}

/** `release` of several hits alongside a transaction, and their states once taken back. */
export function releasing(states: readonly LimitState[]): CounterChanges & { released: LimitState[] } {
  return {
    ...counterChanges(
      (inDatabase) => states.map((state) => inDatabase.releaseStatement(state)),
      (store) => Promise.all(states.map((state) => store.release(state))),
    ),
    released: states.map(released),
  };
}

/** Deletes every counter of an owner (`hit`'s), in every window, alongside a transaction. */
export function clearing(owner: string): CounterChanges {
  return counterChanges(
    (inDatabase) => [inDatabase.clearStatement(owner)],
    (store) => store.clear(owner),
  );
}
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

/**
 * Deletes the PostgreSQL store's windows that ended, in batches, whichever store is in use: a
 * stage moved to Valkey keeps none for long. (Valkey's counters expire by themselves.)
 */
export function deleteExpiredWindows(timeLeftMs: () => number): Promise<number> {
  return deleteWindowsBefore(retentionSeconds(), timeLeftMs);
}
