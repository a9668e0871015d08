import middy, { type MiddlewareObj, type Request } from '@middy/core';
import httpCors from '@middy/http-cors';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type * as v from 'valibot';
import { type AuthContext, type AuthLevel, authenticate } from './auth.ts';
import { config } from './config.ts';
import { AppError, isDatabaseUnavailable, serviceUnavailable } from './errors.ts';
import { MAX_BODY_BYTES } from './limits.ts';
import { log } from './log.ts';
import { ipSubject, RateLimitMeter, type RuleName, userSubject } from './rate-limit.ts';
import type { ErrorEnvelope } from './schemas/envelopes.ts';
import { type AnySchema, parseInput, parsePath } from './validation.ts';

/**
 * The one HTTP pipeline every route uses. A route declares what it needs (auth, rate-limit
 * rule, body, query and path schemas); the pipeline counts and validates the request, and
 * turns whatever the handler returns or throws into the contract's envelope with the
 * contract's headers.
 */

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
  // Responses carry per-user data and tokens: no shared or browser cache may keep them.
  'Cache-Control': 'no-store',
};

type HttpRequest = Request<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>;
type Out<S> = S extends AnySchema ? v.InferOutput<S> : undefined;

/** The rules a route can declare; login failures are counted by the login itself. */
export type RouteRateLimit = Exclude<RuleName, 'loginFailures'> | 'none';

export interface RouteOptions<A extends AuthLevel, B, Q, P> {
  /** none: public; user: a live session's bearer token; admin: and the ADMIN role. */
  auth: A;
  /** Schema of the JSON body; the route then requires `Content-Type: application/json`. */
  body?: B;
  /** With a body schema: an absent body is validated as `{}` instead of rejected. */
  bodyOptional?: boolean;
  query?: Q;
  path?: P;
  /**
   * The rate-limit rule counting this route's requests; `api` when omitted, so a new route is
   * limited unless it opts out. `api` counts per user on authenticated routes (after the bearer
   * check) and per client IP otherwise; the others count per client IP before anything else.
   */
  rateLimit?: RouteRateLimit;
  /**
   * Replaces the default `default-src 'none'` policy, for the one route that serves a page
   * (GET /docs); an API response never needs more.
   */
  contentSecurityPolicy?: string;
}

export interface RouteRequest<A extends AuthLevel, B, Q, P> {
  auth: A extends 'none' ? undefined : AuthContext;
  body: B;
  query: Q;
  path: P;
  event: APIGatewayProxyEvent;
  context: Context;
  requestId: string;
  /** API Gateway's view of the client address; X-Forwarded-For is never trusted. */
  ip: string;
  userAgent: string | undefined;
  /** The limits this request met; a handler counting further limits records them here for the headers. */
  rateLimit: RateLimitMeter;
}

export type RouteHandler<A extends AuthLevel, B, Q, P> = (
  request: RouteRequest<A, B, Q, P>,
) => Promise<APIGatewayProxyResult> | APIGatewayProxyResult;

const JSON_CONTENT_TYPE = /^application\/json\s*(;|$)/i;

function errorResponse(error: AppError, requestId: string): APIGatewayProxyResult {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json; charset=utf-8',
    ...error.headers,
  };
  if (error.statusCode === 401) headers['WWW-Authenticate'] = 'Bearer';
  const body: ErrorEnvelope = {
    error: {
      code: error.code,
      message: error.expose ? error.message : 'An unexpected error occurred',
      ...(error.details ? { details: error.details } : {}),
      requestId,
    },
  };
  return { statusCode: error.statusCode, headers, body: JSON.stringify(body) };
}

/** Maps what Middy's own middlewares throw (plain http errors) onto the contract's codes. */
function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  if (status === 415) return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json');
  if (status === 422 || status === 400) {
    return new AppError('VALIDATION_ERROR', 'The request body is not valid JSON', {
      details: [{ path: 'body', message: (error as Error).message }],
    });
  }
  if (isDatabaseUnavailable(error)) return serviceUnavailable(error);
  return new AppError('INTERNAL_ERROR', 'Unexpected error', { cause: error });
}

