import { type ConversionConfig, type JsonSchema, toJsonSchema, toJsonSchemaDefs } from '@valibot/to-json-schema';
import type * as v from 'valibot';
import { Refreshed, Session, Tokens } from '#lib/auth/schemas.ts';
import type { ErrorCode } from '#lib/core/errors.ts';
import { Health } from '#lib/health/schemas.ts';
import { type AnySchema, allowsUnverified, pathsOf, type RouteDeclaration } from '#lib/http/declaration.ts';
import { CursorPageMeta, ErrorDetail, ErrorEnvelope, errorEnvelopeFor, Meta, PageMeta } from '#lib/http/envelopes.ts';
import { ERROR_STATUS } from '#lib/http/errors.ts';
import { MAX_BODY_BYTES } from '#lib/http/middlewares/body-guard.ts';
import { RATE_LIMIT_RULES, type RuleName } from '#lib/infra/config.ts';
import { Task, TaskChange, TaskChanges } from '#lib/tasks/schemas.ts';
import { SignedIn, User } from '#lib/users/schemas.ts';
import pkg from '../../package.json' with { type: 'json' };

/**
 * Builds the OpenAPI 3.1 document from the route declarations and the valibot schemas the pipeline
 * validates with. Run by `npm run openapi` (which writes openapi.json) and by the tests that
 * keep the committed file current; never by a Lambda function.
 */

type Json = Record<string, unknown>;

/** Named component schemas; any schema object used inside another becomes a $ref to these. */
const RESOURCES: Record<string, AnySchema> = {
  User,
  Task,
  TaskChange,
  TaskChanges,
  Tokens,
  Session,
  SignedIn,
  Refreshed,
  Health,
  Meta,
  PageMeta,
  CursorPageMeta,
  ErrorDetail,
  Error: ErrorEnvelope,
};

/** One operation of the document: a declaration at one of its paths. */
type Operation = RouteDeclaration & { operationId: string; summary: string };

const requestName = (route: Operation) => `${route.operationId[0]?.toUpperCase()}${route.operationId.slice(1)}Request`;

/**
 * The document describes what a client sends (input types: the text before trimming, query
 * values as the client serialises them) and what the API answers. Custom checks carry their
 * limits in metadata next to them (lib/http/validation.ts), so they are skipped here.
 */
const CONVERSION: ConversionConfig = {
  target: 'draft-2020-12',
  typeMode: 'input',
  ignoreActions: ['check', 'trim', 'to_lower_case'],
  overrideAction({ valibotAction }) {
    const metadata = (valibotAction as { type: string; metadata?: { openapi?: JsonSchema } }).metadata;
    if (valibotAction.type === 'metadata' && metadata?.openapi) return { ...metadata.openapi };
    return undefined;
  },
  overrideRef: ({ referenceId }) => `#/components/schemas/${referenceId}`,
};

function jsonSchema(schema: AnySchema): Json {
  const {
    $schema: _,
    $defs: __,
    ...converted
  } = toJsonSchema(schema as v.GenericSchema, {
    ...CONVERSION,
    definitions: RESOURCES as Record<string, v.GenericSchema>,
  });
  return converted;
}

const ref = (kind: 'schemas' | 'headers', name: string) => ({ $ref: `#/components/${kind}/${name}` });

