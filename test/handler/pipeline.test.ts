import type { APIGatewayProxyEvent } from 'aws-lambda';
import * as v from 'valibot';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppError, type ErrorCode } from '#lib/core/errors.ts';
import { idPath, paginationQuery, text } from '#lib/core/schema.ts';
import type { RouteDeclaration } from '#lib/http/declaration.ts';
import { ERROR_STATUS } from '#lib/http/errors.ts';
import { MAX_BODY_BYTES } from '#lib/http/middlewares/body-guard.ts';
import { created, noContent, ok, paginated } from '#lib/http/responses.ts';
import { route as declaredRoute, type RouteHandler } from '#lib/http/route.ts';
import { SECURITY_HEADERS } from '../helpers/headers.ts';
import { apiEvent, type EventOptions, invoke, invokeEvent } from '../helpers/lambda.ts';
import { captureLogs } from '../helpers/logs.ts';

// Small routes built with the real pipeline factory, one per behaviour under test. The OpenAPI
// document describes only the real functions, so these skip the contract check.
const invokeAdHoc = (handler: Parameters<typeof invoke>[0], options: EventOptions = {}) =>
  invoke(handler, { ...options, contract: false });

/** The parts of a declaration these routes do not exercise. */
const AD_HOC = {
  method: 'POST',
  path: '/ad-hoc',
  function: 'ad-hoc',
  operationId: 'adHoc',
  tag: 'Health',
  summary: 'a route of this test',
  success: { status: 200, description: 'anything', schema: v.unknown() },
} as const;
type AdHoc<O> = Omit<typeof AD_HOC, keyof O> & O & RouteDeclaration;
const route = <const O extends Partial<RouteDeclaration>>(options: O, handler: RouteHandler<AdHoc<O>>) =>
  declaredRoute({ ...AD_HOC, ...options } as AdHoc<O>, handler);

const echo = route(
  {
    auth: 'none',
    body: v.strictObject({ title: text({ min: 1, max: 5, trim: true }), done: v.optional(v.boolean()) }),
  },
  ({ body }) => ok(body),
);
const optionalBody = route(
  { auth: 'none', body: v.strictObject({ note: v.optional(v.string()) }), bodyOptional: true },
  ({ body }) => ok(body),
);
const list = route({ auth: 'none', query: v.strictObject(paginationQuery) }, ({ query }) =>
  paginated([{ n: 1 }], 41, query),
);
const byId = route({ auth: 'none', params: idPath }, ({ params }) => ok({ id: params.id }));
const thrower = (error: unknown) =>
  route({ auth: 'none' }, () => {
    throw error;
  });

afterEach(() => vi.restoreAllMocks());

describe('success envelopes', () => {
  it('wraps data with a timestamp', async () => {
    const reply = await invokeAdHoc(route({ auth: 'none' }, () => ok({ a: 1 })));

    expect(reply.status).toBe(200);
    expect(reply.body.data).toEqual({ a: 1 });
    expect(new Date(reply.body.meta.timestamp).toISOString()).toBe(reply.body.meta.timestamp);
  });

  it('answers 201 with a Location header', async () => {
    const reply = await invokeAdHoc(route({ auth: 'none' }, () => created({ id: 'x' }, '/api/v1/things/x')));

    expect(reply.status).toBe(201);
    expect(reply.headers.location).toBe('/api/v1/things/x');
  });

  it('answers 204 with an empty body', async () => {
    const reply = await invokeAdHoc(route({ auth: 'none' }, () => noContent()));

    expect(reply.status).toBe(204);
    expect(reply.raw).toBe('');
  });

  it('reports pagination totals', async () => {
    const reply = await invokeAdHoc(list, { query: { page: '3', pageSize: '20' } });

    expect(reply.body.meta).toMatchObject({ total: 41, page: 3, pageSize: 20, totalPages: 3 });
  });
});

