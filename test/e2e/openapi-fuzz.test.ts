import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, uniqueEmail } from '../helpers/auth.ts';
import { templateOf } from '../helpers/contract.ts';
import { expectErrorEnvelope, SECURITY_HEADERS } from '../helpers/hostile.ts';
import { call } from '../helpers/http.ts';
import { type Schema, SchemaArbitraries } from '../helpers/json-schema-arbitrary.ts';
import type { Reply } from '../helpers/lambda.ts';
import { serverDatabase } from '../helpers/server-db.ts';

/**
 * A fuzzer driven by openapi.json alone, through the real local server: for every operation,
 * requests generated from the document's own schemas (path, query and header parameters,
 * request bodies). A valid request must get one of the operation's documented statuses with a
 * body matching that response's schema (call() holds every answer to the document), never a
 * 5xx; a request broken in one place must get a documented 4xx in the error envelope.
 * fast-check prints the seed of a failure; FUZZ_SEED=<seed> replays it.
 */

const db = serverDatabase();

type Json = Record<string, unknown>;
const isJson = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

const document = JSON.parse(readFileSync(new URL('../../openapi.json', import.meta.url), 'utf8')) as unknown;
if (!isJson(document) || !isJson(document.paths)) throw new Error('openapi.json has no paths');
const schemas = new SchemaArbitraries(document);

const settings = (numRuns: number): fc.Parameters<unknown> => ({
  numRuns,
  ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}),
});

// ---- the operations, as the document describes them ------------------------------------------

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: Schema;
}

interface Operation {
  method: string;
  template: string;
  parameters: Parameter[];
  body?: { schema: Schema; required: boolean };
  bearer: boolean;
  /** Documents 403 INSUFFICIENT_PERMISSIONS: an admin's route (or an admin's option). */
  admin: boolean;
  statuses: number[];
}

const documentedCodes = (response: Json): string[] => {
  const media = isJson(response.content) ? response.content['application/json'] : undefined;
  return JSON.stringify(isJson(media) ? media.schema : {}).match(/[A-Z]+(?:_[A-Z]+)+/g) ?? [];
};

const OPERATIONS: Operation[] = Object.entries(document.paths).flatMap(([template, item]) =>
  Object.entries(isJson(item) ? item : {}).flatMap(([method, raw]) => {
    if (!isJson(raw) || !isJson(raw.responses)) return [];
    const responses = raw.responses;
    const parameters = (Array.isArray(raw.parameters) ? raw.parameters : []).map((value): Parameter => {
      const parameter = isJson(value) ? schemas.deref(value) : {};
      return {
        name: String(parameter.name),
        in: parameter.in as Parameter['in'],
        required: parameter.required === true,
        schema: isJson(parameter.schema) ? parameter.schema : {},
      };
    });
    const requestBody = isJson(raw.requestBody) ? schemas.deref(raw.requestBody) : undefined;
    const media = isJson(requestBody?.content) ? requestBody.content['application/json'] : undefined;
    const forbidden = isJson(responses['403']) ? schemas.deref(responses['403']) : undefined;
    return [
      {
        method: method.toUpperCase(),
        template,
        parameters,
        ...(isJson(media) && isJson(media.schema)
          ? { body: { schema: media.schema, required: requestBody?.required === true } }
          : {}),
        bearer: Array.isArray(raw.security) && raw.security.some((entry) => isJson(entry) && 'BearerAuth' in entry),
        admin: forbidden ? documentedCodes(forbidden).includes('INSUFFICIENT_PERMISSIONS') : false,
        statuses: Object.keys(responses).map(Number),
      },
    ];
  }),
);

const nameOf = (operation: Operation) => `${operation.method} ${operation.template}`;

// ---- callers and the resources path ids can name ---------------------------------------------

interface Account {
  id: string;
  email: string;
  accessToken: string;
  refreshToken: string;
}

async function register(prefix: string): Promise<Account> {
  const email = uniqueEmail(prefix);
  const reply = await call('POST', '/api/v1/auth/register', { body: { email, password: PASSWORD } });
  if (reply.status !== 201) throw new Error(`register failed: ${reply.status} ${reply.raw}`);
  const { user, tokens } = reply.body.data;
  return { id: user.id, email, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken };
}

const authorization = (account: Account) => ({ Authorization: `Bearer ${account.accessToken}` });

async function createTask(owner: Account): Promise<string> {
  const reply = await call('POST', '/api/v1/tasks', { body: { title: 'fuzz' }, headers: authorization(owner) });
  if (reply.status !== 201) throw new Error(`task not created: ${reply.raw}`);
  return reply.body.data.id;
}

