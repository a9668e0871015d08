import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context, ScheduledEvent } from 'aws-lambda';
import { pathsOf } from '#lib/http/declaration.ts';
import { DECLARATIONS } from '../../scripts/routes.ts';
import { checkContract, templateOf } from './contract.ts';

/** Realistic API Gateway REST (v1) proxy events and Lambda contexts for handler tests. */

export interface EventOptions {
  method?: string;
  /** The resource template, e.g. /api/v1/tasks/{id}. */
  resource?: string;
  /** The concrete path; defaults to the resource. */
  path?: string;
  headers?: Record<string, string>;
  /**
   * Headers sent more than once, as API Gateway passes them: every value in `multiValueHeaders`,
   * the last one in `headers`. Replaces a same-named entry of `headers`.
   */
  multiValueHeaders?: Record<string, string[]>;
  query?: Record<string, string | string[]>;
  pathParameters?: Record<string, string>;
  /** An object is sent as JSON with a JSON content type; a string is sent as is. */
  body?: unknown;
  sourceIp?: string;
  /**
   * `false` skips the contract check, for the ad-hoc routes a pipeline test builds itself:
   * the document describes only the real functions.
   */
  contract?: false;
}

export function apiEvent(options: EventOptions = {}): APIGatewayProxyEvent {
  const method = options.method ?? 'GET';
  const resource = options.resource ?? '/api/v1/health';
  const path = options.path ?? resource;
  const headers: Record<string, string> = {
    Host: 'abc123.execute-api.eu-west-1.amazonaws.com',
    'User-Agent': 'vitest',
    'X-Forwarded-For': options.sourceIp ?? '203.0.113.10',
    ...options.headers,
  };
  let body: string | null = null;
  if (typeof options.body === 'string') body = options.body;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['Content-Type'] ??= 'application/json';
  }
  const multiValueHeaders: Record<string, string[]> = Object.fromEntries(
    Object.entries(headers).map(([key, value]) => [key, [value]]),
  );
  for (const [key, values] of Object.entries(options.multiValueHeaders ?? {})) {
    multiValueHeaders[key] = values;
    const last = values.at(-1);
    if (last === undefined) delete headers[key];
    else headers[key] = last;
  }
  const multiValueQuery = options.query
    ? Object.fromEntries(Object.entries(options.query).map(([key, value]) => [key, [value].flat()]))
    : null;
  const singleQuery = multiValueQuery
    ? Object.fromEntries(Object.entries(multiValueQuery).map(([key, values]) => [key, values.at(-1) ?? '']))
    : null;
  return {
    resource,
    path,
    httpMethod: method,
    headers,
    multiValueHeaders,
    queryStringParameters: singleQuery,
    multiValueQueryStringParameters: multiValueQuery,
    pathParameters: options.pathParameters ?? null,
    stageVariables: null,
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: options.sourceIp ?? '203.0.113.10',
        user: null,
        userAgent: 'vitest',
        userArn: null,
      },
      path: `/test${path}`,
      stage: 'test',
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'abc',
      resourcePath: resource,
    },
  };
}

/** The EventBridge event a scheduled function (`cleanup`, `mail-sender`) gets from its rule. */
export function scheduledEvent(rule: string): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '123456789012',
    time: new Date().toISOString(),
    region: 'eu-west-1',
    resources: [`arn:aws:events:eu-west-1:123456789012:rule/${rule}`],
    detail: {},
  };
}

export function lambdaContext(timeoutMs = 10_000): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'taskapi-test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:taskapi-test',
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: '/aws/lambda/taskapi-test',
    logStreamName: 'test',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

export interface Reply {
  status: number;
  headers: Record<string, string>;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies
  body: any;
  raw: string;
}

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** A method on a path template, as a declaration serves it. */
interface DeclaredRoute {
  method: string;
  path: string;
}

let routesByHandler: Map<unknown, DeclaredRoute[]> | undefined;

/**
 * The routes a handler serves, found by importing the function of every declaration once
 * (lazily, so a test can set up its environment before any function loads).
 */
