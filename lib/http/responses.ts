import type { APIGatewayProxyResult } from 'aws-lambda';
import type { Pagination } from '#lib/http/validation.ts';

/**
 * Success answers of the contract. Handlers return these and never build responses by hand;
 * each carries the type of its body, which `route()` holds to the route's success schema at
 * compile time.
 */

declare const bodyType: unique symbol;

/** A Lambda proxy result whose body is the JSON of a `Body` (a phantom type: nothing at run time). */
export type Reply<Body> = APIGatewayProxyResult & { readonly [bodyType]?: Body };

const JSON_HEADERS = { 'Content-Type': 'application/json; charset=utf-8' };

const timestamp = () => new Date().toISOString();

function json<Body>(statusCode: number, body: Body, headers: Record<string, string> = {}): Reply<Body> {
  return { statusCode, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

export const ok = <T>(data: T) => json(200, { data, meta: { timestamp: timestamp() } });

export const created = <T>(data: T, location: string) =>
  json(201, { data, meta: { timestamp: timestamp() } }, { Location: location });

export const paginated = <T>(items: T[], total: number, { page, pageSize }: Pagination) =>
  json(200, {
    data: items,
    meta: { total, page, pageSize, totalPages: Math.ceil(total / pageSize), timestamp: timestamp() },
  });

/** A body served as it is, outside the envelope: the OpenAPI document, the docs page. */
export function document(body: string, contentType: string): Reply<string> {
  return { statusCode: 200, headers: { 'Content-Type': contentType }, body };
}

/** 202 with an empty body: the request is taken; what it causes (an email) happens later. */
export function accepted(): Reply<null> {
  return { statusCode: 202, headers: {}, body: '' };
}

export function noContent(): Reply<null> {
  return { statusCode: 204, headers: {}, body: '' };
}
