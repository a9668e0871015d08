import type { APIGatewayProxyEvent } from 'aws-lambda';
import * as v from 'valibot';
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

/** A route that declares no query parameters: any one given is unknown, as on every other route. */
const NO_QUERY = v.strictObject({});

/**
 * The route's path parameters, query, headers and body, parsed by its schemas into the route
 * state. The pipeline's own answers (preflight, the catch-all 404) declare no method and read no
 * query: a preflight stands for the request it precedes, whose query its own route judges.
 */
export const validation = (declaration: RouteDeclaration): RouteMiddleware => {
  const { params, query, headers, body } = declaration;
  const routed = 'method' in declaration;
  return {
    before: function validateInput(request) {
      const { event, context } = request;
      if (params) context.route.params = parsePath(params, event.pathParameters ?? {});
      if (query) context.route.query = parseInput(query, singleValuedQuery(event), 'query');
      else if (routed) parseInput(NO_QUERY, singleValuedQuery(event), 'query');
      if (headers) context.route.headers = parseInput(headers, { ...event.headers }, 'headers');
      if (body) context.route.body = parseInput(body, jsonObject(event.body as unknown), 'body');
    },
  };
};
