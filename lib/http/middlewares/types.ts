import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { AuthContext } from '#lib/auth/authenticate.ts';
import type { RateLimitMeter } from '#lib/infra/rate-limit.ts';

/** What the pipeline learns about one request, kept on its Lambda context for the handler. */
export interface RouteState {
  /** The limits this request met; a handler counting further limits records them here for the headers. */
  meter: RateLimitMeter;
  /** The caller the session check admitted, on routes that need one (lib/http/speculative.ts sets it late). */
  auth?: AuthContext;
  /** Set by the validation step: the parsed path parameters, query, headers and body. */
  params?: unknown;
  query?: unknown;
  headers?: unknown;
  body?: unknown;
}

export type RouteContext = Context & { route: RouteState };

/** Per-request values of the pipeline's own steps. */
export type RouteInternal = {
  startedAt: number;
  [key: string]: unknown;
};

export type RouteRequest = Request<APIGatewayProxyEvent, APIGatewayProxyResult, Error, RouteContext, RouteInternal>;

export type RouteMiddleware = MiddlewareObj<
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  Error,
  RouteContext,
  RouteInternal
>;

/** API Gateway's view of the client address; X-Forwarded-For is set by the client and never trusted. */
export const clientIp = (event: APIGatewayProxyEvent) => event.requestContext?.identity?.sourceIp ?? 'unknown';
