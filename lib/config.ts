import * as v from 'valibot';
import { parseDuration } from './duration.ts';

/**
 * Configuration is read from the environment once, at module load, and checked here.
 * A bad value stops the process (or the Lambda init) with one line naming the variable,
 * instead of failing later inside a request.
 */

const duration = (fallback: string) =>
  v.pipe(
    v.optional(v.string(), fallback),
    v.transform((text) => parseDuration(text) ?? Number.NaN),
    v.check((seconds) => !Number.isNaN(seconds), 'must be a duration such as 30s, 15m, 12h or 7d'),
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

export const config: Config = parseConfig(process.env);
