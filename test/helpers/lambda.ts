import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';

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

/** Invokes a handler as Lambda would and returns the response with headers lower-cased. */
export function invoke(handler: Handler, options: EventOptions = {}): Promise<Reply> {
  return invokeEvent(handler, apiEvent(options));
}

/** Invokes a handler with an event built (or altered) by the caller. */
export async function invokeEvent(handler: Handler, event: APIGatewayProxyEvent): Promise<Reply> {
  const result = await handler(event, lambdaContext());
  const headers = Object.fromEntries(
    Object.entries(result.headers ?? {}).map(([key, value]) => [key.toLowerCase(), String(value)]),
  );
  const raw = result.body ?? '';
  return { status: result.statusCode, headers, body: raw ? JSON.parse(raw) : undefined, raw };
}
