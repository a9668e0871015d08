import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { AuthContext } from '#lib/auth/authenticate.ts';
import type { RateLimitMeter } from '#lib/infra/rate-limit.ts';

/** What the pipeline learns about one request, kept on its Lambda context for the handler. */
export interface RouteState {
  /** The limits this request met; a handler counting further limits records them here for the headers. */
  meter: RateLimitMeter;
  /**
   * Set by the authentication step on routes that need a caller: on a speculative route, the
   * caller the token names until `admitted` settles, then the one the session check admitted.
   */
  auth?: AuthContext;
  /** A speculative route's session check, while it is out (lib/http/middlewares/authentication.ts). */
  admitted?: Promise<AuthContext> | undefined;
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