/** What the requests run as and may name; the caller's part is renewed when a request spends it. */
interface Fixture extends Caller {
  admin: Account;
  /** A user an admin route may change or delete; never the admin itself. */
  victim: Account;
  /** Another user's task: not found for the caller. */
  otherTask: string;
}

/** A caller with a task, one of its sessions, a cursor page and a changes cursor to name. */
interface Caller {
  user: Account;
  task: string;
  sessionId: string;
  cursor: string;
  since: string;
}

async function caller(): Promise<Caller> {
  const user = await register('fuzz-user');
  const task = await createTask(user);
  await createTask(user);
  const as = { headers: authorization(user) };
  const sessions = await call('GET', '/api/v1/auth/sessions', as);
  const page = await call('GET', '/api/v1/tasks?limit=1', as);
  const changes = await call('GET', '/api/v1/tasks/changes', as);
  return {
    user,
    task,
    sessionId: sessions.body.data[0].id,
    cursor: page.body.meta.nextCursor,
    since: changes.body.data.nextSince,
  };
}

let current: Fixture;

beforeAll(async () => {
  const [admin, victim, stranger] = await Promise.all(
    ['admin', 'victim', 'stranger'].map((p) => register(`fuzz-${p}`)),
  );
  if (!admin || !victim || !stranger) throw new Error('fixtures');
  await db`update users set role = 'ADMIN' where id = ${admin.id}`;
  current = { ...(await caller()), admin, victim, otherTask: await createTask(stranger) };
});

/** Known good values mixed in with generated ones, so requests reach past "not found". */
function hints(operation: Operation, f: () => Fixture) {
  const live = <T>(pick: (fixture: Fixture) => T) => fc.constant(null).map(() => pick(f()));
  const usersRoute = operation.template.startsWith('/api/v1/users/');
  const sessionsRoute = operation.template.startsWith('/api/v1/auth/sessions/');
  const byParameter: Record<string, fc.Arbitrary<unknown>> = {
    'path:id': usersRoute
      ? live((x) => x.victim.id)
      : sessionsRoute
        ? live((x) => x.sessionId)
        : fc.oneof(
            live((x) => x.task),
            live((x) => x.otherTask),
          ),
    'query:userId': live((x) => x.user.id),
    'query:cursor': live((x) => x.cursor),
    'query:since': live((x) => x.since),
    'header:If-Match': fc.constantFrom('"1"', '"2"', '*', 'W/"1"'),
    'header:If-None-Match': fc.constantFrom('"1"', '"2"', '*', 'W/"1"'),
  };
  const byBodyField: Record<string, fc.Arbitrary<unknown>> = {
    '/currentPassword': fc.constant(PASSWORD),
    '/password': fc.constant(PASSWORD),
    '/email': live((x) => x.user.email),
    '/refreshToken': live((x) => x.user.refreshToken),
  };
  return {
    parameter: (parameter: Parameter) => byParameter[`${parameter.in}:${parameter.name}`],
    body: (pointer: string) => byBodyField[pointer],
  };
}

// ---- requests ---------------------------------------------------------------------------------

type As = 'user' | 'admin' | 'none' | 'garbled';

interface Request {
  as: As;
  path: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** A JSON value to send, or raw text with the content type to send it as. */
  body?: { json: unknown } | { raw: string; contentType: string };
  /** What was broken, for the failure message. */
  broken?: string;
}

/** A path value as a URL segment; a lone surrogate goes as U+FFFD, as URLSearchParams sends it. */
const pathSegment = (text: string) => encodeURIComponent(text.toWellFormed());

/** A parameter's value as it goes on the wire (OpenAPI's default form style). */
const wire = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/** A wire value as the document's schema reads it: numbers and booleans are parsed. */
function typed(schema: Schema, text: string): unknown {
  const type = schemas.deref(schema).type;
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(text)) return Number(text);
  if (type === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}

// What fetch() sends unchanged as a header value: no edge spaces, no control characters, bytes.
const SENDABLE_HEADER = /^(?:[\x21-\x7e\x80-\xff](?:[\x20-\x7e\x80-\xff]*[\x21-\x7e\x80-\xff])?)?$/;

function validParameter(parameter: Parameter, hint: fc.Arbitrary<unknown> | undefined): fc.Arbitrary<string> {
  const own = schemas.valid(parameter.schema, { headerSafe: parameter.in === 'header' }).map(wire);
  const arbitrary = hint ? fc.oneof(own, hint.map(wire)) : own;
  return arbitrary.filter((text) => schemas.accepts(parameter.schema, typed(parameter.schema, text)));
}

