import { pingDatabase } from '#lib/health/ping.ts';
import { ok } from '#lib/http/responses.ts';
import { route } from '#lib/http/route.ts';
import { declaration } from '#lib/http/routes/health.ts';
import { config } from '#lib/infra/config.ts';

export const handler = route(declaration, async function health() {
  const database = await pingDatabase();
  return ok({ status: 'ok' as const, checks: { database }, version: config().APP_VERSION });
});
