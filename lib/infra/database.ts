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
