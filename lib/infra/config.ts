import * as v from 'valibot';
import { parseDuration, SECONDS_PER_UNIT } from '#lib/infra/duration.ts';

/**
 * Configuration is a pure function of the environment: `parseConfig(env)` checks every
 * variable and throws one line naming the first bad one. `config()` is the checked
 * configuration of this process, read once from `process.env` on first use (after the
 * pipeline's first step has put the deployed secrets there, see lib/http/middlewares/configuration.ts);
 * importing this module reads and checks nothing.
 */

/** A rate-limit rule: at most `limit` hits per fixed window of `windowSeconds`. */
export interface RateRule {
  limit: number;
  windowSeconds: number;
}

/**
 * The rate-limit rules (docs/security.md, Rate limits), once: their variables, defaults and what they count per.
 * The configuration schema, the limiter and the OpenAPI document all derive from this table.
 */
export const RATE_LIMIT_RULES = {
  api: { variable: 'RATE_LIMIT_API', fallback: '100/1m', per: 'user, or client IP without a valid token' },
  login: { variable: 'RATE_LIMIT_LOGIN', fallback: '10/15m', per: 'client IP' },
  loginFailures: {
    variable: 'RATE_LIMIT_LOGIN_FAILURES',
    fallback: '5/15m',
    per: 'email and client network (IPv4 address, IPv6 /64), failed attempts only',
  },
  loginFailuresEmail: {
    variable: 'RATE_LIMIT_LOGIN_FAILURES_EMAIL',
    fallback: '50/1h',
    per: 'email from all networks, failed attempts only',
  },
  passwordForgot: { variable: 'RATE_LIMIT_PASSWORD_FORGOT', fallback: '5/1h', per: 'client IP' },
  register: { variable: 'RATE_LIMIT_REGISTER', fallback: '5/1h', per: 'client IP' },
  refresh: { variable: 'RATE_LIMIT_REFRESH', fallback: '30/15m', per: 'session (client IP for a token of none)' },
} as const;

export type RuleName = keyof typeof RATE_LIMIT_RULES;
type RuleVariable = (typeof RATE_LIMIT_RULES)[RuleName]['variable'];

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

const duration = (fallback: string) =>
  v.pipe(
    v.optional(v.string(), fallback),
    v.transform((text) => parseDuration(text) ?? Number.NaN),
    v.check((seconds) => !Number.isNaN(seconds), 'must be a duration such as 30s, 15m, 12h or 7d'),
  );

/** A whole number from 1 to 1,000,000; serverless.yml passes an unset parameter as ''. */
const count = (fallback: string) =>
  v.pipe(
    v.optional(v.string(), fallback),
    v.transform((text) => text.trim() || fallback),
    v.regex(/^\d{1,7}$/, 'must be a whole number from 1 to 1000000'),
    v.transform(Number),
    v.check((n) => n >= 1 && n <= 1_000_000, 'must be a whole number from 1 to 1000000'),
  );

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

type RateRuleSchema = ReturnType<typeof rateRule>;

const rateRuleEntries = Object.fromEntries(
  Object.values(RATE_LIMIT_RULES).map((rule) => [rule.variable, rateRule(rule.fallback)]),
) as Record<RuleVariable, RateRuleSchema>;

/** The secrets: in deployed stages they come from SSM Parameter Store (lib/infra/secrets.ts). */
export const SECRET_VARIABLES = ['DATABASE_URL', 'JWT_SECRET'] as const;
export type SecretVariable = (typeof SECRET_VARIABLES)[number];

export const databaseUrl = v.pipe(
  v.string('is required'),
  v.regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL'),
);

/** The bare address of a sender (`Tasks <no-reply@example.com>` → `no-reply@example.com`). */
export function senderAddress(from: string): string | undefined {
  const address = /<([^<>\s]+@[^<>\s]+)>\s*$/.exec(from)?.[1] ?? from.trim();
  return /^[^\s@<>]+@[^\s@<>]+$/.test(address) ? address : undefined;
}

export interface SesIdentity {
  region: string;
  /** A domain (`example.com`) or an address (`no-reply@example.com`). */
  identity: string;
}