describe('error envelope', () => {
  const codes = Object.keys(ERROR_STATUS) as ErrorCode[];

  it.each(codes)('maps %s to its status with the request id', async (code) => {
    captureLogs();
    const reply = await invokeAdHoc(thrower(new AppError(code, 'client message')));

    expect(reply.status).toBe(ERROR_STATUS[code]);
    expect(reply.body.error.code).toBe(code);
    expect(reply.body.error.requestId).toBe(reply.headers['x-request-id']);
    expect(reply.body.error.message).toBe(
      code === 'INTERNAL_ERROR' ? 'An unexpected error occurred' : 'client message',
    );
  });

  it('sends WWW-Authenticate on 401', async () => {
    const reply = await invokeAdHoc(thrower(new AppError('TOKEN_INVALID', 'bad token')));

    expect(reply.headers['www-authenticate']).toBe('Bearer');
  });

  it('turns an unknown error into a generic 500 and never shows its text', async () => {
    const write = captureLogs();

    const reply = await invokeAdHoc(thrower(new Error('select * from users where password = hunter2')));

    expect(reply.status).toBe(500);
    expect(reply.body.error).toEqual({
      code: 'INTERNAL_ERROR',
      message: 'An unexpected error occurred',
      requestId: reply.headers['x-request-id'],
    });
    expect(reply.raw).not.toContain('hunter2');
    const logged = write().join('');
    expect(logged).toContain('unhandled error');
    expect(logged).toContain(reply.headers['x-request-id']);
  });

  it('never logs the parameters of a failed query', async () => {
    const write = captureLogs();
    const failedQuery = Object.assign(new Error('Failed query: insert\nparams: a@b.c,$argon2id$secret'), {
      params: ['a@b.c', '$argon2id$secret'],
    });

    await invokeAdHoc(thrower(failedQuery));

    const logged = write().join('');
    expect(logged).toContain('unhandled error');
    expect(logged).not.toContain('$argon2id$secret');
  });

  it('answers 503 when the database connection is refused', async () => {
    captureLogs();
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

    const reply = await invokeAdHoc(thrower(new Error('Failed query', { cause: refused })));

    expect(reply.status).toBe(503);
    expect(reply.body.error.code).toBe('SERVICE_UNAVAILABLE');
    expect(reply.raw).not.toContain('5432');
  });
});

