import { afterAll, inject } from 'vitest';
import { createDatabase, databaseUrl, dropDatabase, uniqueName } from './helpers/databases.ts';
import { TEST_ENV } from './helpers/env.ts';

/**
 * Before each test file: a database of its own, copied from the migrated template, so
 * files run in parallel and never see each other's rows. Dropped when the file ends. On the
 * Valkey store (project `valkey`), likewise a key prefix of its own, its keys deleted at the end.
 */
const adminUrl = inject('adminUrl');
const name = uniqueName('taskapi_test');
await createDatabase(adminUrl, name, inject('templateDatabase'));
process.env.DATABASE_URL = databaseUrl(inject('apiServerUrl'), name);
Object.assign(process.env, TEST_ENV);
if (process.env.RATE_LIMIT_STORE === 'valkey') process.env.VALKEY_KEY_PREFIX = `${name}:`;

afterAll(async () => {
  const { closeDatabase } = await import('#lib/infra/database.ts');
  const { closeRateLimitStore } = await import('#lib/infra/rate-limit.ts');
  await closeRateLimitStore();
  await closeDatabase();
  await dropDatabase(adminUrl, name);
  if (process.env.RATE_LIMIT_STORE === 'valkey') {
    const { closeValkey, deleteKeysUnder } = await import('./helpers/counters.ts');
    await deleteKeysUnder(`${name}:`);
    await closeValkey();
  }
});
