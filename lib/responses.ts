import type { APIGatewayProxyResult } from 'aws-lambda';
import type { Pagination } from './validation.ts';

/** Success envelopes of the contract. Handlers return these; they never build responses by hand. */

const JSON_HEADERS = { 'Content-Type': 'application/json; charset=utf-8' };

const timestamp = () => new Date().toISOString();

export function ok(data: unknown, statusCode = 200): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { ...JSON_HEADERS },
    body: JSON.stringify({ data, meta: { timestamp: timestamp() } }),
  };
}

export function created(data: unknown, location: string): APIGatewayProxyResult {
  const response = ok(data, 201);
  return { ...response, headers: { ...response.headers, Location: location } };
}

export function paginated(items: unknown[], total: number, { page, pageSize }: Pagination): APIGatewayProxyResult {
  return {
    statusCode: 200,
    headers: { ...JSON_HEADERS },
    body: JSON.stringify({
      data: items,
      meta: { total, page, pageSize, totalPages: Math.ceil(total / pageSize), timestamp: timestamp() },
    }),
  };
}

/** A body served as it is, outside the envelope: the OpenAPI document, the docs page. */
export function document(body: string, contentType: string): APIGatewayProxyResult {
  return { statusCode: 200, headers: { 'Content-Type': contentType }, body };
}

export function noContent(): APIGatewayProxyResult {
  return { statusCode: 204, headers: {}, body: '' };
}