describe('request bodies', () => {
  it('parses and validates a JSON body', async () => {
    const reply = await invokeAdHoc(echo, { method: 'POST', body: { title: '  hi  ', done: true } });

    expect(reply.status).toBe(200);
    expect(reply.body.data).toEqual({ title: 'hi', done: true });
  });

  it('accepts a JSON content type with a charset', async () => {
    const reply = await invokeAdHoc(echo, {
      method: 'POST',
      body: '{"title":"x"}',
      headers: { 'content-type': 'application/json; charset=UTF-8' },
    });

    expect(reply.status).toBe(200);
  });

  it.each([
    ['text/plain', '{"title":"x"}'],
    ['application/x-www-form-urlencoded', 'title=x'],
    ['application/jsonp', '{"title":"x"}'],
  ])('rejects Content-Type %s with 415', async (contentType, body) => {
    const reply = await invokeAdHoc(echo, { method: 'POST', body, headers: { 'Content-Type': contentType } });

    expect(reply.status).toBe(415);
    expect(reply.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it.each([
    ['text/plain', 'application/json'],
    ['application/json', 'text/plain'],
    ['application/json', 'application/json'],
  ])('rejects two Content-Type headers (%s, %s) with 415', async (first, second) => {
    const reply = await invokeAdHoc(echo, {
      method: 'POST',
      body: '{"title":"x"}',
      multiValueHeaders: { 'Content-Type': [first, second] },
    });

    expect(reply.status).toBe(415);
    expect(reply.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('rejects a body without a content type with 415', async () => {
    const reply = await invokeAdHoc(echo, { method: 'POST', body: '{"title":"x"}' });

    expect(reply.status).toBe(415);
  });

  it.each(['{"title":', '{title: "x"}', 'nope', '{"title":"x"}}'])(
    'rejects malformed JSON %j with 400',
    async (body) => {
      const reply = await invokeAdHoc(echo, { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });

      expect(reply.status).toBe(400);
      expect(reply.body.error.code).toBe('VALIDATION_ERROR');
    },
  );

  it.each([['[]'], ['"title"'], ['null'], ['42']])('rejects a body that is not an object (%s)', async (body) => {
    const reply = await invokeAdHoc(echo, { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });

    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe('VALIDATION_ERROR');
  });

  it('rejects a body over 64 KiB with 413 before parsing it', async () => {
    const body = `{"title":"${'x'.repeat(MAX_BODY_BYTES)}"}`;

    const reply = await invokeAdHoc(echo, { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });

    expect(reply.status).toBe(413);
    expect(reply.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('measures a base64-encoded body by its decoded size', async () => {
    const handler = echo;
    const event = { method: 'POST', headers: { 'Content-Type': 'application/json' } };
    const reply = await invokeAdHoc(
      async (e, c) =>
        handler({ ...e, body: Buffer.from('{"title":"ok"}').toString('base64'), isBase64Encoded: true }, c),
      event,
    );

    expect(reply.status).toBe(200);
    expect(reply.body.data).toEqual({ title: 'ok' });
  });

  it('names an unknown key in the details', async () => {
    const reply = await invokeAdHoc(echo, { method: 'POST', body: { title: 'x', role: 'ADMIN' } });

    expect(reply.status).toBe(400);
    expect(reply.body.error.details).toEqual([{ path: 'role', message: 'is not an allowed field' }]);
  });

  it('names a missing field and a wrong type', async () => {
    const missing = await invokeAdHoc(echo, { method: 'POST', body: {} });
    const wrongType = await invokeAdHoc(echo, { method: 'POST', body: { title: 7 } });

    expect(missing.body.error.details).toEqual([{ path: 'title', message: 'is required' }]);
    expect(wrongType.body.error.details).toEqual([{ path: 'title', message: 'must be a string' }]);
  });

  it('rejects NUL characters and lone surrogates', async () => {
    const nul = await invokeAdHoc(echo, { method: 'POST', body: { title: 'a\u0000b' } });
    const surrogate = await invokeAdHoc(echo, {
      method: 'POST',
      body: '{"title":"\\ud800"}',
      headers: { 'Content-Type': 'application/json' },
    });

    expect(nul.body.error.details).toEqual([{ path: 'title', message: 'must not contain NUL characters' }]);
    expect(surrogate.status).toBe(400);
  });

  it('counts lengths in code points, so emoji are one character each', async () => {
    const fits = await invokeAdHoc(echo, { method: 'POST', body: { title: '👍👍👍👍👍' } });
    const tooLong = await invokeAdHoc(echo, { method: 'POST', body: { title: '👍👍👍👍👍👍' } });

    expect(fits.status).toBe(200);
    expect(fits.body.data.title).toBe('👍👍👍👍👍');
    expect(tooLong.status).toBe(400);
  });

  it('rejects __proto__ keys', async () => {
    const reply = await invokeAdHoc(echo, {
      method: 'POST',
      body: '{"title":"x","__proto__":{"admin":true}}',
      headers: { 'Content-Type': 'application/json' },
    });

    expect(reply.status).toBe(400);
  });

  it('requires a body where one is expected', async () => {
    const reply = await invokeAdHoc(echo, { method: 'POST' });

    expect(reply.status).toBe(400);
    expect(reply.body.error.details).toEqual([{ path: 'body', message: 'is required' }]);
  });

  it('treats an absent optional body as empty', async () => {
    const reply = await invokeAdHoc(optionalBody, { method: 'POST' });

    expect(reply.status).toBe(200);
    expect(reply.body.data).toEqual({});
  });
});

describe('events without headers', () => {
  // API Gateway sends null, not {}, for a request without headers (e.g. a console test event).
  const headerless = (options: Parameters<typeof apiEvent>[0]) => ({
    ...apiEvent(options),
    headers: null as unknown as APIGatewayProxyEvent['headers'],
    multiValueHeaders: null as unknown as APIGatewayProxyEvent['multiValueHeaders'],
  });

  it('answers 415 for a body without headers', async () => {
    const reply = await invokeEvent(echo, headerless({ method: 'POST', body: '{"title":"x"}' }), { contract: false });

    expect(reply.status).toBe(415);
    expect(reply.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers 401 AUTHENTICATION_REQUIRED on a protected route without headers', async () => {
    const reply = await invokeEvent(
      route({ auth: 'user' }, () => ok({})),
      headerless({}),
      { contract: false },
    );

    expect(reply.status).toBe(401);
    expect(reply.body.error.code).toBe('AUTHENTICATION_REQUIRED');
  });

  it('still answers a public route without headers', async () => {
    const reply = await invokeEvent(
      route({ auth: 'none' }, () => ok({ a: 1 })),
      headerless({}),
      { contract: false },
    );

    expect(reply.status).toBe(200);
    expect(reply.headers['x-request-id']).toBeDefined();
  });
});

describe('query and path parameters', () => {
  it.each([
    ['page', '0'],
    ['page', '-1'],
    ['page', '1.5'],
    ['page', 'abc'],
    ['pageSize', '101'],
    ['pageSize', '0'],
  ])('rejects %s=%s with details', async (key, value) => {
    const reply = await invokeAdHoc(list, { query: { [key]: value } });

    expect(reply.status).toBe(400);
    expect(reply.body.error.details[0].path).toBe(key);
  });

  it('rejects a repeated query parameter', async () => {
    const reply = await invokeAdHoc(list, { query: { page: ['1', '2'] } });

    expect(reply.status).toBe(400);
    expect(reply.body.error.details).toEqual([{ path: 'page', message: 'must be given at most once' }]);
  });

  it('rejects an unknown query parameter', async () => {
    const reply = await invokeAdHoc(list, { query: { pg: '2' } });

    expect(reply.status).toBe(400);
    expect(reply.body.error.details[0].path).toBe('pg');
  });

  it('answers 404 for a path id that is not a UUID', async () => {
    const reply = await invokeAdHoc(byId, { pathParameters: { id: "1' or '1'='1" } });

    expect(reply.status).toBe(404);
    expect(reply.body.error.code).toBe('RESOURCE_NOT_FOUND');
  });
});

describe('headers', () => {
  it('sets the security headers and request id on success and on error', async () => {
    const success = await invokeAdHoc(route({ auth: 'none' }, () => ok({})));
    const failure = await invokeAdHoc(thrower(new AppError('RESOURCE_NOT_FOUND', 'nope')));

    for (const reply of [success, failure]) {
      expect(reply.headers).toMatchObject(SECURITY_HEADERS);
      expect(reply.headers['cache-control']).toBe('no-store');
      expect(reply.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('echoes an allowed origin with Vary: Origin', async () => {
    const reply = await invokeAdHoc(
      route({ auth: 'none' }, () => ok({})),
      { headers: { Origin: 'https://app.example.test' } },
    );

    expect(reply.headers['access-control-allow-origin']).toBe('https://app.example.test');
    expect(reply.headers.vary).toBe('Origin');
  });

  it('gives a refused origin no Access-Control-Allow-Origin', async () => {
    const reply = await invokeAdHoc(
      route({ auth: 'none' }, () => ok({})),
      { headers: { Origin: 'https://evil.example' } },
    );

    expect(reply.status).toBe(200);
    expect(reply.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('adds CORS headers to error responses for an allowed origin', async () => {
    const reply = await invokeAdHoc(thrower(new AppError('VALIDATION_ERROR', 'bad')), {
      headers: { Origin: 'https://admin.example.test' },
    });

    expect(reply.headers['access-control-allow-origin']).toBe('https://admin.example.test');
  });

  it('writes one log line per request without secrets', async () => {
    const write = captureLogs();
    const { log } = await import('#lib/infra/log.ts');

    log.warn('request', { route: 'POST /x', password: 'hunter2', refreshToken: 'abc' });

    const line = JSON.parse(write()[0] ?? '');
    expect(line).toMatchObject({ level: 'WARN', message: 'request', route: 'POST /x', password: '[redacted]' });
    expect(JSON.stringify(line)).not.toContain('hunter2');
  });
});
