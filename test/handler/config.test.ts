import { describe, expect, it } from 'vitest';
import { parseConfig } from '#lib/infra/config.ts';

const valid = {
  DATABASE_URL: 'postgres://localhost/db',
  JWT_SECRET: 'x'.repeat(32),
};

describe('configuration', () => {
  it('applies the defaults', () => {
    const config = parseConfig(valid);

    expect(config).toMatchObject({
      ACCESS_TOKEN_TTL: 900,
      REFRESH_TOKEN_TTL: 604_800,
      LOG_LEVEL: 'info',
      CORS_ORIGINS: [],
    });
  });

  it('parses durations and the origin list', () => {
    const config = parseConfig({
      ...valid,
      ACCESS_TOKEN_TTL: '30s',
      CORS_ORIGINS: 'https://a.example, https://b.example',
    });

    expect(config.ACCESS_TOKEN_TTL).toBe(30);
    expect(config.CORS_ORIGINS).toEqual(['https://a.example', 'https://b.example']);
  });

  it('applies the rate-limit defaults of the contract', () => {
    const config = parseConfig(valid);

    expect(config).toMatchObject({
      RATE_LIMIT_LOGIN: { limit: 10, windowSeconds: 900 },
      RATE_LIMIT_LOGIN_FAILURES: { limit: 5, windowSeconds: 900 },
      RATE_LIMIT_REGISTER: { limit: 5, windowSeconds: 3600 },
      RATE_LIMIT_REFRESH: { limit: 30, windowSeconds: 900 },
      RATE_LIMIT_API: { limit: 100, windowSeconds: 60 },
    });
  });

  it('parses rate-limit rules, and off as no rule', () => {
    const config = parseConfig({
      ...valid,
      RATE_LIMIT_LOGIN: '3/2s',
      RATE_LIMIT_LOGIN_FAILURES: ' 20/24h ',
      RATE_LIMIT_REGISTER: 'off',
      RATE_LIMIT_API: 'OFF',
    });

    expect(config.RATE_LIMIT_LOGIN).toEqual({ limit: 3, windowSeconds: 2 });
    expect(config.RATE_LIMIT_LOGIN_FAILURES).toEqual({ limit: 20, windowSeconds: 86_400 });
    expect(config.RATE_LIMIT_REGISTER).toBeNull();
    expect(config.RATE_LIMIT_API).toBeNull();
  });

  it.each([
    '10',
    '10/',
    '/15m',
    '10/15',
    '10/15d',
    'ten/15m',
    '-1/15m',
    '0/15m',
    '10/0s',
    '10/25h',
    '1.5/1m',
    'none',
    '',
  ])('rejects the rate-limit rule %o naming the variable', (rule) => {
    expect(() => parseConfig({ ...valid, RATE_LIMIT_REFRESH: rule })).toThrow(
      expect.objectContaining({
        message:
          'Invalid configuration: RATE_LIMIT_REFRESH must be <count>/<window> such as 10/15m (window in s, m or h, at most 24h), or off',
      }),
    );
  });

  it.each([
    [{ DATABASE_URL: undefined }, 'Invalid configuration: DATABASE_URL is required'],
    [{ DATABASE_URL: 'mysql://x' }, 'Invalid configuration: DATABASE_URL must be a postgres:// or postgresql:// URL'],
    [{ JWT_SECRET: 'short' }, 'Invalid configuration: JWT_SECRET must be at least 32 bytes long'],
    [{ JWT_SECRET: undefined }, 'Invalid configuration: JWT_SECRET is required'],
    [
      { ACCESS_TOKEN_TTL: '15 minutes' },
      'Invalid configuration: ACCESS_TOKEN_TTL must be a duration such as 30s, 15m, 12h or 7d',
    ],
    [{ LOG_LEVEL: 'verbose' }, 'Invalid configuration: LOG_LEVEL must be one of debug, info, warn, error'],
    [{ CORS_ORIGINS: 'app.example.com' }, expect.stringContaining('Invalid configuration: CORS_ORIGINS')],
    [
      { MAIL_SENDER_FUNCTION: 'arn:aws:lambda:eu-west-1:123456789012:function:x' },
      'Invalid configuration: MAIL_SENDER_FUNCTION must be a Lambda function name',
    ],
  ])('names the bad variable in one line (%o)', (override, message) => {
    expect(() => parseConfig({ ...valid, ...override })).toThrow(expect.objectContaining({ message }));
  });

  it('keeps the rate limits in PostgreSQL unless told valkey, with a VALKEY_URL', () => {
    expect(parseConfig(valid)).toMatchObject({ RATE_LIMIT_STORE: 'postgres', VALKEY_URL: undefined });
    expect(parseConfig({ ...valid, RATE_LIMIT_STORE: '', VALKEY_URL: '' }).RATE_LIMIT_STORE).toBe('postgres');
    expect(
      parseConfig({ ...valid, RATE_LIMIT_STORE: 'valkey', VALKEY_URL: 'rediss://cache.example.test:6379' }),
    ).toMatchObject({
      RATE_LIMIT_STORE: 'valkey',
      VALKEY_URL: 'rediss://cache.example.test:6379',
      VALKEY_KEY_PREFIX: 'taskapi:rl:',
    });
  });

  it.each([
    [{ RATE_LIMIT_STORE: 'redis' }, 'Invalid configuration: RATE_LIMIT_STORE must be postgres or valkey'],
    [{ RATE_LIMIT_STORE: 'valkey' }, 'Invalid configuration: VALKEY_URL is required when RATE_LIMIT_STORE is valkey'],
    [
      { RATE_LIMIT_STORE: 'valkey', VALKEY_URL: '127.0.0.1:6379' },
      'Invalid configuration: VALKEY_URL must be a redis:// or rediss:// URL such as rediss://cache.example.com:6379',
    ],
    [
      { VALKEY_KEY_PREFIX: 'tasks{prod}:' },
      'Invalid configuration: VALKEY_KEY_PREFIX must be 1 to 64 printable characters, no spaces or braces',
    ],
  ])('names the bad rate-limit store variable in one line (%o)', (override, message) => {
    expect(() => parseConfig({ ...valid, ...override })).toThrow(expect.objectContaining({ message }));
  });

  it('requires only the secrets SECRETS names, and refuses to hand out the others', async () => {
    const { DATABASE_URL } = valid;
    const config = parseConfig({ SECRETS: 'DATABASE_URL', DATABASE_URL });

    expect(config.DATABASE_URL).toBe(DATABASE_URL);
    expect(config.JWT_SECRET).toBe('');
    expect(parseConfig({ SECRETS: '', JWT_SECRET: 'short' }).JWT_SECRET).toBe('');
    expect(() => parseConfig({ SECRETS: 'DATABASE_URL,JWT_SECRET', DATABASE_URL })).toThrow(
      'Invalid configuration: JWT_SECRET is required',
    );
    expect(() => parseConfig({ ...valid, SECRETS: 'DATABASE_URL,API_KEY' })).toThrow(
      'Invalid configuration: SECRETS must list some of DATABASE_URL, JWT_SECRET',
    );
  });
});

