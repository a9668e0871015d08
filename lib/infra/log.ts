import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';

/**
 * One JSON line per entry, from Powertools Logger: inside a request the pipeline adds the
 * request id, cold start and function name to every line. The level is `LOG_LEVEL` (checked
 * with the rest of the configuration). Callers pass only fields that are safe to log; as a
 * second line of defence any key that looks like a secret is masked.
 */

const SECRET_KEY = /pass(word)?|token|secret|authorization|cookie|hash/i;

function redact(key: string, value: unknown): unknown {
  if (SECRET_KEY.test(key)) return '[redacted]';
  return value;
}

export const log = new Logger({
  serviceName: 'taskapi',
  // Powertools reads LOG_LEVEL itself but only in capitals; the contract's values are lower-case.
  logLevel: process.env.LOG_LEVEL?.toUpperCase() as LogLevel | undefined,
  jsonReplacerFn: redact,
});