/** Error facts safe for logs: never a query's parameters (they hold hashes and emails). */
function describeError(error: unknown): Record<string, unknown> {
  const chain: Record<string, unknown>[] = [];
  for (let current = error, depth = 0; current instanceof Error && depth < 4; depth++) {
    const hasParams = 'params' in current;
    chain.push({
      name: current.name,
      code: (current as { code?: unknown }).code,
      message: hasParams ? 'query failed (parameters withheld)' : current.message,
      stack: current.stack
        ?.split('\n')
        .filter((line) => line.trimStart().startsWith('at '))
        .join('\n'),
    });
    current = current.cause;
  }
  return { error: chain };
}

/** API Gateway's view of the client address; X-Forwarded-For is set by the client and never trusted. */
const clientIp = (event: APIGatewayProxyEvent) => event.requestContext?.identity?.sourceIp ?? 'unknown';

/** Each request's rate-limit meter, shared by the steps that count and the step that writes headers. */
const meters = new WeakMap<object, RateLimitMeter>();

function meterOf(event: APIGatewayProxyEvent): RateLimitMeter {
  let meter = meters.get(event);
  if (!meter) {
    meter = new RateLimitMeter();
    meters.set(event, meter);
  }
  return meter;
}

/** Outermost step: timing, request id, security and rate-limit headers, the one log line per request. */
function responseFinaliser(contentSecurityPolicy?: string): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  const startTimes = new WeakMap<object, number>();
  const securityHeaders = contentSecurityPolicy
    ? { ...SECURITY_HEADERS, 'Content-Security-Policy': contentSecurityPolicy }
    : SECURITY_HEADERS;
  const finalise = (request: HttpRequest) => {
    const requestId = request.context.awsRequestId;
    const response = request.response ?? errorResponse(toAppError(request.error), requestId);
    response.headers = {
      ...response.headers,
      // On every answer of a limited route, errors and 429s included.
      ...meterOf(request.event).headers(response.statusCode),
      ...securityHeaders,
      'X-Request-Id': requestId,
    };
    // Responses differ by Origin whenever an allowlist exists, allowed origin or not.
    if (config.CORS_ORIGINS.length > 0 && !response.headers.Vary) response.headers.Vary = 'Origin';
    request.response = response;
    const started = startTimes.get(request.event) ?? performance.now();
    log.info('request', {
      route: `${request.event.httpMethod} ${request.event.requestContext?.resourcePath ?? request.event.path}`,
      status: response.statusCode,
      latencyMs: Math.round((performance.now() - started) * 100) / 100,
      requestId,
    });
  };
  return {
    before: function recordStart(request) {
      startTimes.set(request.event, performance.now());
    },
    after: finalise,
    onError: finalise,
  };
}

/** Turns any thrown error into the contract's error envelope; unknown errors are logged in full. */
function errorEnvelope(): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    onError: function renderError(request) {
      const error = toAppError(request.error);
      const requestId = request.context.awsRequestId;
      if (error.statusCode >= 500) {
        log.error(error.code === 'INTERNAL_ERROR' ? 'unhandled error' : 'service unavailable', {
          requestId,
          ...describeError(request.error),
        });
      }
      request.response = errorResponse(error, requestId);
    },
  };
}

/**
 * API Gateway sends `null`, not `{}`, for a request without headers (a console test event, a
 * direct invoke): every later step may then read headers without guarding.
 */
function headersPresent(): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    before: function defaultHeaders(request) {
      request.event.headers ??= {};
      request.event.multiValueHeaders ??= {};
    },
  };
}

/** Counts a per-IP rule before the body is even looked at, so malformed floods count too. */
function ipRateLimit(rule: RuleName): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    before: async function limitByIp(request) {
      await meterOf(request.event).enforce(rule, ipSubject(clientIp(request.event)));
    },
  };
}

/** Size and media-type checks that must happen before any JSON parsing. */
function bodyGuard(optional: boolean): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    before: function guardBody(request) {
      const { event } = request;
      const raw = event.body ?? '';
      const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64').length : Buffer.byteLength(raw);
      if (bytes > MAX_BODY_BYTES) {
        throw new AppError('PAYLOAD_TOO_LARGE', `The request body must be at most ${MAX_BODY_BYTES} bytes`);
      }
      if (bytes === 0) {
        if (!optional) {
          throw new AppError('VALIDATION_ERROR', 'A JSON request body is required', {
            details: [{ path: 'body', message: 'is required' }],
          });
        }
        event.body = '{}';
        event.isBase64Encoded = false;
        return;
      }
      // Content-Type is a singleton field: with two, API Gateway's `headers` shows only the last,
      // and a body the client labelled two ways is not known to be JSON.
      if ((event.multiValueHeaders?.['content-type']?.length ?? 0) > 1) {
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send exactly one Content-Type header, application/json');
      }
      if (!JSON_CONTENT_TYPE.test(event.headers['content-type'] ?? '')) {
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json');
      }
    },
  };
}

