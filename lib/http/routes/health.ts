import { Health } from '#lib/health/schemas.ts';
import { declareRoute } from '#lib/http/declaration.ts';
import { dataEnvelope } from '#lib/http/envelopes.ts';

/**
 * Not rate-limited: monitors poll it, and it must answer even when a client is over a limit. Not
 * public: deployed, it wants the API key like every route (the deploy's smoke test sends one).
 */
export const declaration = declareRoute({
  method: 'GET',
  path: '/api/v1/health',
  function: 'health',
  operationId: 'getHealth',
  tag: 'Health',
  summary: 'Health check',
  description: 'Liveness with a database check. With the database unreachable: 503 within 5 seconds.',
  auth: 'none',
  rateLimit: 'none',
  success: { status: 200, description: 'The API and its database answer.', schema: dataEnvelope(Health) },
  alsoAt: [{ path: '/health', operationId: 'getHealthAtRoot', summary: 'Health check at the root path' }],
});
