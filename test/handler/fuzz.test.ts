import fc from 'fast-check';
import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  // Generated logins often repeat an email; the per-email failure limit (5/15m) would turn them
  // into 429s, which is not what these properties are about.
  process.env.RATE_LIMIT_LOGIN_FAILURES = '1000000/15m';
});

import { database } from '#lib/infra/database.ts';

const { db, sql } = database();

import { signIn } from '#lib/auth/sign-in.ts';
import { TASK_SORTS } from '#lib/tasks/schemas.ts';
import { handler as createTask } from '../../functions/tasks-create.ts';
import { bearer, PASSWORD, type Registered, registerUser, uniqueEmail } from '../helpers/auth.ts';
import { expectErrorEnvelope, type RouteName, routeSpec, SECURITY_HEADERS } from '../helpers/hostile.ts';
import { invoke, type Reply } from '../helpers/lambda.ts';

/**
 * Property-based fuzzing of every request schema through the real handlers: whatever the
 * input, the answer is one of the route's documented statuses, in the contract's envelope,
 * never a 5xx. fast-check prints the seed and path of a failure; FUZZ_SEED=<seed> replays it.
 */

const settings = (numRuns: number): fc.Parameters<unknown> => ({
  numRuns,
  ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}),
});

// ---- generators -----------------------------------------------------------------------------

/** Any UTF-16 code unit, so NUL and lone surrogates turn up. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));

const NASTY = [
  '',
  ' ',
  '\t\n ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfff',
  '\u3000\u00a0',
  '\u200b',
  '\u202eevil',
  '%',
  '_',
  '\\',
  "'",
  '"',
  "' OR '1'='1' --",
  "'); drop table tasks; --",
  '{"role":"ADMIN"}',
  '[]',
  'null',
  'true',
  'false',
  '1e400',
  '-1',
  '0',
  '1.5',
  'NaN',
  'Infinity',
  '__proto__',
  'constructor',
  'toString',
  'ADMIN',
  'USER',
  'all',
  '../../etc/passwd',
  '😀',
  '👩‍👩‍👧‍👦',
  'x'.repeat(201),
  '😀'.repeat(129),
  'y'.repeat(10_001),
];

const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: codeUnit }),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.constantFrom(...NASTY),
);

const scalar = fc.oneof(
  { weight: 4, arbitrary: text },
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(1e308, -0, 2 ** 53 + 2, -1),
);

/** Any JSON value, biased towards the scalars schemas trip on. */
const anyValue = fc.oneof({ weight: 4, arbitrary: scalar }, fc.jsonValue({ maxDepth: 3 }));

const EXTRA_KEYS = ['role', 'id', 'userId', 'createdAt', '__proto__', 'constructor', 'prototype', ''];

/**
 * JSON bodies for a schema, given a generator of plausible values per key: records of
 * plausible values (mostly valid, with the `required` keys always present), records mixing
 * plausible and arbitrary values, the same with unknown keys, any JSON at all, truncated JSON,
 * raw text, and bodies over the size limit.
 */
