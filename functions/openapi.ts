import { document } from '#lib/http/responses.ts';
import { route } from '#lib/http/route.ts';
import { declaration } from '#lib/http/routes/openapi.ts';
import openapi from '../openapi.json' with { type: 'json' };

/** The committed OpenAPI document (`npm run openapi` writes it). */
const body = JSON.stringify(openapi);

export const handler = route(declaration, function openApiDocument() {
  return document(body, 'application/json; charset=utf-8');
});