const HEADERS: Record<string, Json> = {
  'X-Request-Id': {
    description: 'The request id; error bodies repeat it as `requestId`. Quote it when reporting a problem.',
    required: true,
    schema: { type: 'string' },
  },
  'RateLimit-Limit': {
    description:
      'Rate-limited routes send the `RateLimit-*` headers on every answer: requests allowed in the current ' +
      'window of the tightest rule that applies.',
    schema: { type: 'integer', minimum: 0 },
  },
  'RateLimit-Remaining': {
    description: 'Requests left in the current window.',
    schema: { type: 'integer', minimum: 0 },
  },
  'RateLimit-Reset': {
    description: 'Seconds until the current window ends.',
    schema: { type: 'integer', minimum: 0 },
  },
  'Retry-After': {
    description: 'Seconds to wait before trying again.',
    required: true,
    schema: { type: 'integer', minimum: 0 },
  },
  Location: {
    description: 'The URL of the created resource, e.g. `/api/v1/tasks/{id}`.',
    required: true,
    schema: { type: 'string' },
  },
  'WWW-Authenticate': { description: 'Always `Bearer`.', required: true, schema: { const: 'Bearer' } },
  ETag: {
    description: 'The task\'s version, quoted (`"3"`): send it as `If-None-Match` or `If-Match`.',
    required: true,
    schema: { type: 'string', pattern: '^"[1-9][0-9]*"$' },
  },
  'Idempotent-Replayed': {
    description: '`true` when this is the stored answer to an earlier request with the same `Idempotency-Key`.',
    schema: { const: 'true' },
  },
};

const RATE_LIMIT_HEADERS = ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'];

/** What each code means: the error catalogue the OpenAPI document's response descriptions carry. */
const CODE_MEANINGS: Record<ErrorCode, string> = {
  VALIDATION_ERROR: 'a field, the JSON or a query parameter is not valid; `details` names each problem',
  AUTHENTICATION_REQUIRED: 'no bearer token',
  INVALID_CREDENTIALS: 'wrong email or password (one answer for both)',
  TOKEN_EXPIRED: 'the token is past its expiry',
  TOKEN_INVALID: 'malformed, tampered, revoked or spent token, ended session or deleted account',
  INSUFFICIENT_PERMISSIONS: 'the role cannot do this',
  INVALID_ONE_TIME_TOKEN: "the email link's token is unknown, already used, expired or of another kind",
  EMAIL_NOT_VERIFIED: 'email verification is required and the caller has not confirmed the address yet',
  RESOURCE_NOT_FOUND: 'no such entity, or not visible to the caller (also for an id that is not a UUID)',
  ROUTE_NOT_FOUND: 'no such route',
  EMAIL_ALREADY_EXISTS: 'the email is taken (case-insensitive)',
  LAST_ADMIN: 'the change would leave no administrator',
  TASK_LIMIT_REACHED: 'the caller already owns `MAX_TASKS_PER_USER` tasks',
  IDEMPOTENCY_KEY_IN_USE: 'a request with this `Idempotency-Key` is still being processed; retry shortly',
  SYNC_CURSOR_EXPIRED:
    'the `since` cursor is older than the tombstone horizon (`TOMBSTONE_TTL`); sync again from scratch',
  PRECONDITION_FAILED: '`If-Match` does not match the current `ETag`: the task changed since you read it',
  IDEMPOTENCY_KEY_REUSED: 'this `Idempotency-Key` was used with a different request',
  PAYLOAD_TOO_LARGE: `the body is over ${MAX_BODY_BYTES / 1024} KiB`,
  UNSUPPORTED_MEDIA_TYPE: 'a body without `Content-Type: application/json`',
  RATE_LIMIT_EXCEEDED: 'a rate limit was hit; wait `Retry-After` seconds',
  INTERNAL_ERROR: 'an unexpected error (logged with the request id; the message is generic)',
  SERVICE_UNAVAILABLE: 'the database is unreachable or overloaded; retry later',
};

