import { readdirSync } from 'node:fs';
import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { handler, PACKAGED_MIGRATIONS } from '../../functions/migrate.ts';
import { createDatabase, dropDatabase, uniqueName } from '../helpers/databases.ts';
import { lambdaContext } from '../helpers/lambda.ts';

// An empty database (not a copy of the migrated template), as a new stage's is.
const adminUrl = inject('adminUrl');
const name = uniqueName('taskapi_test_migrate');
const emptyUrl = await createDatabase(adminUrl, name);
const fileDatabaseUrl = process.env.DATABASE_URL;

afterAll(async () => {
  process.env.DATABASE_URL = fileDatabaseUrl;
  await dropDatabase(adminUrl, name);
});

const migrationCount = readdirSync(PACKAGED_MIGRATIONS).filter((file) => file.endsWith('.sql')).length;

describe('migrate function', () => {
  it('applies every committed migration to an empty database, then nothing more', async () => {
    process.env.DATABASE_URL = emptyUrl;

    const first = await handler({}, lambdaContext());
    const second = await handler({}, lambdaContext());

    expect(migrationCount).toBeGreaterThan(0);
    expect(first).toEqual({ status: 'ok', applied: migrationCount, total: migrationCount });
    expect(second).toEqual({ status: 'ok', applied: 0, total: migrationCount });
    const sql = postgres(emptyUrl, { max: 1, onnotice: () => {} });
    try {
      const tables = await sql<{ name: string }[]>`
        select table_name as name from information_schema.tables where table_schema = 'public' order by 1`;
      expect(tables.map((table) => table.name)).toEqual(
        expect.arrayContaining(['users', 'sessions', 'refresh_tokens', 'tasks', 'rate_limits']),
      );
    } finally {
      await sql.end({ timeout: 5 });
    }
  });

  it('refuses a DATABASE_URL that is not PostgreSQL, naming it', async () => {
    process.env.DATABASE_URL = 'mysql://somewhere/db';

    await expect(handler({}, lambdaContext())).rejects.toThrow(
      'Invalid configuration: DATABASE_URL must be a postgres:// or postgresql:// URL',
    );
  });
});
