import { route } from '#lib/http.ts';
import page from '#lib/openapi/docs-page.json' with { type: 'json' };
import { document } from '#lib/responses.ts';

/**
 * GET /docs: the API reference, one self-contained page built by `npm run openapi`. Its
 * policy allows exactly the page's own inline scripts and styles, nothing from elsewhere.
 * Not rate-limited, like the document: both are static and touch no data.
 */
export const handler = route(
  { auth: 'none', rateLimit: 'none', contentSecurityPolicy: page.contentSecurityPolicy },
  function docs() {
    return document(page.html, 'text/html; charset=utf-8');
  },
);
