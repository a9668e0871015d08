import { noContent } from '#lib/http/responses.ts';
import { route } from '#lib/http/route.ts';
import { declaration } from '#lib/http/routes/preflight.ts';

/** The CORS step of the pipeline answers a preflight; what reaches here gets an empty 204. */
export const handler = route(declaration, function preflight() {
  return noContent();
});
