import postgres from 'postgres';
import { afterAll } from 'vitest';
import { api } from './local-api.ts';

/** A connection to the local server's database, for checking what requests left behind. */
export function serverDatabase(): postgres.Sql {
  const sql = postgres(api.databaseUrl, { max: 2, onnotice: () => {} });
  afterAll(() => sql.end({ timeout: 5 }));
  return sql;
}
