import { route } from '#lib/http.ts';
import { document } from '#lib/responses.ts';
import openapi from '../openapi.json' with { type: 'json' };

/** GET /api/v1/openapi.json: the committed OpenAPI document (`npm run openapi` writes it). */
const body = JSON.stringify(openapi);

export const handler = route({ auth: 'none', rateLimit: 'none' }, function openApiDocument() {
  return document(body, 'application/json; charset=utf-8');
});
