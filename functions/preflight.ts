import { route } from '#lib/http.ts';
import { noContent } from '#lib/responses.ts';

/** OPTIONS on every route: the CORS step of the pipeline adds the allow headers. */
export const handler = route({ auth: 'none' }, function preflight() {
  return noContent();
});
