import postgres from 'postgres';
import { afterAll, inject } from 'vitest';

/** A connection to the local server's database, for checking what requests left behind. */
export function serverDatabase(): postgres.Sql {
  const sql = postgres(inject('serverDatabaseUrl'), { max: 2, onnotice: () => {} });
  afterAll(() => sql.end({ timeout: 5 }));
  return sql;
}
