import { document } from '#lib/http/responses.ts';
import { route } from '#lib/http/route.ts';
import { declaration } from '#lib/http/routes/docs.ts';
import page from '#lib/reference/docs-page.json' with { type: 'json' };

/** The API reference, one self-contained page built by `npm run openapi`. */
export const handler = route(declaration, function docs() {
  return document(page.html, 'text/html; charset=utf-8');
});
