import type { SQLWrapper } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { drizzle } from 'drizzle-orm/postgres-js';
import { type Client, createClient, type Database, type Sql } from '#db/client.ts';
import { secret } from '#lib/infra/config.ts';
import { guardReadOnly } from '#lib/infra/read-only.ts';
import { traceQueries } from '#lib/infra/tracing.ts';

/**
 * The instance's one database client, made on first use from the configuration (so after the
 * deployed secrets are loaded) and reused while the instance is warm.
 */
let client: Client | undefined;

/**
 * How many times the instance's connection has closed (an outage, the idle timeout, a client
 * closed): what was learned about the connection holds while this stays the same
 * (lib/http/speculative.ts).
 */
let closes = 0;
export const connectionGeneration = () => closes;

export function database(): Client {
  client ??= createClient(
    secret('DATABASE_URL'),
    ((sql: Sql) => guardReadOnly(traceQueries(sql))) as <T>(sql: T) => T,
    () => {
      closes += 1;
    },
  );
  return client;
}

/** Closes the client (scripts and tests; a Lambda instance never closes it). */
export async function closeDatabase(): Promise<void> {
  const closing = client;
  client = undefined;
  closes += 1;
  await closing?.sql.end({ timeout: 5 });
}

const dialect = new PgDialect();

/** A transaction whose first statement goes out with its BEGIN (`pipelinedTransaction`). */
export interface PipelinedTransaction {
  /** Drizzle on the transaction's connection, for what `work` reads and awaits. */
  tx: Database;
  /**
   * Sends `statements` and COMMIT together, in order, in one round trip, and throws the first
   * error: then the server refused the rest, the COMMIT became a rollback and nothing is
   * written. They go out as plain queries (no answers are returned): drizzle takes a varying
   * number of steps to hand each of its queries to the client, so their order would not be
   * the order given.
   */
  commit(statements?: readonly SQLWrapper[]): Promise<void>;
}

/**
 * A transaction in as few round trips as its logic allows: BEGIN leaves with the first query
 * and COMMIT with the last writes (the client pipelines them on the instance's one connection;
 * the server runs them in order, each with a fresh snapshot, so a row lock taken by one holds
 * for the next). drizzle's `transaction` waits for BEGIN and for COMMIT, two round trips more.
 * If `work` throws, the transaction rolls back. Works through a transaction-mode pooler.
 */
export async function pipelinedTransaction<T>(work: (transaction: PipelinedTransaction) => Promise<T>): Promise<T> {
  const parent = database().sql;
  const reserved = await parent.reserve();
  // drizzle reads the client's type options; a reserved connection uses its parent's.
  const sql = traceQueries(Object.assign(reserved, { options: parent.options }) as unknown as Sql);
  // Handed to the connection one step after this, before anything `work` sends.
  const begin = sql`begin`.execute();
  let ended = false;
  const end = async (statements: readonly SQLWrapper[], last: 'commit' | 'rollback') => {
    ended = true;
    const queries = statements.map((statement) => {
      const query = dialect.sqlToQuery(statement.getSQL());
      return sql.unsafe(query.sql, query.params as never[]).execute();
    });
    const settled = await Promise.allSettled([begin, ...queries, sql.unsafe(last).execute()]);
    const failed = settled.find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
  };
  try {
    const result = await work({ tx: drizzle(sql), commit: (statements = []) => end(statements, 'commit') });
    if (!ended) await end([], 'commit');
    return result;
  } catch (error) {
    if (!ended) await end([], 'rollback').catch(() => undefined);
    throw error;
  } finally {
    reserved.release();
  }
}

/** A transaction of statements that need none of each other's answers: one round trip in all. */
export function transactionBatch(statements: readonly SQLWrapper[]): Promise<void> {
  return pipelinedTransaction(({ commit }) => commit(statements));
}

export const CLEANUP_BATCH_SIZE = 5000;

/** A piece of SQL for postgres.js's tagged template, built with `database().sql`. */
export type Fragment = ReturnType<Client['sql']>;

/**
 * The scheduled clean-ups' delete: the rows of `table` that `where` selects, in batches (short
 * row locks, small WAL bursts) until none are left or the run's time is nearly up; the next run
 * takes the rest.
 */
export async function deleteInBatches(table: string, where: () => Fragment, timeLeftMs: () => number): Promise<number> {
  const { sql } = database();
  let deleted = 0;
  for (;;) {
    const result = await sql`
      delete from ${sql(table)}
      where ctid = any(array(select ctid from ${sql(table)} where ${where()} limit ${CLEANUP_BATCH_SIZE}::int))`;
    deleted += result.count;
    if (result.count < CLEANUP_BATCH_SIZE || timeLeftMs() < 3000) return deleted;
  }
}