function bodies(
  fields: Record<string, fc.Arbitrary<unknown>>,
  required: string[] = Object.keys(fields),
): fc.Arbitrary<string> {
  const keys = Object.keys(fields);
  const record = fc.record(
    Object.fromEntries(
      Object.entries(fields).map(([key, plausible]) => [key, fc.oneof({ weight: 3, arbitrary: plausible }, anyValue)]),
    ),
    { requiredKeys: [] },
  );
  const withExtras = fc
    .tuple(
      record,
      fc.dictionary(fc.oneof(fc.constantFrom(...EXTRA_KEYS, ...keys), fc.string()), anyValue, { maxKeys: 3 }),
    )
    .map(([known, extra]) => ({ ...extra, ...known }));
  const json = record.map((value) => JSON.stringify(value));
  const plausible = fc.record(fields, { requiredKeys: required }).map((value) => JSON.stringify(value));
  return fc.oneof(
    { weight: 4, arbitrary: plausible },
    { weight: 8, arbitrary: json },
    { weight: 2, arbitrary: withExtras.map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: anyValue.map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: json.chain((body) => fc.nat(body.length).map((end) => body.slice(0, end))) },
    { weight: 1, arbitrary: text },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        `{"${keys[0]}":"${'x'.repeat(70_000)}"}`,
        `{"${keys[0]}":"${'é'.repeat(40_000)}"}`,
        `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
      ),
    },
  );
}

const contentTypes = fc.oneof(
  { weight: 12, arbitrary: fc.constant('application/json') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'APPLICATION/JSON',
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/jsonx',
      'application/json, text/plain',
      '',
    ),
  },
  { weight: 1, arbitrary: fc.string() },
);

const email = fc.oneof(
  fc
    .tuple(fc.stringMatching(/^[a-z0-9][a-z0-9._+-]{0,15}$/), fc.constantFrom('example.com', 'EXAMPLE.ORG', 'b.co'))
    .map(([local, domain]) => `${local}@${domain}`),
  fc.emailAddress(),
  fc.constantFrom(' ADA@EXAMPLE.COM ', 'ada@例え.jp'),
);
const password = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', minLength: 8, maxLength: 64 }) },
  fc.constantFrom(PASSWORD, 'password', 'short'),
);
const refreshToken = fc.oneof(text, fc.stringMatching(/^[A-Za-z0-9_-]{1,600}$/));
const uuidOrNot = fc.oneof(fc.uuid(), text);
const digits = fc.oneof(fc.integer({ min: -5, max: 2_000_000 }).map(String), fc.stringMatching(/^\d{1,12}$/));

/** Query strings: the schema's keys and others, with plausible or nasty values, sometimes repeated. */
function queries(values: Record<string, fc.Arbitrary<string>>): fc.Arbitrary<Record<string, string | string[]>> {
  const value = fc.oneof(...Object.values(values), text);
  return fc.dictionary(
    fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...Object.keys(values)) },
      fc.constantFrom(...EXTRA_KEYS),
      fc.string(),
    ),
    fc.oneof({ weight: 5, arbitrary: value }, fc.array(value, { minLength: 2, maxLength: 3 })),
    { maxKeys: 4 },
  );
}

// ---- fixtures and the request --------------------------------------------------------------

interface Fixtures {
  user: Registered;
  admin: Registered;
  /** Whose role PATCH /users/{id} changes: never the admin itself, so it stays an admin. */
  victim: Registered;
  /** Whose email and password PATCH /users/me changes. */
  profile: Registered;
  /** A live refresh token generated requests may spend. */
  refresher: Registered;
  userTask: string;
  otherTask: string;
}

let f: Fixtures;

beforeAll(async () => {
  const [user, admin, victim, profile, refresher, other] = await Promise.all(
    ['user', 'admin', 'victim', 'profile', 'refresher', 'other'].map((prefix) => registerUser(uniqueEmail(prefix))),
  );
  if (!user || !admin || !victim || !profile || !refresher || !other) throw new Error('fixtures');
  await sql`update users set role = 'ADMIN' where id = ${admin.id}`;
  const newTask = async (account: Registered) =>
    (await invoke(createTask, { method: 'POST', headers: bearer(account.accessToken), body: { title: 'Mine' } })).body
      .data.id as string;
  f = { user, admin, victim, profile, refresher, userTask: await newTask(user), otherTask: await newTask(other) };
});

interface Request {
  token?: string;
  authorization?: string;
  body?: string;
  contentType?: string;
  query?: Record<string, string | string[]>;
  id?: string;
  headers?: Record<string, string>;
}

function send(route: RouteName, request: Request): Promise<Reply> {
  const spec = routeSpec(route);
  const headers: Record<string, string> = {};
  if (request.token) headers.Authorization = `Bearer ${request.token}`;
  if (request.authorization !== undefined) headers.Authorization = request.authorization;
  if (request.contentType !== undefined) headers['Content-Type'] = request.contentType;
  return invoke(spec.handler, {
    method: spec.method,
    resource: spec.resource,
    headers: { ...headers, ...request.headers },
    body: request.body,
    query: request.query,
    pathParameters: request.id === undefined ? undefined : { id: request.id },
  });
}

/** The property every answer must have: a listed status, never a 5xx, the envelope on errors. */
function expectAnswer(reply: Reply, allowed: number[]): void {
  expect(reply.status).toBeLessThan(500);
  expect(allowed).toContain(reply.status);
  expect(reply.headers).toMatchObject(SECURITY_HEADERS);
  if (reply.status >= 400) expectErrorEnvelope(reply);
}

const bodyRequest = (body: fc.Arbitrary<string>) => fc.record({ body, contentType: contentTypes });

// ---- properties -------------------------------------------------------------------------------

describe('fuzzed request bodies', () => {
  it('POST /auth/register answers 201, 400, 409, 413 or 415', async () => {
    await fc.assert(
      fc.asyncProperty(bodyRequest(bodies({ email, password })), async (request) => {
        expectAnswer(await send('register', request), [201, 400, 409, 413, 415]);
      }),
      settings(40),
    );
  });

  it('POST /auth/login answers 200, 400, 401, 413 or 415', async () => {
    const known = fc.constantFrom(f.user.email, f.user.email.toUpperCase());
    await fc.assert(
      fc.asyncProperty(
        bodyRequest(bodies({ email: fc.oneof(known, email), password: fc.oneof(fc.constant(PASSWORD), password) })),
        async (request) => {
          expectAnswer(await send('login', request), [200, 400, 401, 413, 415]);
        },
      ),
      settings(50),
    );
  });

  it('POST /auth/refresh answers 200, 400, 401, 413 or 415', async () => {
    const token = fc.oneof(refreshToken, fc.constant(f.refresher.refreshToken));
    await fc.assert(
      fc.asyncProperty(bodyRequest(bodies({ refreshToken: token })), async (request) => {
        expectAnswer(await send('refresh', request), [200, 400, 401, 413, 415]);
      }),
      settings(150),
    );
  });

  it('POST /auth/logout answers 204, 400, 413 or 415 to a live session', async () => {
    const body = fc.oneof(bodies({ refreshToken }, []), fc.constant(''));
    await fc.assert(
      fc.asyncProperty(bodyRequest(body), async (request) => {
        // A fresh session each time: a successful logout ends the one it was sent with.
        const { tokens } = await db.transaction((tx) =>
          signIn(tx, {
            account: { id: f.user.id, role: 'USER' },
            proven: ['password'],
            client: { userAgent: 'fuzz', ip: '203.0.113.10' },
          }),
        );
        expectAnswer(await send('logout', { ...request, token: tokens.accessToken }), [204, 400, 413, 415]);
      }),
      settings(100),
    );
  });

  const title = fc.oneof(text, fc.constant('Buy milk'));
  const description = fc.oneof(fc.constant(null), text);
  const completed = fc.boolean();

  it('POST /tasks answers 201, 400, 413 or 415', async () => {
    await fc.assert(
      fc.asyncProperty(bodyRequest(bodies({ title, description, completed }, ['title'])), async (request) => {
        expectAnswer(await send('tasksCreate', { ...request, token: f.user.accessToken }), [201, 400, 413, 415]);
      }),
      settings(150),
    );
  });

  it('PATCH /tasks/{id} answers 200, 400, 404, 413 or 415', async () => {
    const id = fc.oneof({ weight: 4, arbitrary: fc.constant(f.userTask) }, fc.constant(f.otherTask), uuidOrNot);
    await fc.assert(
      fc.asyncProperty(bodyRequest(bodies({ title, description, completed }, [])), id, async (request, taskId) => {
        const reply = await send('tasksUpdate', { ...request, id: taskId, token: f.user.accessToken });
        expectAnswer(reply, [200, 400, 404, 413, 415]);
      }),
      settings(150),
    );
  });

  it('PATCH /users/me answers 200, 400, 401, 409, 413 or 415', async () => {
    const currentPassword = fc.oneof({ weight: 3, arbitrary: fc.constant(PASSWORD) }, password);
    const taken = fc.constant(f.user.email);
    const [row] = await sql`select password_hash from users where id = ${f.profile.id}`;
    const hash: string = row?.password_hash;
    await fc.assert(
      fc.asyncProperty(
        bodyRequest(bodies({ email: fc.oneof(email, taken), password, currentPassword }, ['currentPassword'])),
        async (request) => {
          const reply = await send('usersMeUpdate', { ...request, token: f.profile.accessToken });
          expectAnswer(reply, [200, 400, 401, 409, 413, 415]);
          // Put the password back, so later runs can still prove it and reach the change.
          if (reply.status === 200) await sql`update users set password_hash = ${hash} where id = ${f.profile.id}`;
        },
      ),
      settings(40),
    );
  });

  it('PATCH /users/{id} answers 200, 400, 404, 413 or 415', async () => {
    const role = fc.oneof(fc.constantFrom('USER', 'ADMIN'), text);
    const id = fc.oneof({ weight: 3, arbitrary: fc.constant(f.victim.id) }, uuidOrNot);
    await fc.assert(
      fc.asyncProperty(bodyRequest(bodies({ role })), id, async (request, userId) => {
        const reply = await send('usersUpdate', { ...request, id: userId, token: f.admin.accessToken });
        expectAnswer(reply, [200, 400, 404, 413, 415]);
      }),
      settings(150),
    );
  });
});

describe('fuzzed query strings', () => {
  const pagination = { page: digits, pageSize: digits };

  it('GET /tasks answers 200, 400 or 403 (403 only to a user)', async () => {
    const query = queries({
      ...pagination,
      completed: fc.constantFrom('true', 'false'),
      q: text,
      sort: fc.constantFrom(...TASK_SORTS),
      userId: fc.oneof(fc.constant(f.user.id), fc.uuid()),
      scope: fc.constant('all'),
    });
    await fc.assert(
      fc.asyncProperty(query, fc.boolean(), async (params, asAdmin) => {
        const token = asAdmin ? f.admin.accessToken : f.user.accessToken;
        expectAnswer(await send('tasksList', { query: params, token }), asAdmin ? [200, 400] : [200, 400, 403]);
      }),
      settings(200),
    );
  });

  it('GET /users answers 200 or 400', async () => {
    const query = queries({ ...pagination, q: text, role: fc.constantFrom('USER', 'ADMIN') });
    await fc.assert(
      fc.asyncProperty(query, async (params) => {
        expectAnswer(await send('usersList', { query: params, token: f.admin.accessToken }), [200, 400]);
      }),
      settings(150),
    );
  });
});

/** A real cursor with one character changed, cut short, or as it is. */
const mutatedCursor = (cursor: string) =>
  fc.oneof(
    fc.constant(cursor),
    fc
      .tuple(fc.nat(cursor.length - 1), codeUnit)
      .map(([at, unit]) => `${cursor.slice(0, at)}${unit}${cursor.slice(at + 1)}`),
    fc.nat(cursor.length - 1).map((at) => cursor.slice(0, at)),
  );

/** Entity-tag headers: plausible lists, versions, weak tags and anything else. */
const entityTags = fc.oneof(
  fc.constantFrom('*', '"1"', 'W/"1"', '"2"', '"1", "2"', '"0"', '"-1"', '"01"', '"99999999999"', '""', 'W/""'),
  fc.integer({ min: -3, max: 5 }).map((n) => `"${n}"`),
  text,
);

describe('fuzzed sync and retry parameters', () => {
  it('GET /tasks with limit and cursor answers 200 or 400', async () => {
    const issued = (await send('tasksList', { query: { limit: '1' }, token: f.user.accessToken })).body.meta.nextCursor;
    const query = queries({
      limit: digits,
      cursor: fc.oneof(mutatedCursor(issued ?? 'x.y'), text),
      sort: fc.constantFrom(...TASK_SORTS),
      completed: fc.constantFrom('true', 'false'),
    });
    await fc.assert(
      fc.asyncProperty(query, async (params) => {
        expectAnswer(await send('tasksList', { query: params, token: f.user.accessToken }), [200, 400]);
      }),
      settings(100),
    );
  });

  it('GET /tasks/changes answers 200, 400 or 410', async () => {
    const issued = (await send('tasksChanges', { token: f.user.accessToken })).body.data.nextSince as string;
    const query = queries({ since: fc.oneof(mutatedCursor(issued), text), limit: digits });
    await fc.assert(
      fc.asyncProperty(query, async (params) => {
        expectAnswer(await send('tasksChanges', { query: params, token: f.user.accessToken }), [200, 400, 410]);
      }),
      settings(100),
    );
  });

  it('POST /tasks answers 201, 400, 409 or 422 to any Idempotency-Key', async () => {
    const key = fc.oneof(fc.constantFrom('fuzz-key-1', 'fuzz-key-2'), fc.stringMatching(/^[!-~]{1,300}$/), text);
    const title = fc.constantFrom('One', 'Two');
    await fc.assert(
      fc.asyncProperty(key, title, async (idempotencyKey, taskTitle) => {
        const reply = await send('tasksCreate', {
          token: f.user.accessToken,
          contentType: 'application/json',
          body: JSON.stringify({ title: taskTitle }),
          headers: { 'Idempotency-Key': idempotencyKey },
        });
        expectAnswer(reply, [201, 400, 409, 422]);
      }),
      settings(80),
    );
  });

  it('GET /tasks/{id} answers 200, 304, 400 or 404 to any If-None-Match', async () => {
    const id = fc.oneof(fc.constant(f.userTask), fc.constant(f.otherTask), fc.uuid());
    await fc.assert(
      fc.asyncProperty(id, entityTags, async (taskId, tags) => {
        const reply = await send('tasksGet', {
          id: taskId,
          token: f.user.accessToken,
          headers: { 'If-None-Match': tags },
        });
        expectAnswer(reply, [200, 304, 400, 404]);
        if (reply.status === 304) expect(reply.raw).toBe('');
      }),
      settings(80),
    );
  });

  it('PATCH and DELETE /tasks/{id} answer 200, 204, 400, 404 or 412 to any If-Match', async () => {
    const task = (
      await send('tasksCreate', {
        token: f.user.accessToken,
        contentType: 'application/json',
        body: JSON.stringify({ title: 'Conditional' }),
      })
    ).body.data.id as string;
    const id = fc.oneof({ weight: 4, arbitrary: fc.constant(task) }, fc.constant(f.otherTask));
    await fc.assert(
      fc.asyncProperty(id, entityTags, fc.boolean(), async (taskId, tags, remove) => {
        const headers = { 'If-Match': tags };
        const reply = remove
          ? await send('tasksDelete', { id: taskId, token: f.user.accessToken, headers })
          : await send('tasksUpdate', {
              id: taskId,
              token: f.user.accessToken,
              headers,
              contentType: 'application/json',
              body: JSON.stringify({ completed: true }),
            });
        expectAnswer(reply, remove ? [204, 400, 404, 412] : [200, 400, 404, 412]);
      }),
      settings(80),
    );
  });
});

describe('fuzzed path ids and tokens', () => {
  it('GET /tasks/{id} and /users/{id} answer 200 or 404', async () => {
    const taskId = fc.oneof(fc.constant(f.userTask), fc.constant(f.otherTask), uuidOrNot);
    const userId = fc.oneof(fc.constant(f.user.id), uuidOrNot);
    await fc.assert(
      fc.asyncProperty(taskId, userId, async (task, user) => {
        expectAnswer(await send('tasksGet', { id: task, token: f.user.accessToken }), [200, 404]);
        expectAnswer(await send('usersGet', { id: user, token: f.admin.accessToken }), [200, 404]);
      }),
      settings(60),
    );
  });

  it('DELETE by an id that names nothing answers 404 on every route', async () => {
    await fc.assert(
      fc.asyncProperty(uuidOrNot, async (id) => {
        expectAnswer(await send('tasksDelete', { id, token: f.user.accessToken }), [404]);
        expectAnswer(await send('sessionsDelete', { id, token: f.user.accessToken }), [404]);
        expectAnswer(await send('usersDelete', { id, token: f.admin.accessToken }), [404]);
      }),
      settings(60),
    );
  });

  it('GET /users/me answers 200 or 401 to any Authorization header', async () => {
    const valid = f.user.accessToken;
    const mutated = fc
      .tuple(fc.nat(valid.length - 1), codeUnit)
      .map(([at, unit]) => `Bearer ${valid.slice(0, at)}${unit}${valid.slice(at + 1)}`);
    const header = fc.oneof(
      text,
      text.map((token) => `Bearer ${token}`),
      mutated,
      fc.constant(`bearer ${valid}`),
    );
    await fc.assert(
      fc.asyncProperty(header, async (authorization) => {
        const reply = await send('usersMeGet', { authorization });
        expectAnswer(reply, [200, 401]);
        if (reply.status === 401) {
          expect(['AUTHENTICATION_REQUIRED', 'TOKEN_INVALID', 'TOKEN_EXPIRED']).toContain(reply.body.error.code);
        }
      }),
      settings(150),
    );
  });
});