const EXAMPLE_MESSAGES: Record<ErrorCode, string> = {
  VALIDATION_ERROR: 'The request is not valid',
  AUTHENTICATION_REQUIRED: 'A bearer access token is required',
  INVALID_CREDENTIALS: 'Invalid email or password',
  TOKEN_EXPIRED: 'The access token has expired',
  TOKEN_INVALID: 'The session has ended; sign in again',
  INSUFFICIENT_PERMISSIONS: 'This route is for administrators',
  INVALID_ONE_TIME_TOKEN: 'The link is not valid or has expired; ask for a new one',
  EMAIL_NOT_VERIFIED: 'Confirm your email address first; the link is in the email we sent',
  RESOURCE_NOT_FOUND: 'Task not found',
  ROUTE_NOT_FOUND: 'No route for GET /api/v1/nope',
  EMAIL_ALREADY_EXISTS: 'An account with this email already exists',
  LAST_ADMIN: 'This would leave no administrator',
  TASK_LIMIT_REACHED: 'An account can hold at most 10000 tasks; delete some first',
  IDEMPOTENCY_KEY_IN_USE: 'A request with this Idempotency-Key is still being processed',
  SYNC_CURSOR_EXPIRED: 'The sync cursor has expired; sync again from scratch',
  PRECONDITION_FAILED: 'The task has changed since you read it',
  IDEMPOTENCY_KEY_REUSED: 'This Idempotency-Key was used with a different request',
  PAYLOAD_TOO_LARGE: `The request body must be at most ${MAX_BODY_BYTES} bytes`,
  UNSUPPORTED_MEDIA_TYPE: 'Content-Type must be application/json',
  RATE_LIMIT_EXCEEDED: 'Too many requests; retry after the number of seconds in Retry-After',
  INTERNAL_ERROR: 'An unexpected error occurred',
  SERVICE_UNAVAILABLE: 'The service is temporarily unavailable, please retry',
};

const EXAMPLE_REQUEST_ID = 'c6a5e2a0-3b9f-4f5e-9d51-2a8e7f0b1c42';

/** The rate-limit rules that count a route's requests; none for an unlimited route. */
export function rateLimitsOf(route: RouteDeclaration): RuleName[] {
  const rule = route.rateLimit ?? 'api';
  return [...(rule === 'none' ? [] : [rule]), ...(route.handlerRateLimits ?? [])];
}

/** Every error code a route can answer with: its own, and those its declarations imply. */
export function errorCodes(route: RouteDeclaration): ErrorCode[] {
  const request = route;
  const codes = new Set<ErrorCode>(route.errors);
  if (request.auth !== 'none') {
    for (const code of ['AUTHENTICATION_REQUIRED', 'TOKEN_EXPIRED', 'TOKEN_INVALID'] as const) codes.add(code);
  }
  if (request.auth === 'admin') codes.add('INSUFFICIENT_PERMISSIONS');
  if (request.auth !== 'none' && !allowsUnverified(route)) codes.add('EMAIL_NOT_VERIFIED');
  if (request.body) {
    for (const code of ['VALIDATION_ERROR', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'] as const) codes.add(code);
  }
  // Every route: one without query parameters refuses any (400), like an unknown one elsewhere.
  codes.add('VALIDATION_ERROR');
  if (request.params) codes.add('RESOURCE_NOT_FOUND');
  if (rateLimitsOf(route).length > 0) codes.add('RATE_LIMIT_EXCEEDED');
  for (const code of ['INTERNAL_ERROR', 'SERVICE_UNAVAILABLE'] as const) codes.add(code);
  return Object.keys(ERROR_STATUS).filter((code) => codes.has(code as ErrorCode)) as ErrorCode[];
}

function errorExample(code: ErrorCode): Json {
  return {
    error: {
      code,
      message: EXAMPLE_MESSAGES[code],
      ...(code === 'VALIDATION_ERROR' ? { details: [{ path: 'title', message: 'must not be empty' }] } : {}),
      requestId: EXAMPLE_REQUEST_ID,
    },
  };
}

function headers(names: string[], required = false): Json {
  return Object.fromEntries(
    names.map((name) => [name, required ? { ...HEADERS[name], required: true } : ref('headers', name)]),
  );
}

const pascal = (code: string) =>
  code
    .toLowerCase()
    .split('_')
    .map((word) => `${word[0]?.toUpperCase()}${word.slice(1)}`)
    .join('');

/** One shared response per set of codes (named after them), so routes answering alike share it. */
function errorResponse(status: number, codes: [ErrorCode, ...ErrorCode[]]): Json {
  const extra = status === 401 ? ['WWW-Authenticate'] : status === 429 ? ['Retry-After'] : [];
  return {
    description: codes.map((code) => `\`${code}\`: ${CODE_MEANINGS[code]}`).join('; '),
    headers: { ...headers(['X-Request-Id', ...extra]), ...headers(RATE_LIMIT_HEADERS, status === 429) },
    content: {
      'application/json': {
        schema: jsonSchema(errorEnvelopeFor(codes)),
        examples: Object.fromEntries(codes.map((code) => [code, { value: errorExample(code) }])),
      },
    },
  };
}

/** The error responses of one route by status, each a $ref into `responses`, which it fills. */
function errorResponses(route: RouteDeclaration, responses: Record<string, Json>): Json {
  const byStatus = new Map<number, [ErrorCode, ...ErrorCode[]]>();
  for (const code of errorCodes(route)) {
    const status = ERROR_STATUS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code] as [ErrorCode, ...ErrorCode[]]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, codes]) => {
      const name = codes.map(pascal).join('Or');
      responses[name] ??= errorResponse(status, codes);
      return [String(status), { $ref: `#/components/responses/${name}` }];
    }),
  );
}

