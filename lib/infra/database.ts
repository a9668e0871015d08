import { type Client, createClient } from '#db/client.ts';
import { secret } from '#lib/infra/config.ts';
import { traceQueries } from '#lib/infra/tracing.ts';

/**
 * The instance's one database client, made on first use from the configuration (so after the
 * deployed secrets are loaded) and reused while the instance is warm.
 */
let client: Client | undefined;

export function database(): Client {
  client ??= createClient(secret('DATABASE_URL'), traceQueries as <T>(sql: T) => T);
  return client;
}

/** Closes the client (scripts and tests; a Lambda instance never closes it). */
export async function closeDatabase(): Promise<void> {
  const closing = client;
  client = undefined;
  await closing?.sql.end({ timeout: 5 });
}

export const CLEANUP_BATCH_SIZE = 5000;

type Fragment = ReturnType<Client['sql']>;

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
