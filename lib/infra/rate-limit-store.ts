import type { SQLWrapper } from 'drizzle-orm';
import type { PendingQuery } from 'postgres';

/**
 * Where rate-limit counters live. The limiter (lib/infra/rate-limit.ts) speaks in rules and
 * subjects and builds the keys; a store counts hits on keys in fixed windows. Every Lambda
 * instance must see the same counters on the same clock, so a store is a shared server
 * (PostgreSQL, Valkey), never memory.
 *
 * Windows are fixed and aligned on the store's clock: a window of `windowSeconds` starts at a
 * multiple of it since the Unix epoch, so every instance counts into the same window. A client
 * can thus get up to twice a limit across a window boundary; in exchange a hit costs one write.
 */
export interface RateLimitStore {
  readonly name: 'postgres' | 'valkey';
  /**
   * Counts one hit on `key` in the current window of `windowSeconds`. `owner`, when given, is a
   * part of the key by which `clear` finds it: every counter hit with one owner goes at once.
   */
  hit(key: string, windowSeconds: number, owner?: string): Promise<Counter>;
  /** Takes back one hit of `counter`, in the window it was counted in (never below zero). */
  release(counter: Counter): Promise<void>;
  /** Deletes every counter hit with this `owner`, in every window. */
  clear(owner: string): Promise<void>;
  /**
   * Only for a store inside the application's database: the same work as part of the
   * database's own statements, which saves round trips. The limiter makes the calls above
   * when a store has none.
   */
  readonly inDatabase?: CountingInDatabase;
  /** Closes the store's connection (tests and scripts; a Lambda instance keeps it). */
  close(): Promise<void>;
}

/** A counter after a hit. */
export interface Counter {
  key: string;
  owner?: string | undefined;
  /** Hits counted in this window, this one included. */
  count: number;
  /** The window the hit was counted in, as the store names it (for `release`). */
  window: string;
  /** Seconds until this window ends, at least 1. */
  resetSeconds: number;
}

export interface CountingInDatabase {
  /**
   * One statement: `probe`, a select of at most one row with a text column `subject`, and a hit
   * on `prefix + subject` when it finds a row, else on `otherwise`. The row comes back as the
   * probe selected it.
   */
  hitFound<Row extends { subject: string }>(
    probe: PendingQuery<Row[]>,
    prefix: string,
    otherwise: string,
    windowSeconds: number,
  ): Promise<{ row: Row | undefined; counter: Counter }>;
  /** `release` as a statement of the caller's transaction. */
  releaseStatement(counter: Counter): SQLWrapper;
  /** `clear` as a statement of the caller's transaction. */
  clearStatement(owner: string): SQLWrapper;
}