function successResponse(route: RouteDeclaration): Json {
  const { success } = route;
  const limits = rateLimitsOf(route).length > 0 ? RATE_LIMIT_HEADERS : [];
  const content = success.schema
    ? { 'application/json': { schema: jsonSchema(success.schema) } }
    : success.media
      ? { [success.media.type]: { schema: success.media.schema } }
      : undefined;
  return {
    [String(success.status)]: {
      description: success.description,
      headers: headers([
        'X-Request-Id',
        ...(success.location ? ['Location'] : []),
        ...(success.etag ? ['ETag'] : []),
        ...(success.replayable ? ['Idempotent-Replayed'] : []),
        ...limits,
      ]),
      ...(content ? { content } : {}),
    },
    ...(success.notModified
      ? {
          304: {
            description: '`If-None-Match` holds the current `ETag`: the task is unchanged. No body.',
            headers: headers(['X-Request-Id', 'ETag', ...limits]),
          },
        }
      : {}),
  };
}

/**
 * The server refuses NUL in every client string (lib/http/validation.ts `text`); a check is no
 * JSON Schema, so every request string without a pattern, format or enum of its own gets one
 * that says so, and a generated client or fuzzer knows the rule.
 */
const NO_NUL = '^[^\\u0000]*$';
function withNulRule<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map(withNulRule) as T;
  if (typeof schema !== 'object' || schema === null) return schema;
  const object: Record<string, unknown> = Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [key, withNulRule(value)]),
  );
  const isPlainString = object.type === 'string' && !('pattern' in object || 'format' in object || 'enum' in object);
  return (isPlainString ? { ...object, pattern: NO_NUL } : object) as T;
}

/** OpenAPI names request headers as clients write them (`If-Match`); the schemas use lower case. */
const headerName = (name: string) =>
  name
    .split('-')
    .map((word) => `${word[0]?.toUpperCase()}${word.slice(1)}`)
    .join('-');

/** Query and path schemas become one parameter per property; descriptions move up to the parameter. */
function parameters(schema: AnySchema | undefined, location: 'query' | 'path' | 'header'): Json[] {
  if (!schema) return [];
  const object = jsonSchema(schema) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, { description, ...property }]) => ({
    name: location === 'header' ? headerName(name) : name,
    in: location,
    required: location === 'path' || (object.required ?? []).includes(name),
    ...(location === 'path' ? { description: 'A value that is not a UUID is simply not found (404).' } : {}),
    ...(description ? { description } : {}),
    schema: withNulRule(property),
  }));
}