/** Query parameters as single strings; a parameter given twice is ambiguous and rejected. */
function singleValuedQuery(event: APIGatewayProxyEvent): Record<string, string> {
  const query: Record<string, string> = { ...(event.queryStringParameters ?? {}) } as Record<string, string>;
  for (const [key, values] of Object.entries(event.multiValueQueryStringParameters ?? {})) {
    if (values && values.length > 1) {
      throw new AppError('VALIDATION_ERROR', 'The request is not valid', {
        details: [{ path: key, message: 'must be given at most once' }],
      });
    }
  }
  return query;
}

const corsOptions = {
  origins: config.CORS_ORIGINS,
  methods: 'GET,POST,PATCH,DELETE,OPTIONS',
  headers: 'Authorization,Content-Type,X-Api-Key',
  exposeHeaders: 'Location,Retry-After,RateLimit-Limit,RateLimit-Remaining,RateLimit-Reset,X-Request-Id',
  maxAge: 600,
};

/** What each handler was declared with, so tests can hold the OpenAPI route table to it. */
const declarations = new WeakMap<object, RouteOptions<AuthLevel, unknown, unknown, unknown>>();

export function declaredOptions(handler: object): RouteOptions<AuthLevel, unknown, unknown, unknown> | undefined {
  return declarations.get(handler);
}

/** Wraps a route's handler in the shared pipeline. */
export function route<
  A extends AuthLevel,
  B extends AnySchema | undefined = undefined,
  Q extends AnySchema | undefined = undefined,
  P extends AnySchema | undefined = undefined,
>(options: RouteOptions<A, B, Q, P>, handler: RouteHandler<A, Out<B>, Out<Q>, Out<P>>) {
  const pipeline = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>()
    .use(responseFinaliser(options.contentSecurityPolicy))
    .use(httpCors(corsOptions))
    .use(errorEnvelope())
    .use(headersPresent())
    .use(httpHeaderNormalizer());
  const rule = options.rateLimit ?? 'api';
  // The API rule on an authenticated route needs to know the user: it counts after the bearer check.
  const perUser = rule === 'api' && options.auth !== 'none';
  if (rule !== 'none' && !perUser) pipeline.use(ipRateLimit(rule));
  if (options.body) {
    pipeline.use(bodyGuard(options.bodyOptional ?? false)).use(httpJsonBodyParser({ disableContentTypeCheck: true }));
  }
  const wrapped = pipeline.handler(async function handleRoute(event, context) {
    const meter = meterOf(event);
    // Authentication before path, query and body validation: an anonymous caller learns
    // nothing about ids or fields. (Size, media type and JSON syntax are checked earlier, by
    // the body middlewares, so those answer 413/415/400 before a 401.)
    let auth: AuthContext | undefined;
    if (options.auth !== 'none') {
      try {
        auth = await authenticate(event, options.auth);
      } catch (error) {
        // Without a valid token the caller is anonymous and counted by IP, so guessing tokens is limited too.
        if (perUser && error instanceof AppError && error.statusCode === 401) {
          await meter.enforce('api', ipSubject(clientIp(event)));
        }
        throw error;
      }
      if (perUser) await meter.enforce('api', userSubject(auth.userId));
    }
    const path = options.path ? parsePath(options.path, event.pathParameters ?? {}) : undefined;
    const query = options.query ? parseInput(options.query, singleValuedQuery(event), 'query') : undefined;
    const body = options.body ? parseInput(options.body, event.body as unknown, 'body') : undefined;
    return handler({
      auth: auth as RouteRequest<A, unknown, unknown, unknown>['auth'],
      body: body as Out<B>,
      query: query as Out<Q>,
      path: path as Out<P>,
      event,
      context,
      requestId: context.awsRequestId,
      ip: clientIp(event),
      userAgent: event.headers['user-agent'],
      rateLimit: meter,
    });
  });
  declarations.set(wrapped, options);
  return wrapped;
}
