import type { APIGatewayProxyResult } from 'aws-lambda';
import type { Pagination } from '#lib/core/schema.ts';

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

export const ok = <T>(data: T, headers: Record<string, string> = {}) =>
  json(200, { data, meta: { timestamp: timestamp() } }, headers);

export const created = <T>(data: T, location: string, headers: Record<string, string> = {}) =>
  json(201, { data, meta: { timestamp: timestamp() } }, { Location: location, ...headers });

/** 304 to a conditional GET: no body, only the validator the client already holds. */
export function notModified(etag: string): Reply<never> {
  return { statusCode: 304, headers: { ETag: etag }, body: '' };
}

/**
 * A stored answer replayed as it was first sent (same status, body and Location), marked as a
 * replay: the body's type is the route's because it was the route's own answer.
 */
export function replayed<Body>(statusCode: number, body: string, headers: Record<string, string>): Reply<Body> {
  return { statusCode, headers: { ...JSON_HEADERS, ...headers, 'Idempotent-Replayed': 'true' }, body };
}

/** A keyset page: `nextCursor` continues it, null on the last page. */
export const cursorPage = <T>(items: T[], limit: number, nextCursor: string | null) =>
  json(200, { data: items, meta: { limit, nextCursor, timestamp: timestamp() } });

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