async function routesOf(handler: Handler): Promise<DeclaredRoute[]> {
  if (!routesByHandler) {
    const map = new Map<unknown, DeclaredRoute[]>();
    for (const declaration of DECLARATIONS) {
      const module = (await import(`../../functions/${declaration.function}.ts`)) as { handler: unknown };
      map.set(module.handler, pathsOf(declaration));
    }
    routesByHandler = map;
  }
  return routesByHandler.get(handler) ?? [];
}

/** What an invocation exercises: a method on a path template, and the concrete path. */
interface Target {
  method: string;
  resource: string;
  path: string;
}

/** A lone surrogate cannot be percent-encoded; the event then carries it as it is. */
const encode = (value: string) => {
  try {
    return encodeURIComponent(value);
  } catch {
    return value;
  }
};

const fill = (template: string, parameters: Record<string, string> = {}) =>
  template.replace(/\{([^}]+)\}/g, (_, name: string) => encode(parameters[name] ?? `{${name}}`));

/**
 * The route an invocation exercises: one of the handler's own (its first unless method or
 * resource pick another). The event then carries that route's method and resource, as API
 * Gateway's would. A handler the table does not know (a second module instance, the preflight,
 * the catch-all 404) is checked by the resource it is given, as the local server's answers are.
 */
async function targetFor(handler: Handler, options: EventOptions): Promise<Target> {
  const own = await routesOf(handler);
  if (own.length === 0) {
    if (!options.resource) {
      throw new Error(
        'invoke(): not the function of a route declaration (lib/http/routes/): pass its resource (a second module instance, ' +
          'the preflight, the catch-all), or { contract: false } for an ad-hoc route',
      );
    }
    const path = options.path ?? fill(options.resource, options.pathParameters);
    return { method: options.method ?? 'GET', resource: options.resource, path };
  }
  const route = own.find(
    (each) =>
      (options.resource === undefined || each.path === options.resource) &&
      (options.method === undefined || each.method === options.method.toUpperCase()),
  );
  if (!route) {
    const routes = own.map((each) => `${each.method} ${each.path}`).join(', ');
    throw new Error(
      `invoke(): ${options.method ?? ''} ${options.resource ?? ''} is none of this handler's routes (${routes})`,
    );
  }
  return { method: route.method, resource: route.path, path: options.path ?? fill(route.path, options.pathParameters) };
}

/**
 * Invokes a handler as Lambda would and returns the response with headers lower-cased. The
 * response must match openapi.json for the handler's route, or the call throws.
 */
export async function invoke(handler: Handler, options: EventOptions = {}): Promise<Reply> {
  const target = options.contract === false ? undefined : await targetFor(handler, options);
  return send(handler, apiEvent({ ...options, ...target }), target);
}

/**
 * Invokes a handler with an event built (or altered) by the caller. The answer is held to the
 * document for the handler's route with the event's resource (whatever method the event
 * claims), or for the event's own method and resource when the table does not know the handler.
 */
export async function invokeEvent(
  handler: Handler,
  event: APIGatewayProxyEvent,
  options: { contract?: false } = {},
): Promise<Reply> {
  if (options.contract === false) return send(handler, event, undefined);
  const own = await routesOf(handler);
  const route = own.find((each) => each.path === event.resource) ?? (own.length === 1 ? own[0] : undefined);
  const target = route
    ? { method: route.method, resource: route.path, path: event.path ?? route.path }
    : { method: event.httpMethod, resource: event.resource, path: event.path };
  return send(handler, event, target);
}

async function send(handler: Handler, event: APIGatewayProxyEvent, target: Target | undefined): Promise<Reply> {
  const result = await handler(event, lambdaContext());
  const headers = Object.fromEntries(
    Object.entries(result.headers ?? {}).map(([key, value]) => [key.toLowerCase(), String(value)]),
  );
  const raw = result.body ?? '';
  if (target) {
    // A resource the document does not describe (the catch-all's) is matched by path instead.
    const documented = templateOf(target.resource) === target.resource;
    checkContract(
      { method: target.method, path: target.path, ...(documented ? { template: target.resource } : {}) },
      { status: result.statusCode, headers, raw },
    );
  }
  const json = raw !== '' && /^application\/json\b/.test(headers['content-type'] ?? '');
  return { status: result.statusCode, headers, body: json ? JSON.parse(raw) : undefined, raw };
}