function rateLimitText(route: RouteDeclaration): string {
  const rules = rateLimitsOf(route).map((rule) => {
    const limit = RATE_LIMIT_RULES[rule];
    return `\`${limit.variable}\` (default \`${limit.fallback}\`, per ${limit.per})`;
  });
  return rules.length > 0 ? `Rate limits: ${rules.join(', ')}.` : 'Not rate-limited.';
}

function operation(route: Operation, responses: Record<string, Json>): Json {
  const request = route;
  const security = route.public ? [] : request.auth === 'none' ? [{ ApiKey: [] }] : [{ ApiKey: [], BearerAuth: [] }];
  const access = request.auth === 'admin' ? 'Admins only. ' : '';
  return {
    operationId: route.operationId,
    tags: [route.tag],
    summary: route.summary,
    description: `${access}${route.description ? `${route.description}\n\n` : ''}${rateLimitText(route)}`,
    security,
    ...(request.params || request.query || request.headers
      ? {
          parameters: [
            ...parameters(request.params, 'path'),
            ...parameters(request.query, 'query'),
            ...parameters(request.headers, 'header'),
          ],
        }
      : {}),
    ...(request.body
      ? {
          requestBody: {
            description: `A JSON object of at most ${MAX_BODY_BYTES} bytes as sent (larger: 413 \`PAYLOAD_TOO_LARGE\`).`,
            required: !request.bodyOptional,
            content: { 'application/json': { schema: ref('schemas', requestName(route)) } },
          },
        }
      : {}),
    responses: { ...successResponse(route), ...errorResponses(route, responses) },
  };
}

const DESCRIPTION = `A task-management API: accounts, JWT access tokens with rotating refresh tokens, per-user tasks and admin powers.

This document is generated from the same valibot schemas the API validates requests with (\`npm run openapi\`), so it cannot drift from the code. A typed TypeScript client is generated from it (\`client/\`).

## Conventions

- JSON in and out. Body routes need \`Content-Type: application/json\` (any charset), else 415; a body over ${MAX_BODY_BYTES / 1024} KiB is a 413.
- Request bodies and query strings are strict: an unknown field or parameter, or one given twice, is a 400 that names it; a route that takes no query parameters answers 400 to any. Strings must not contain NUL characters. Lengths count Unicode code points, so an emoji is one character; fields marked trimmed are trimmed before the length check.
- Success: \`{ "data": ..., "meta": { "timestamp" } }\`; lists add \`total\`, \`page\`, \`pageSize\` and \`totalPages\` to \`meta\`. A page past the end is empty.
- Errors: \`{ "error": { "code", "message", "details"?, "requestId" } }\`; each response below lists the codes a route can answer with. \`requestId\` equals the \`X-Request-Id\` header.
- Deletes and logout answer 204 with an empty body. Timestamps are ISO-8601 UTC; ids are UUIDs, and a path id that is not one is simply not found.
- An unknown path or method answers 404 \`ROUTE_NOT_FOUND\` in the same envelope.
- Every response carries \`X-Request-Id\`, \`Cache-Control: no-store\` and the security headers (\`Content-Security-Policy\`, \`X-Frame-Options: DENY\`, \`X-Content-Type-Options: nosniff\`, \`Referrer-Policy: no-referrer\`, \`Strict-Transport-Security\`).
- CORS: origins on the \`CORS_ORIGINS\` allowlist get \`Access-Control-Allow-Origin\`; \`OPTIONS\` preflight works on every path.

## Authentication

Register or log in for a token pair. Send the access token as \`Authorization: Bearer <accessToken>\`; it lasts \`expiresIn\` seconds (15 minutes by default) and stops working at once on logout. Exchange the refresh token at \`POST /api/v1/auth/refresh\` for a new pair; each refresh token works once. Deployed stages also need the client app's API key in \`X-Api-Key\`.

## Rate limits

Counted in one store every instance shares (PostgreSQL, or Valkey). The auth routes have rules of their own, per client IP (and failed logins per email); every other request counts against \`RATE_LIMIT_API\`, per user (per client IP without a valid token). Health checks, preflights, this reference and the unknown-route 404 are not limited; each operation says which rules apply. Over a limit: 429 \`RATE_LIMIT_EXCEEDED\` with \`Retry-After\`; every answer of a limited route carries \`RateLimit-Limit\`, \`RateLimit-Remaining\` and \`RateLimit-Reset\` while its rule is on. In deployed stages API Gateway's usage plan may also answer 429 (\`{"message":"Too Many Requests"}\`) before the API sees the request, and a missing or wrong API key gets API Gateway's 403 (\`{"message":"Forbidden"}\`).
`;

