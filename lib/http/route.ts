import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import httpEventNormalizer from '@middy/http-event-normalizer';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type * as v from 'valibot';
import type { AuthContext } from '#lib/auth/authenticate.ts';
import { type AnySchema, allowsUnverified, type PipelineRoute, type RouteDeclaration } from '#lib/http/declaration.ts';
import { authentication } from '#lib/http/middlewares/authentication.ts';
import { bodyGuard } from '#lib/http/middlewares/body-guard.ts';
import { configuration } from '#lib/http/middlewares/configuration.ts';
import { corsHeaders, corsPreflight } from '#lib/http/middlewares/cors.ts';
import { errorEnvelope } from '#lib/http/middlewares/error-envelope.ts';
import { headersPresent } from '#lib/http/middlewares/event-defaults.ts';
import { ipRateLimit } from '#lib/http/middlewares/rate-limits.ts';
import { requestLog } from '#lib/http/middlewares/request-log.ts';
import { responseHeaders } from '#lib/http/middlewares/response-headers.ts';
import { securityHeaders } from '#lib/http/middlewares/security-headers.ts';
import type { RouteContext, RouteInternal, RouteMiddleware } from '#lib/http/middlewares/types.ts';
import { clientIp } from '#lib/http/middlewares/types.ts';
import { validation } from '#lib/http/middlewares/validation.ts';
import type { Reply } from '#lib/http/responses.ts';
import { answerSpeculatively } from '#lib/http/speculative.ts';
import { log } from '#lib/infra/log.ts';
import { RateLimitMeter } from '#lib/infra/rate-limit.ts';

type Out<S> = S extends AnySchema ? v.InferOutput<S> : undefined;

/** The body type a route's success schema allows; `null` for 204, text for a raw document. */
type SuccessBody<D extends RouteDeclaration> = D['success'] extends { schema: infer S extends AnySchema }
  ? v.InferOutput<S>
  : D['success'] extends { media: object }
    ? string
    : null;

/** What a handler is given: the caller and its input, already checked against the declaration. */
export interface HandlerRequest<D extends RouteDeclaration | PipelineRoute> {
  auth: D['auth'] extends 'none' ? undefined : AuthContext;
  body: D extends RouteDeclaration ? Out<D['body']> : undefined;
  query: D extends RouteDeclaration ? Out<D['query']> : undefined;
  params: D extends RouteDeclaration ? Out<D['params']> : undefined;
  headers: D extends RouteDeclaration ? Out<D['headers']> : undefined;
  event: APIGatewayProxyEvent;
  context: Context;
  /** API Gateway's view of the client address; X-Forwarded-For is never trusted. */
  ip: string;
  userAgent: string | undefined;
  /** The limits this request met; a handler counting further limits records them here for the headers. */
  rateLimit: RateLimitMeter;
}

export type RouteReply<D extends RouteDeclaration | PipelineRoute> = D extends RouteDeclaration
  ? Reply<SuccessBody<D>>
  : APIGatewayProxyResult;

export type RouteHandler<D extends RouteDeclaration | PipelineRoute> = (
  request: HandlerRequest<D>,
) => Promise<RouteReply<D>> | RouteReply<D>;

/** A route's Lambda handler, as the runtime (and the tests) call it. */
export type LambdaHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** Gives each request a fresh state before any step reads it. */
const routeState = (): RouteMiddleware => ({
  before: function startRouteState(request) {
    request.context.route = { meter: new RateLimitMeter() };
  },
});

/**
 * The one HTTP pipeline: the steps every route runs, in the order they run. On the way out
 * (after the handler, or on an error) the same list runs bottom to top, so the outer steps
 * (log line, headers, CORS) see the final answer, errors included.
 */
export function route<const D extends RouteDeclaration | PipelineRoute>(
  declaration: D,
  handler: RouteHandler<D>,
): LambdaHandler {
  const declared = declaration as Partial<RouteDeclaration> & { auth: RouteDeclaration['auth'] };
  const rule = declared.rateLimit ?? 'api';
  // The API rule on an authenticated route needs to know the user: it counts after the bearer check.
  const perUser = rule === 'api' && declared.auth !== 'none';
  const speculative = declared.speculative === true;
  if (speculative && (declared.method !== 'GET' || declared.auth === 'none')) {
    throw new Error(`${declared.function}: only a bearer GET can be speculative`);
  }
  const steps: RouteMiddleware[] = [
    injectLambdaContext(log) as RouteMiddleware,
    routeState(),
    requestLog(),
    responseHeaders(declared.cacheControl),
    securityHeaders(declared.contentSecurityPolicy),
    corsHeaders(),
    httpErrorHandler({ logger: false }) as RouteMiddleware,
    errorEnvelope(),
    configuration() as RouteMiddleware,
    corsPreflight(),
    httpEventNormalizer() as RouteMiddleware,
    headersPresent(),
    httpHeaderNormalizer() as RouteMiddleware,
    ...(rule !== 'none' && !perUser ? [ipRateLimit(rule)] : []),
    ...(declared.body
      ? [
          bodyGuard(declared.bodyOptional ?? false),
          httpJsonBodyParser({ disableContentTypeCheck: true }) as RouteMiddleware,
        ]
      : []),
    ...(declared.auth !== 'none'
      ? [
          authentication({
            level: declared.auth,
            countApi: perUser,
            verifiedOnly: declared.path !== undefined && !allowsUnverified({ path: declared.path }),
            speculative,
          }),
        ]
      : []),
    validation(declared as RouteDeclaration),
  ];
  const pipeline = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, RouteContext, RouteInternal>()
    .use(steps)
    .handler(function handleRoute(event, context) {
      const { route: state } = context;
      const run = (auth: AuthContext | undefined) =>
        handler({
          auth: auth as HandlerRequest<D>['auth'],
          body: state.body as HandlerRequest<D>['body'],
          query: state.query as HandlerRequest<D>['query'],
          params: state.params as HandlerRequest<D>['params'],
          headers: state.headers as HandlerRequest<D>['headers'],
          event,
          context,
          ip: clientIp(event),
          userAgent: event.headers['user-agent'],
          rateLimit: state.meter,
        });
      return speculative ? answerSpeculatively(state, run) : run(state.auth);
    });
  // Lambda calls it with its own context; the first step adds the route state to it.
  return pipeline as unknown as LambdaHandler;
}
