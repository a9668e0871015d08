import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

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
  ])('stops with one line for %o', (env, message) => {
    const { code, stderr } = start({ JWT_SECRET: 'x'.repeat(40), ...env });

    expect(code).toBe(1);
    expect(stderr.split('\n')).toEqual([message]);
  });
});
