import { fileURLToPath } from 'node:url';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import postgres from 'postgres';
import * as v from 'valibot';
import { runMigrations } from '#db/migrate.ts';
import { configIssue, databaseUrl } from '#lib/infra/config.ts';
import { log } from '#lib/infra/log.ts';
import { withSecrets } from '#lib/infra/secrets.ts';

/**
 * `migrate`: no HTTP event; CI invokes it after every deploy. Applies the committed migrations
 * that the package ships next to the bundle (db/migrations, the same path relative to this file
 * in the repository and in the zip). Needs only DATABASE_URL, so it reads no other secret.
 */

export const PACKAGED_MIGRATIONS = fileURLToPath(new URL('../db/migrations', import.meta.url));

export interface MigrateResult {
  status: 'ok';
  /** Migrations applied by this run. */
  applied: number;
  /** Migrations the database has now, in all. */
  total: number;
}

async function countApplied(url: string): Promise<number> {
  const sql = postgres(url, { max: 1, prepare: false, connect_timeout: 10, onnotice: () => {} });
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

async function migrate(): Promise<MigrateResult> {
  const env = await withSecrets(process.env, ['DATABASE_URL']);
  // The same check as the API's configuration, for the one variable this function reads.
  const checked = v.safeParse(v.object({ DATABASE_URL: databaseUrl }), env);
  if (!checked.success) throw configIssue(checked.issues);
  const url = checked.output.DATABASE_URL;
  const before = await countApplied(url);
  await runMigrations(url, PACKAGED_MIGRATIONS);
  const total = await countApplied(url);
  log.info('migrations applied', { applied: total - before, total });
  return { status: 'ok', applied: total - before, total };
}

export const handler = middy().use(injectLambdaContext(log)).handler(migrate);
