import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema.ts';

/**
 * The database client of one Lambda instance, for a transaction-mode pooler (PgBouncer, RDS Proxy):
 * - max 1: an instance serves one request at a time; the pooler multiplexes instances.
 * - prepare false: named prepared statements do not survive transaction pooling.
 * - connect_timeout 5 s: fail fast and answer 503 long before API Gateway's 29 s.
 * - idle_timeout 20 s: a frozen instance does not keep a server connection pinned.
 * - statement_timeout: a backstop against a runaway query holding the connection.
 * - backoff 0: postgres.js otherwise waits up to 20 s (growing with each failure) before
 *   reconnecting, holding every request meanwhile; a request must fail fast with 503 instead.
 * Nothing connects until the first query. `instrument` may wrap the client (tracing, the
 * read-only guard); `onclose` hears of the connection closing (an outage, the idle timeout).
 */
export function createClient(url: string, instrument: <T>(sql: T) => T = (sql) => sql, onclose?: () => void) {
  const sql = instrument(
    postgres(url, {
      max: 1,
      prepare: false,
      connect_timeout: 5,
      idle_timeout: 20,
      max_lifetime: 60 * 30,
      backoff: () => 0,
      connection: { application_name: 'taskapi', statement_timeout: 10_000 },
      onnotice: () => {},
      ...(onclose ? { onclose } : {}),
    }),
  );
  return { sql, db: drizzle(sql, { schema }) };
}

export type Client = ReturnType<typeof createClient>;
export type Sql = Client['sql'];
export type Database = Client['db'];
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];
