import * as v from 'valibot';
import { parseDuration, SECONDS_PER_UNIT } from './duration.ts';
import { withSecrets } from './secrets.ts';

/**
 * Configuration is read from the environment once, at module load, and checked here.
 * A bad value stops the process (or the Lambda init) with one line naming the variable,
 * instead of failing later inside a request. In deployed stages the secrets are read from
 * SSM Parameter Store first (lib/secrets.ts), once per Lambda instance.
 */

const duration = (fallback: string) =>
  v.pipe(
    v.optional(v.string(), fallback),
    v.transform((text) => parseDuration(text) ?? Number.NaN),
    v.check((seconds) => !Number.isNaN(seconds), 'must be a duration such as 30s, 15m, 12h or 7d'),
  );

/** A rate-limit rule: at most `limit` hits per fixed window of `windowSeconds`. */
export interface RateRule {
  limit: number;
  windowSeconds: number;
}

/** Windows longer than a day would be bans rather than rate limits, and keep rows around for longer. */
export const MAX_RATE_WINDOW_SECONDS = 86_400;
const MAX_RATE_LIMIT = 1_000_000_000;

/** Parses `<count>/<window>` (`10/15m`) into a rule, `off` into null; undefined for anything else. */
export function parseRateRule(text: string): RateRule | null | undefined {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === 'off') return null;
  const match = /^(\d{1,10})\/(\d{1,6})(s|m|h)$/.exec(trimmed);
  if (!match) return undefined;
  const limit = Number(match[1]);
  const windowSeconds = Number(match[2]) * SECONDS_PER_UNIT[match[3] as 's' | 'm' | 'h'];
  if (limit < 1 || limit > MAX_RATE_LIMIT || windowSeconds < 1 || windowSeconds > MAX_RATE_WINDOW_SECONDS) {
    return undefined;
  }
  return { limit, windowSeconds };
}

const rateRule = (fallback: string) =>
  v.pipe(
    v.optional(v.string(), fallback),
    // false, not undefined, marks a bad value: parseConfig reports an undefined input as missing.
    v.transform((text) => {
      const rule = parseRateRule(text);
      return rule === undefined ? (false as const) : rule;
    }),
    v.check(
      (rule) => rule !== false,
      'must be <count>/<window> such as 10/15m (window in s, m or h, at most 24h), or off',
    ),
    v.transform((rule) => rule as RateRule | null),
  );

const EnvSchema = v.object({
  DATABASE_URL: v.pipe(
    v.string('is required'),
    v.regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL'),
  ),
  JWT_SECRET: v.pipe(
    v.string('is required'),
    v.check((secret) => Buffer.byteLength(secret) >= 32, 'must be at least 32 bytes long'),
  ),
  CORS_ORIGINS: v.pipe(
    v.optional(v.string(), ''),
    v.transform((list) =>
      list
        .split(',')
        .map((origin) => origin.trim())
        .filter((origin) => origin.length > 0),
    ),
    v.check(
      (origins) => origins.every((origin) => origin === '*' || /^https?:\/\/[^/\s]+$/.test(origin)),
      'must be a comma-separated list of origins such as https://app.example.com',
    ),
  ),
  ACCESS_TOKEN_TTL: duration('15m'),
  REFRESH_TOKEN_TTL: duration('7d'),
  // Absolute lifetime of a login: refreshing never extends a session past it.
  SESSION_TTL: duration('30d'),
  LOG_LEVEL: v.optional(
    v.picklist(['debug', 'info', 'warn', 'error'], 'must be one of debug, info, warn, error'),
    'info',
  ),
  APP_VERSION: v.optional(v.string(), '0.1.0'),
  // Rate limits (lib/rate-limit.ts); null when set to off.
  RATE_LIMIT_LOGIN: rateRule('10/15m'),
  RATE_LIMIT_LOGIN_FAILURES: rateRule('5/15m'),
  RATE_LIMIT_REGISTER: rateRule('5/1h'),
  RATE_LIMIT_REFRESH: rateRule('30/15m'),
  RATE_LIMIT_API: rateRule('100/1m'),
});

export type Config = v.InferOutput<typeof EnvSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Checks an environment; throws one ConfigError whose message names the first bad variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const result = v.safeParse(EnvSchema, env);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const variable = issue.path?.[0]?.key ?? 'environment';
  const message = issue.input === undefined ? 'is required' : issue.message;
  throw new ConfigError(`Invalid configuration: ${String(variable)} ${message}`);
}

export const config: Config = parseConfig(await withSecrets(process.env));
