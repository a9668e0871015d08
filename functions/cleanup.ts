import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, ScheduledEvent } from 'aws-lambda';
import {
  deleteEndedSessions,
  deleteExpiredAuditEvents,
  deleteExpiredSyncRows,
  deleteSpentLifecycleRows,
} from '#lib/cleanup/cleanup.ts';
import { configuration } from '#lib/http/middlewares/configuration.ts';
import { log } from '#lib/infra/log.ts';
import { deleteExpiredWindows } from '#lib/infra/rate-limit.ts';

/**
 * Scheduled (hourly, see serverless.yml), not HTTP: deletes rate-limit windows that have
 * ended, ended sessions and spent refresh tokens, spent or expired one-time tokens, old outbox
 * rows, expired Idempotency-Key answers, task tombstones past TOMBSTONE_TTL and audit events past
 * AUDIT_RETENTION, so the tables stay small
 * without any request paying for the cleanup.
 */
interface CleanupResult {
  deleted: number;
  sessions: number;
  refreshTokens: number;
  tokens: number;
  emails: number;
  idempotencyKeys: number;
  tombstones: number;
  auditEvents: number;
}

async function cleanup(_event: ScheduledEvent, context: Context): Promise<CleanupResult> {
  const started = performance.now();
  const deleted = await deleteExpiredWindows(() => context.getRemainingTimeInMillis());
  const ended = await deleteEndedSessions(() => context.getRemainingTimeInMillis());
  const lifecycle = await deleteSpentLifecycleRows();
  const sync = await deleteExpiredSyncRows();
  const audit = await deleteExpiredAuditEvents(() => context.getRemainingTimeInMillis());
  log.info('cleanup', {
    deleted,
    ...ended,
    ...lifecycle,
    ...sync,
    ...audit,
    latencyMs: Math.round(performance.now() - started),
  });
  return { deleted, ...ended, ...lifecycle, ...sync, ...audit };
}

export const handler = middy<ScheduledEvent, CleanupResult>()
  .use(injectLambdaContext(log))
  .use(configuration())
  .handler(cleanup);
