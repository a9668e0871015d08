import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { runMigrations } from '#db/migrate.ts';
import { withSecrets } from '#lib/secrets.ts';

/**
 * `migrate`: no HTTP event; CI invokes it after every deploy. Applies the committed migrations
 * that the package ships next to the bundle (db/migrations, the same path relative to this file
 * in the repository and in the zip). Needs only DATABASE_URL, so it reads no other secret.
 */

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../db/migrations', import.meta.url));

export interface MigrateResult {
  status: 'ok';
  /** Migrations applied by this run. */
  applied: number;
  /** Migrations the database has now, in all. */
  total: number;
}

async function countApplied(databaseUrl: string): Promise<number> {
  const sql = postgres(databaseUrl, { max: 1, prepare: false, connect_timeout: 10, onnotice: () => {} });
  try {
    const [journal] = await sql<{ exists: boolean }[]>`
      select to_regclass('drizzle.__drizzle_migrations') is not null as exists`;
    if (!journal?.exists) return 0;
    const [row] = await sql<{ count: number }[]>`select count(*)::int as count from drizzle.__drizzle_migrations`;
    return row?.count ?? 0;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

export async function handler(): Promise<MigrateResult> {
  const { DATABASE_URL } = await withSecrets(process.env, ['DATABASE_URL']);
  if (!DATABASE_URL || !/^postgres(ql)?:\/\//.test(DATABASE_URL)) {
    throw new Error('Invalid configuration: DATABASE_URL must be a postgres:// or postgresql:// URL');
  }
  const before = await countApplied(DATABASE_URL);
  await runMigrations(DATABASE_URL, MIGRATIONS_FOLDER);
  const total = await countApplied(DATABASE_URL);
  console.log(JSON.stringify({ level: 'info', message: 'migrations applied', applied: total - before, total }));
  return { status: 'ok', applied: total - before, total };
}
