import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { configuration } from '#lib/http/middlewares/configuration.ts';
import { log } from '#lib/infra/log.ts';
import { countDeliveries, publishMetrics } from '#lib/infra/metrics.ts';
import { type DeliveryResult, deliverEmails } from '#lib/mail/outbox.ts';
import type { WakeEvent } from '#lib/mail/trigger.ts';

/**
 * The outbox's sender, not HTTP: woken (an asynchronous invoke) by every request that may
 * queue mail, and scheduled every minute (see serverless.yml; `npm start` runs it too) for
 * whatever is left: mail server down, a wake-up lost or throttled, backoff.
 */
async function send(_event: ScheduledEvent | WakeEvent, context: Context): Promise<DeliveryResult> {
  const result = await deliverEmails(undefined, () => context.getRemainingTimeInMillis());
  if (result.sent > 0 || result.failed > 0) log.info('mail sender', { ...result });
  countDeliveries(result);
  publishMetrics();
  return result;
}

export const handler = middy<ScheduledEvent | WakeEvent, DeliveryResult>()
  .use(injectLambdaContext(log))
  .use(configuration())
  .handler(send);