// Requests whose URL stays deliverable: API Gateway refuses a request line and headers over
// 10 KB and Node over 16 KB, before the API could answer in its envelope.
const DELIVERABLE = 4096;

function invalidParameter(parameter: Parameter): fc.Arbitrary<string> {
  const extra =
    parameter.in === 'path'
      ? fc.constantFrom('not-a-uuid', '1', 'null', '%', '00000000-0000-0000-0000-00000000000g')
      : undefined;
  const own = schemas.invalid(parameter.schema).map(wire);
  return (extra ? fc.oneof(own, extra) : own).filter(
    (text) =>
      !schemas.accepts(parameter.schema, typed(parameter.schema, text)) &&
      Buffer.byteLength(text) * 3 <= DELIVERABLE &&
      (parameter.in !== 'header' || SENDABLE_HEADER.test(text)),
  );
}

function parameterRecord(
  parameters: Parameter[],
  value: (parameter: Parameter) => fc.Arbitrary<string>,
): fc.Arbitrary<Record<string, string>> {
  const model = Object.fromEntries(parameters.map((parameter) => [parameter.name, value(parameter)]));
  return fc.record(model, { requiredKeys: parameters.filter((p) => p.required).map((p) => p.name) });
}

const callers = (operation: Operation): fc.Arbitrary<As> =>
  !operation.bearer
    ? fc.constant('none')
    : operation.admin
      ? fc.oneof({ weight: 3, arbitrary: fc.constant<As>('admin') }, fc.constant<As>('user'))
      : fc.constant('user');

function validRequests(operation: Operation, f: () => Fixture): fc.Arbitrary<Request> {
  const hint = hints(operation, f);
  const only = (where: Parameter['in']) => operation.parameters.filter((parameter) => parameter.in === where);
  const valid = (parameter: Parameter) => validParameter(parameter, hint.parameter(parameter));
  const body = operation.body
    ? schemas.valid(operation.body.schema, { hint: hint.body }).map((json) => ({ json }))
    : fc.constant(undefined);
  return fc
    .record({
      as: callers(operation),
      path: parameterRecord(only('path'), valid),
      query: parameterRecord(only('query'), valid),
      headers: parameterRecord(only('header'), valid),
      body: operation.body && !operation.body.required ? fc.option(body, { nil: undefined }) : body,
    })
    .map(({ body: sent, ...request }): Request => (sent ? { ...request, body: sent } : request));
}

/** A valid request with one thing broken: a parameter, the body, its JSON, its type, the token. */
function invalidRequests(operation: Operation, f: () => Fixture): fc.Arbitrary<Request>[] {
  const base = validRequests(operation, f);
  const breaks: fc.Arbitrary<Request>[] = [];
  for (const parameter of operation.parameters) {
    const where = parameter.in === 'path' ? 'path' : parameter.in === 'query' ? 'query' : 'headers';
    const broken = invalidParameter(parameter).filter(
      (text) =>
        // A path value that routes elsewhere (`me`, `..`) is not this operation's input.
        parameter.in !== 'path' ||
        templateOf(operation.template.replace(`{${parameter.name}}`, pathSegment(text))) === operation.template,
    );
    breaks.push(
      fc.tuple(base, broken).map(([request, text]) => ({
        ...request,
        [where]: { ...request[where], [parameter.name]: text },
        broken: `${parameter.in} ${parameter.name}`,
      })),
    );
  }
  if (operation.body) {
    const { schema } = operation.body;
    breaks.push(
      fc
        .tuple(base, schemas.invalid(schema))
        .map(([request, json]) => ({ ...request, body: { json }, broken: 'body' })),
      fc.tuple(base, schemas.valid(schema), fc.nat(), fc.nat(4)).map(([request, json, cut, kind]) => {
        const text = JSON.stringify(json);
        // Cut short (never to nothing: no body is a body route's own case), unbalanced, or not JSON.
        const raw = [text.slice(0, 1 + (cut % (text.length - 1))), `${text}}`, `{${text}`, "{'a':1}", 'not json'][kind];
        return { ...request, body: { raw: raw ?? 'not json', contentType: 'application/json' }, broken: 'JSON' };
      }),
      fc
        .tuple(
          base,
          schemas.valid(schema),
          fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/jsonx'),
        )
        .map(([request, json, contentType]) => ({
          ...request,
          body: { raw: JSON.stringify(json), contentType },
          broken: 'content type',
        })),
    );
  }
  if (operation.bearer) {
    breaks.push(
      fc.tuple(base, fc.constantFrom<As>('none', 'garbled')).map(([request, as]) => ({
        ...request,
        as,
        broken: 'authorization',
      })),
    );
  }
  return breaks;
}

