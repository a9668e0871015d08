import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { configuration } from '#lib/http/middlewares/configuration.ts';
import { log } from '#lib/infra/log.ts';
import { deleteExpiredWindows } from '#lib/infra/rate-limit.ts';

/**
 * Scheduled (hourly, see serverless.yml), not HTTP: deletes rate-limit windows that have
 * ended, so the table stays small without any request paying for the cleanup.
 */
async function cleanup(_event: ScheduledEvent, context: Context): Promise<{ deleted: number }> {
  const started = performance.now();
  const deleted = await deleteExpiredWindows(() => context.getRemainingTimeInMillis());
  log.info('rate-limit cleanup', { deleted, latencyMs: Math.round(performance.now() - started) });
  return { deleted };
}

export const handler = middy<ScheduledEvent, { deleted: number }>()
  .use(injectLambdaContext(log))
  .use(configuration())
  .handler(cleanup);