const TAGS: { name: RouteDeclaration['tag']; description: string }[] = [
  { name: 'Auth', description: 'Accounts, sessions and tokens.' },
  {
    name: 'Account',
    description:
      'Email links: verification, password reset and email change. The app reads the token from the link\u2019s fragment (`#token=\u2026`) and posts it here.',
  },
  { name: 'Users', description: 'Your profile; user management for admins.' },
  { name: 'Tasks', description: 'Your tasks; admins can reach everyone\u2019s.' },
  { name: 'Audit', description: 'The security events the API records, for admins.' },
  { name: 'Health', description: 'Liveness and database checks.' },
  { name: 'Reference', description: 'This document and its HTML rendering.' },
];

const METHODS = ['GET', 'POST', 'PATCH', 'DELETE'];

/** Operations by tag (in the order above), then path, then method: the reading order of the reference. */
const byReadingOrder = (a: Operation, b: Operation) =>
  TAGS.findIndex((tag) => tag.name === a.tag) - TAGS.findIndex((tag) => tag.name === b.tag) ||
  a.path.localeCompare(b.path) ||
  METHODS.indexOf(a.method) - METHODS.indexOf(b.method);

/** The OpenAPI 3.1 document of the API: one operation per declared method and path. */
export function buildDocument(declarations: readonly RouteDeclaration[]): Json {
  const operations: Operation[] = declarations
    .flatMap((declaration) => pathsOf(declaration).map((at) => ({ ...declaration, ...at })))
    .sort(byReadingOrder);
  const paths: Record<string, Record<string, Json>> = {};
  const responses: Record<string, Json> = {};
  for (const route of operations) {
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, Json>)[route.method.toLowerCase()] = operation(route, responses);
  }
  const requestBodies = Object.fromEntries(
    operations.flatMap((route) => (route.body ? [[requestName(route), route.body]] : [])),
  );
  const schemas = {
    ...toJsonSchemaDefs(RESOURCES as Record<string, v.GenericSchema>, CONVERSION),
    ...withNulRule(toJsonSchemaDefs(requestBodies as Record<string, v.GenericSchema>, CONVERSION)),
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'taskapi',
      version: pkg.version,
      description: DESCRIPTION,
      license: { name: 'UNLICENSED', identifier: 'UNLICENSED' },
    },
    servers: [
      { url: 'http://localhost:3000', description: 'Local: `npm start` (`PORT` moves it)' },
      {
        url: 'https://{apiId}.execute-api.{region}.amazonaws.com/{stage}',
        description: 'A deployed stage',
        variables: {
          apiId: { default: 'abc123', description: 'the REST API id' },
          region: { default: 'eu-west-1' },
          stage: { default: 'dev' },
        },
      },
    ],
    tags: TAGS,
    paths,
    components: {
      schemas,
      responses: Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b))),
      headers: HEADERS,
      securitySchemes: {
        BearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'The `accessToken` from register, login or refresh.',
        },
        ApiKey: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Api-Key',
          description:
            "Deployed stages only: the client app's API key (one per app, from the API Gateway usage plan). " +
            'The local server does not check it.',
        },
      },
    },
  };
}