describe('the mail transport configuration', () => {
  const ses = {
    SES_IDENTITY_ARN: 'arn:aws:ses:eu-west-1:123456789012:identity/example.com',
    MAIL_FROM: 'Tasks <no-reply@example.com>',
  };

  it('sends through SES as a domain identity, from an address at that domain or a subdomain', () => {
    expect(parseConfig({ ...valid, ...ses })).toMatchObject({ ...ses, SMTP_URL: undefined });
    expect(parseConfig({ ...valid, ...ses, MAIL_FROM: 'no-reply@mail.EXAMPLE.com' }).MAIL_FROM).toBe(
      'no-reply@mail.EXAMPLE.com',
    );
  });

  it('sends through SES as an address identity, from that address only', () => {
    const identity = { SES_IDENTITY_ARN: 'arn:aws:ses:us-east-1:123456789012:identity/tasks@example.com' };
    expect(() => parseConfig({ ...valid, ...identity, MAIL_FROM: 'Tasks <tasks@example.com>' })).not.toThrow();
    expect(() => parseConfig({ ...valid, ...identity, MAIL_FROM: 'other@example.com' })).toThrow(
      /^Invalid configuration: MAIL_FROM must be an address of the SES identity/,
    );
  });

  it.each([
    [
      { SES_IDENTITY_ARN: 'example.com' },
      'Invalid configuration: SES_IDENTITY_ARN must be an SES identity ARN such as arn:aws:ses:eu-west-1:123456789012:identity/example.com',
    ],
    [
      { SES_IDENTITY_ARN: 'arn:aws:ses:eu-west-1:123456789012:configuration-set/main' },
      'Invalid configuration: SES_IDENTITY_ARN must be an SES identity ARN such as arn:aws:ses:eu-west-1:123456789012:identity/example.com',
    ],
    [
      { MAIL_FROM: 'no-reply@localhost' },
      'Invalid configuration: MAIL_FROM must be an address of the SES identity SES_IDENTITY_ARN names (SES sends only as a verified identity)',
    ],
    [
      // The default sender is no address of any identity.
      { MAIL_FROM: undefined },
      'Invalid configuration: MAIL_FROM must be an address of the SES identity SES_IDENTITY_ARN names (SES sends only as a verified identity)',
    ],
    [
      { MAIL_FROM: 'no-reply@notexample.com' },
      'Invalid configuration: MAIL_FROM must be an address of the SES identity SES_IDENTITY_ARN names (SES sends only as a verified identity)',
    ],
    [
      { SMTP_URL: 'smtp://127.0.0.1:1025' },
      'Invalid configuration: SMTP_URL and SES_IDENTITY_ARN are both set: mail goes through one transport, so set only one',
    ],
  ])('refuses %o in one line', (override, message) => {
    expect(() => parseConfig({ ...valid, ...ses, ...override })).toThrow(expect.objectContaining({ message }));
  });

  it.each(['Tasks', 'Tasks <>', '<no-reply@example.com', 'two words@example.com'])('refuses the sender %o', (from) => {
    expect(() => parseConfig({ ...valid, MAIL_FROM: from })).toThrow(
      'Invalid configuration: MAIL_FROM must be a sender such as "Tasks <no-reply@example.com>"',
    );
  });
});