/** The region and identity of an SES identity ARN; undefined when it is none. */
export function parseSesIdentity(arn: string): SesIdentity | undefined {
  const match = /^arn:aws[a-z-]*:ses:([a-z]{2}(?:-[a-z]+)+-\d):\d{12}:identity\/([^\s/*]+)$/.exec(arn);
  return match?.[1] && match[2] ? { region: match[1], identity: match[2].toLowerCase() } : undefined;
}

/** Whether SES sends `address` as `identity`: the address itself, or one at that domain or a subdomain. */
function sendsAs(identity: string, address: string): boolean {
  const lower = address.toLowerCase();
  if (identity.includes('@')) return lower === identity;
  const domain = lower.slice(lower.lastIndexOf('@') + 1);
  return domain === identity || domain.endsWith(`.${identity}`);
}

const SECRET_SCHEMAS = {
  DATABASE_URL: databaseUrl,
  JWT_SECRET: v.pipe(
    v.string('is required'),
    v.check((secret) => Buffer.byteLength(secret) >= 32, 'must be at least 32 bytes long'),
  ),
} satisfies Record<SecretVariable, unknown>;

/** A secret this function was not given (`SECRETS`): empty, and `secret()` refuses to read it. */
const notGranted = v.pipe(
  v.optional(v.string(), ''),
  v.transform(() => ''),
);

/**
 * `SECRETS` lists the secrets this function needs (serverless.yml sets it from each function's
 * `secrets:`, and its role may read only those); unset, every secret is required.
 */
const SecretsSchema = v.pipe(
  v.optional(v.string()),
  v.transform((list) =>
    list === undefined
      ? [...SECRET_VARIABLES]
      : list
          .split(',')
          .map((name) => name.trim())
          .filter(Boolean),
  ),
  v.check(
    (names) => names.every((name) => (SECRET_VARIABLES as readonly string[]).includes(name)),
    `must list some of ${SECRET_VARIABLES.join(', ')}`,
  ),
);

const secretEntries = (needed: readonly string[]) => ({
  DATABASE_URL: needed.includes('DATABASE_URL') ? SECRET_SCHEMAS.DATABASE_URL : notGranted,
  JWT_SECRET: needed.includes('JWT_SECRET') ? SECRET_SCHEMAS.JWT_SECRET : notGranted,
});

const baseEntries = {
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
  // Bounds on what one account can grow (docs/security.md, Rate limits).
  MAX_SESSIONS_PER_USER: count('50'),
  MAX_TASKS_PER_USER: count('10000'),
  // How long a deleted task's tombstone stays for delta sync; an older sync cursor is a 410.
  TOMBSTONE_TTL: duration('30d'),
  // How long the audit log keeps an event (docs/security.md, Audit log); the hourly clean-up deletes older ones.
  AUDIT_RETENTION: duration('365d'),
  LOG_LEVEL: v.optional(
    v.picklist(['debug', 'info', 'warn', 'error'], 'must be one of debug, info, warn, error'),
    'info',
  ),
  APP_VERSION: v.optional(v.string(), '0.1.0'),
  // Mail: the SMTP server (unset: mail waits in the outbox; `npm start` runs a local catcher)
  // or SES (SES_IDENTITY_ARN), the sender, and the client app's base URL the emailed links point to.
  // serverless.yml passes an unset parameter as an empty string: both mean "not set".
  SMTP_URL: v.pipe(
    v.optional(v.string(), ''),
    v.check((url) => url === '' || /^smtps?:\/\/\S+$/.test(url), 'must be an smtp:// or smtps:// URL'),
    v.transform((url) => (url === '' ? undefined : url)),
  ),
  MAIL_FROM: v.pipe(
    v.optional(v.string(), ''),
    v.transform((from) => from.trim() || 'taskapi <no-reply@localhost>'),
    v.check((from) => senderAddress(from) !== undefined, 'must be a sender such as "Tasks <no-reply@example.com>"'),
  ),
  // Deployed stages send through Amazon SES as this verified identity (a domain or an address).
  SES_IDENTITY_ARN: v.pipe(
    v.optional(v.string(), ''),
    v.transform((arn) => arn.trim()),
    v.check(
      (arn) => arn === '' || parseSesIdentity(arn) !== undefined,
      'must be an SES identity ARN such as arn:aws:ses:eu-west-1:123456789012:identity/example.com',
    ),
    v.transform((arn) => (arn === '' ? undefined : arn)),
  ),
  // The outbox's sender (serverless.yml names it in deployed stages, scripts/start.ts under
  // `npm start`): a request that may queue mail wakes it (lib/mail/trigger.ts). Unset: queued
  // mail waits for the sender's schedule.
  MAIL_SENDER_FUNCTION: v.pipe(
    v.optional(v.string(), ''),
    v.transform((name) => name.trim()),
    v.check((name) => name === '' || /^[A-Za-z0-9_-]{1,64}$/.test(name), 'must be a Lambda function name'),
    v.transform((name) => (name === '' ? undefined : name)),
  ),
  APP_URL: v.pipe(
    v.optional(v.string(), ''),
    v.transform((url) => url.trim() || 'http://localhost:3000'),
    v.regex(/^https?:\/\/[^\s#?]+$/, 'must be an http:// or https:// URL without query or fragment'),
    v.transform((url) => url.replace(/\/+$/, '')),
  ),
  EMAIL_VERIFICATION: v.pipe(
    v.optional(v.string(), ''),
    v.transform((mode) => mode.trim() || 'optional'),
    v.picklist(['optional', 'required'], 'must be optional or required'),
  ),
  // Where the rate-limit counters live (lib/infra/rate-limit.ts): the database, or a Valkey
  // (or Redis) server every instance reaches at VALKEY_URL; its keys start with VALKEY_KEY_PREFIX.
  RATE_LIMIT_STORE: v.pipe(
    v.optional(v.string(), ''),
    v.transform((store) => store.trim() || 'postgres'),
    v.picklist(['postgres', 'valkey'], 'must be postgres or valkey'),
  ),
  VALKEY_URL: v.pipe(
    v.optional(v.string(), ''),
    v.transform((url) => url.trim()),
    v.check(
      (url) => url === '' || /^rediss?:\/\/[^\s/?#]+(\/\d{0,2})?(\?\S*)?$/.test(url),
      'must be a redis:// or rediss:// URL such as rediss://cache.example.com:6379',
    ),
    v.transform((url) => (url === '' ? undefined : url)),
  ),
  VALKEY_KEY_PREFIX: v.pipe(
    v.optional(v.string(), ''),
    v.transform((prefix) => prefix || 'taskapi:rl:'),
    // Braces would change the keys' hash tags (lib/infra/rate-limit-valkey.ts).
    v.regex(/^[\x21-\x7a\x7c\x7e]{1,64}$/, 'must be 1 to 64 printable characters, no spaces or braces'),
  ),
  ...rateRuleEntries,
};

/** The variables, then the checks between them, each reported on the variable to fix. */
const envSchema = (needed: readonly string[]) =>
  v.pipe(
    v.object({ ...secretEntries(needed), ...baseEntries }),
    v.forward(
      v.partialCheck(
        [['SMTP_URL'], ['SES_IDENTITY_ARN']],
        (env) => env.SMTP_URL === undefined || env.SES_IDENTITY_ARN === undefined,
        'and SES_IDENTITY_ARN are both set: mail goes through one transport, so set only one',
      ),
      ['SMTP_URL'],
    ),
    v.forward(
      v.partialCheck(
        [['MAIL_FROM'], ['SES_IDENTITY_ARN']],
        (env) => {
          const ses = env.SES_IDENTITY_ARN === undefined ? undefined : parseSesIdentity(env.SES_IDENTITY_ARN);
          return ses === undefined || sendsAs(ses.identity, senderAddress(env.MAIL_FROM) ?? '');
        },
        'must be an address of the SES identity SES_IDENTITY_ARN names (SES sends only as a verified identity)',
      ),
      ['MAIL_FROM'],
    ),
    v.forward(
      v.partialCheck(
        [['RATE_LIMIT_STORE'], ['VALKEY_URL']],
        (env) => env.RATE_LIMIT_STORE !== 'valkey' || env.VALKEY_URL !== undefined,
        'is required when RATE_LIMIT_STORE is valkey',
      ),
      ['VALKEY_URL'],
    ),
  );

export type Config = v.InferOutput<ReturnType<typeof envSchema>>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** The first issue of a failed check as one line naming the variable. */
export function configIssue(issues: readonly v.BaseIssue<unknown>[]): ConfigError {
  const issue = issues[0];
  const variable = issue?.path?.[0]?.key ?? 'environment';
  const message = issue?.input === undefined ? 'is required' : issue.message;
  return new ConfigError(`Invalid configuration: ${String(variable)} ${message}`);
}

/** Checks an environment; throws one ConfigError whose message names the first bad variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const needed = v.safeParse(v.object({ SECRETS: SecretsSchema }), env);
  if (!needed.success) throw configIssue(needed.issues);
  const result = v.safeParse(envSchema(needed.output.SECRETS ?? SECRET_VARIABLES), env);
  if (result.success) return result.output;
  throw configIssue(result.issues);
}

/** The secrets this process's function needs (`SECRETS`, every one when unset). */
export function neededSecrets(env: Record<string, string | undefined>): SecretVariable[] {
  const result = v.safeParse(SecretsSchema, env.SECRETS);
  return result.success ? (result.output as SecretVariable[]) : [...SECRET_VARIABLES];
}

let current: Config | undefined;

/** This process's configuration, checked on first use. */
export function config(): Config {
  current ??= parseConfig(process.env);
  return current;
}

/** Whether `config()` has been read already (the pipeline then skips loading it). */
export const isConfigured = () => current !== undefined;

/** A secret of this configuration; a function not given it (`SECRETS`) fails here, in one line. */
export function secret(variable: SecretVariable): string {
  const value = config()[variable];
  if (!value) throw new ConfigError(`Invalid configuration: ${variable} is not among this function's SECRETS`);
  return value;
}

/** The rule a name stands for in this configuration; null when it is off. */
export const rateRuleOf = (rule: RuleName): RateRule | null => config()[RATE_LIMIT_RULES[rule].variable];
