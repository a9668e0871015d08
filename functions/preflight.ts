import { route } from '#lib/http.ts';
import { noContent } from '#lib/responses.ts';

/**
 * OPTIONS on every route: the CORS step of the pipeline adds the allow headers. Not
 * rate-limited: browsers send it on their own, and it touches no data.
 */
export const handler = route({ auth: 'none', rateLimit: 'none' }, function preflight() {
  return noContent();
});
