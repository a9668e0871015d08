import { config } from '#lib/config.ts';
import { pingDatabase } from '#lib/health.ts';
import { route } from '#lib/http.ts';
import { ok } from '#lib/responses.ts';
import type { Health } from '#lib/schemas/health.ts';

/**
 * GET /health and GET /api/v1/health: liveness with a database check (503 when it is down).
 * Not rate-limited: monitors poll it, and it must answer even when a client is over a limit.
 */
export const handler = route({ auth: 'none', rateLimit: 'none' }, async function health() {
  const database = await pingDatabase();
  const health: Health = { status: 'ok', checks: { database }, version: config.APP_VERSION };
  return ok(health);
});
