import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { configuration } from '#lib/http/middlewares/configuration.ts';
import { log } from '#lib/infra/log.ts';
import { countDeliveries, publishMetrics } from '#lib/infra/metrics.ts';
import { type DeliveryResult, deliverEmails } from '#lib/mail/outbox.ts';

/**
 * Scheduled (every minute, see serverless.yml; `npm start` runs it too), not HTTP: sends the
 * outbox rows the requests that wrote them could not (mail server down, instance frozen or
 * killed right after the commit), with backoff and a bounded number of attempts.
 */
async function send(_event: ScheduledEvent): Promise<DeliveryResult> {
  const result = await deliverEmails();
  if (result.sent > 0 || result.failed > 0) log.info('mail sender', { ...result });
  countDeliveries(result);
  publishMetrics();
  return result;
}

export const handler = middy<ScheduledEvent, DeliveryResult>()
  .use(injectLambdaContext(log))
  .use(configuration())
  .handler(send);
