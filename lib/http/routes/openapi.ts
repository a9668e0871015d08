import { declareRoute, STATIC_DOCUMENT_CACHE } from '#lib/http/declaration.ts';

/** Not rate-limited, like the docs page: both are static and touch no data. */
export const declaration = declareRoute({
  method: 'GET',
  path: '/api/v1/openapi.json',
  function: 'openapi',
  operationId: 'getOpenApiDocument',
  tag: 'Reference',
  summary: 'This OpenAPI document',
  auth: 'none',
  rateLimit: 'none',
  success: {
    status: 200,
    description: 'The OpenAPI 3.1 document of this API.',
    media: {
      type: 'application/json',
      schema: {
        type: 'object',
        properties: { openapi: { const: '3.1.0' }, info: { type: 'object' }, paths: { type: 'object' } },
        required: ['openapi', 'info', 'paths'],
      },
    },
  },
  public: true,
  cacheControl: STATIC_DOCUMENT_CACHE,
});
