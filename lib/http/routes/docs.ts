import { declareRoute, STATIC_DOCUMENT_CACHE } from '#lib/http/declaration.ts';
import page from '#lib/reference/docs-page.json' with { type: 'json' };

/**
 * The page's policy allows exactly its own inline scripts and styles, nothing from elsewhere.
 * Not rate-limited, like the document: both are static and touch no data.
 */
export const declaration = declareRoute({
  method: 'GET',
  path: '/docs',
  function: 'docs',
  operationId: 'getDocs',
  tag: 'Reference',
  summary: 'API reference (HTML)',
  description: 'This reference as a self-contained page: it loads nothing from other sites.',
  auth: 'none',
  rateLimit: 'none',
  contentSecurityPolicy: page.contentSecurityPolicy,
  success: { status: 200, description: 'The page.', media: { type: 'text/html', schema: { type: 'string' } } },
  public: true,
  cacheControl: STATIC_DOCUMENT_CACHE,
});
