import type { PipelineRoute } from '#lib/http/declaration.ts';

/**
 * Any method on any path no route declares: the contract's 404, not the gateway's. Not
 * rate-limited: it touches no data, so counting scanners would only cost database writes.
 */
export const declaration: PipelineRoute = {
  function: 'not-found',
  auth: 'none',
  rateLimit: 'none',
  answers: 'unmatched',
};
