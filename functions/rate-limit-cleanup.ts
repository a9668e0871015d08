import type { Context, ScheduledEvent } from 'aws-lambda';
import { log } from '#lib/log.ts';
import { deleteExpiredWindows } from '#lib/rate-limit.ts';

/**
 * Scheduled (hourly, see serverless.yml), not HTTP: deletes rate-limit windows that have
 * ended, so the table stays small without any request paying for the cleanup.
 */
export async function handler(_event: ScheduledEvent, context: Context): Promise<{ deleted: number }> {
  const started = performance.now();
  const deleted = await deleteExpiredWindows(() => context.getRemainingTimeInMillis());
  log.info('rate-limit cleanup', { deleted, latencyMs: Math.round(performance.now() - started) });
  return { deleted };
}
