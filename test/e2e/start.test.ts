import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { database } from '#lib/infra/database.ts';
import { EmbeddedPostgresError, randomSecret, startEmbeddedPostgres } from '../../scripts/local-db.ts';
import { freePort } from '../../scripts/ports.ts';
import { registerUser, uniqueEmail } from '../helpers/auth.ts';
import { TEST_ENV } from '../helpers/env.ts';
import { startLocalServer } from '../helpers/local-server.ts';
import { startSmtpServer } from '../helpers/smtp.ts';

/** `npm start` refuses bad configuration with one line naming the variable, before serving. */
function start(env: Record<string, string>) {
  const result = spawnSync(process.execPath, ['scripts/start.ts'], {
    env: { PATH: process.env.PATH, DATABASE_URL: process.env.DATABASE_URL, PORT: '1', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: result.status, stderr: result.stderr.trim() };
}

describe('npm start with bad configuration', () => {
  it.each([
    [{ JWT_SECRET: 'too-short' }, 'Invalid configuration: JWT_SECRET must be at least 32 bytes long'],
    [{ PORT: 'eighty' }, 'Invalid configuration: PORT must be a port number'],
    [
      { ACCESS_TOKEN_TTL: 'forever' },
      'Invalid configuration: ACCESS_TOKEN_TTL must be a duration such as 30s, 15m, 12h or 7d',
    ],
    [{ RATE_LIMIT_LOGIN: 'lots' }, expect.stringMatching(/^Invalid configuration: RATE_LIMIT_LOGIN /)],
    [
      { ADMIN_EMAIL: 'root@example.com', ADMIN_PASSWORD: 'password1' },
      'Invalid configuration: ADMIN_PASSWORD is too common; choose a less guessable password',
    ],
    [
      { ADMIN_EMAIL: 'not an email', ADMIN_PASSWORD: 'a long enough passphrase' },
      'Invalid configuration: ADMIN_EMAIL must be a valid email address',
    ],
    [
      { MAIL_CATCHER_PORT: '80000' },
      'Invalid configuration: MAIL_CATCHER_PORT must be a port number (0: any free port)',
    ],
    [
      { MAIL_SENDER_INTERVAL: 'often' },
      'Invalid configuration: MAIL_SENDER_INTERVAL must be a duration such as 10s or 1m',
    ],
    [
      { SES_IDENTITY_ARN: 'example.com' },
      'Invalid configuration: SES_IDENTITY_ARN must be an SES identity ARN such as arn:aws:ses:eu-west-1:123456789012:identity/example.com',
    ],
  ])('stops with one line for %o', (env, message) => {
    const { code, stderr } = start({ JWT_SECRET: 'x'.repeat(40), ...env });

    expect(code).toBe(1);
    expect(stderr.split('\n')).toEqual([message]);
  });
});

describe('npm start when the mail catcher cannot start', () => {
  it('stops with one line saying why and what to set', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const taken = createServer().listen(port, '127.0.0.1');
    await new Promise((resolve) => taken.once('listening', resolve));
    try {
      const { code, stderr } = start({ JWT_SECRET: 'x'.repeat(40), MAIL_CATCHER_SMTP_PORT: String(port) });

      expect(code).toBe(1);
      expect(stderr.split('\n')).toEqual([
        expect.stringMatching(
          /^Could not start the local mail catcher \(set MAIL_CATCHER_SMTP_PORT and MAIL_CATCHER_PORT, or SMTP_URL\): .*EADDRINUSE/,
        ),
      ]);
    } finally {
      taken.close();
    }
  });
});

describe('npm start with ADMIN_EMAIL of an existing account', () => {
  it("stops with one line when ADMIN_PASSWORD is not that account's password, and promotes no one", async () => {
    const owner = await registerUser(uniqueEmail('ops-admin'));

    const { code, stderr } = start({
      ...TEST_ENV,
      ADMIN_EMAIL: owner.email,
      ADMIN_PASSWORD: 'the operator passphrase',
    });
    const [row] = await database().sql<{ role: string }[]>`select role from users where id = ${owner.id}`;

    expect(code).toBe(1);
    expect(stderr.split('\n')).toEqual([
      `ADMIN_EMAIL ${owner.email} belongs to an existing account whose password is not ADMIN_PASSWORD: not promoted`,
    ]);
    expect(row?.role).toBe('USER');
  });
});

/**
 * An IPv4 address of this machine other than loopback, which a server listening on 0.0.0.0
 * answers on. With no such interface, 127.0.0.2: a server on 0.0.0.0 answers on every
 * 127.x.x.x address, one bound to 127.0.0.1 only on that one.
 */
function otherAddress(): string {
  const external = Object.values(networkInterfaces())
    .flat()
    .find((entry) => entry && entry.family === 'IPv4' && !entry.internal);
  return external?.address ?? '127.0.0.2';
}

/** Whether anything answers HTTP there; false when the connection is refused. */
async function answers(url: string, init?: RequestInit): Promise<{ status: number; body: string } | false> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code;
    if (code === 'ECONNREFUSED') return false;
    throw error;
  }
}

describe('npm start with HOST=0.0.0.0 and SMTP_URL', () => {
  it('serves the API on every address, the Lambda invoke endpoint on loopback only, and starts no mail catcher', {
    timeout: 120_000,
  }, async () => {
    const port = await freePort();
    const smtp = await startSmtpServer();
    const {
      child,
      ready,
      output: printed,
      exited,
    } = await startLocalServer({
      PATH: process.env.PATH,
      DATABASE_URL: process.env.DATABASE_URL,
      ...TEST_ENV,
      HOST: '0.0.0.0',
      PORT: String(port),
      SMTP_URL: smtp.url,
    });
    try {
      const output = printed();
      expect(ready, output).toBe(true);
      expect(output).not.toContain('Mail inbox');
      const lambdaPort = /\[http for lambda\] listening on http:\/\/[^:]+:(\d+)/.exec(output)?.[1];
      expect(lambdaPort, output).toBeDefined();
      const address = otherAddress();
      const invoke = (host: string) =>
        answers(`http://${host}:${lambdaPort}/2015-03-31/functions/taskapi-local-health/invocations`, {
          method: 'POST',
          body: '{}',
        });

      const api = await answers(`http://${address}:${port}/api/v1/health`);
      expect(api, `GET /api/v1/health on ${address}`).toMatchObject({ status: 200 });
      // The port is the invoke endpoint's: it answers on loopback...
      expect(await invoke('127.0.0.1'), 'invoke on 127.0.0.1').toMatchObject({ status: 200 });
      // ...and nowhere else.
      expect(await invoke(address), `invoke on ${address}`).toBe(false);
    } finally {
      child.kill('SIGTERM');
      await exited;
      await smtp.stop();
    }
  });
});

describe('the embedded PostgreSQL of npm start and npm test', () => {
  it('stops with one line saying why when it cannot start', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const taken = createServer().listen(port, '127.0.0.1');
    const dataDir = mkdtempSync(join(tmpdir(), 'taskapi-busy-pg-'));
    try {
      const error = await startEmbeddedPostgres({ dataDir, port, persistent: false, password: randomSecret() }).then(
        () => undefined,
        (reason: unknown) => reason,
      );

      expect(error).toBeInstanceOf(EmbeddedPostgresError);
      const message = (error as Error).message;
      expect(message.split('\n')).toEqual([message]);
      expect(message).toBe(
        `the server did not start on port ${port}: LOG: could not bind IPv4 address "127.0.0.1": Address already in use`,
      );
    } finally {
      taken.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
    expect(existsSync(dataDir)).toBe(false);
  });
});
