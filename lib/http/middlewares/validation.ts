import type { APIGatewayProxyEvent } from 'aws-lambda';
import { AppError, validationError } from '#lib/core/errors.ts';
import type { RouteDeclaration } from '#lib/http/declaration.ts';
import { parseInput, parsePath } from '#lib/http/validation.ts';
import type { RouteMiddleware } from './types.ts';

/** Query parameters as single strings; a parameter given twice is ambiguous and rejected. */
function singleValuedQuery(event: APIGatewayProxyEvent): Record<string, string> {
  for (const [key, values] of Object.entries(event.multiValueQueryStringParameters ?? {})) {
    if (values && values.length > 1) {
      throw new AppError('VALIDATION_ERROR', 'The request is not valid', {
        details: [{ path: key, message: 'must be given at most once' }],
      });
    }
  }
  return { ...(event.queryStringParameters ?? {}) } as Record<string, string>;
}

/** A JSON body is an object: an array, a string, a number, `true`, `false` or `null` is not. */
function jsonObject(body: unknown): object {
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body;
  throw validationError([{ path: 'body', message: 'must be a JSON object' }]);
}

/** The route's path parameters, query, headers and body, parsed by its schemas into the route state. */
export const validation = ({ params, query, headers, body }: RouteDeclaration): RouteMiddleware => ({
  before: function validateInput(request) {
    const { event, context } = request;
    if (params) context.route.params = parsePath(params, event.pathParameters ?? {});
    if (query) context.route.query = parseInput(query, singleValuedQuery(event), 'query');
    if (headers) context.route.headers = parseInput(headers, { ...event.headers }, 'headers');
    if (body) context.route.body = parseInput(body, jsonObject(event.body as unknown), 'body');
  },
});
