import type { PipelineRoute } from '#lib/http/declaration.ts';

/**
 * OPTIONS on every declared path: the pipeline's CORS step answers. Not rate-limited: browsers
 * send it on their own, and it touches no data.
 */
export const declaration: PipelineRoute = {
  function: 'preflight',
  auth: 'none',
  rateLimit: 'none',
  answers: 'preflight',
};
