import { describe, expect, it } from 'vitest';
import { parseConfig } from '#lib/config.ts';

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
  ])('names the bad variable in one line (%o)', (override, message) => {
    expect(() => parseConfig({ ...valid, ...override })).toThrow(expect.objectContaining({ message }));
  });
});