async function send(operation: Operation, request: Request, f: Fixture): Promise<Reply> {
  let path = operation.template;
  for (const [name, value] of Object.entries(request.path)) path = path.replace(`{${name}}`, pathSegment(value));
  const query = new URLSearchParams(request.query).toString();
  const headers: Record<string, string> = { ...request.headers };
  if (request.as === 'user') Object.assign(headers, authorization(f.user));
  if (request.as === 'admin') Object.assign(headers, authorization(f.admin));
  if (request.as === 'garbled') headers.Authorization = 'Bearer not.a.token';
  let body: string | undefined;
  if (request.body && 'json' in request.body) {
    body = JSON.stringify(request.body.json);
    headers['Content-Type'] = 'application/json';
  } else if (request.body) {
    body = request.body.raw;
    headers['Content-Type'] = request.body.contentType;
  }
  return call(operation.method, query ? `${path}?${query}` : path, {
    headers,
    ...(body === undefined ? {} : { body }),
  });
}

/** The fixture after a successful answer that used up the caller, its session, its password or a path id. */
async function renew(operation: Operation, reply: Reply, f: Fixture): Promise<Fixture> {
  if (reply.status >= 300) return f;
  const name = nameOf(operation);
  if (name === 'POST /api/v1/auth/refresh' && reply.body?.data?.tokens) {
    return { ...f, user: { ...f.user, refreshToken: reply.body.data.tokens.refreshToken } };
  }
  if (name === 'DELETE /api/v1/tasks/{id}') return { ...f, task: await createTask(f.user) };
  if (name === 'DELETE /api/v1/users/{id}') return { ...f, victim: await register('fuzz-victim') };
  const spends = [
    'POST /api/v1/auth/logout',
    'POST /api/v1/auth/logout-all',
    'DELETE /api/v1/auth/sessions/{id}',
    'PATCH /api/v1/users/me',
    'DELETE /api/v1/users/me',
  ];
  return spends.includes(name) ? { ...f, ...(await caller()) } : f;
}

/** The contract's headers; the HTML reference page has a policy of its own for its scripts. */
function expectSecurityHeaders(reply: Reply): void {
  const { 'content-security-policy': policy, ...others } = SECURITY_HEADERS;
  expect(reply.headers).toMatchObject(others);
  if (reply.headers['content-type']?.startsWith('application/json')) {
    expect(reply.headers['content-security-policy']).toBe(policy);
  }
}

const describeRequest = (request: Request) => JSON.stringify(request).slice(0, 600);

// ---- properties -------------------------------------------------------------------------------

/** Fewer runs where every request costs a password hash, or where nothing varies. */
function runs(operation: Operation): number {
  const inputs = operation.parameters.length + (operation.body ? 1 : 0);
  if (inputs === 0) return operation.bearer ? 4 : 2;
  if (/\/auth\/(register|login|logout|password|sessions\/)|\/users\/me$/.test(operation.template)) return 8;
  return 16;
}

for (const operation of OPERATIONS) {
  describe(nameOf(operation), () => {
    it('answers every valid generated request with a documented status and body, never a 5xx', async () => {
      await fc.assert(
        fc.asyncProperty(
          validRequests(operation, () => current),
          async (request) => {
            const reply = await send(operation, request, current);
            expect(reply.status, describeRequest(request)).toBeLessThan(500);
            expect(operation.statuses, describeRequest(request)).toContain(reply.status);
            expectSecurityHeaders(reply);
            if (reply.status >= 400) expectErrorEnvelope(reply);
            current = await renew(operation, reply, current);
          },
        ),
        settings(runs(operation)),
      );
    });

    const broken = invalidRequests(operation, () => current);
    if (broken.length === 0) return;
    it('answers every request broken in one place with a documented 4xx in the error envelope', async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(...broken), async (request) => {
          const reply = await send(operation, request, current);
          expect(reply.status, describeRequest(request)).toBeGreaterThanOrEqual(400);
          expect(reply.status, describeRequest(request)).toBeLessThan(500);
          expect(operation.statuses).toContain(reply.status);
          expectErrorEnvelope(reply);
        }),
        settings(runs(operation)),
      );
    });
  });
}
