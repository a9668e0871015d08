import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it, vi } from 'vitest';

// Several cases send a wrong current password for one account from one address: they test the
// answer, not the failed-login limit (test/handler/account-security.test.ts does).
vi.hoisted(() => {
  process.env.RATE_LIMIT_LOGIN_FAILURES = '1000/15m';
});

import { database } from '#lib/infra/database.ts';

const { sql } = database();

import type { ErrorCode } from '#lib/core/errors.ts';
import { encodeSyncCursor } from '#lib/tasks/changes.ts';
import { handler as login } from '../../functions/auth-login.ts';
import { handler as tasksChanges } from '../../functions/tasks-changes.ts';
import { handler as createTask } from '../../functions/tasks-create.ts';
import { handler as listTasks } from '../../functions/tasks-list.ts';
import { bearer, PASSWORD, type Registered, registerUser, uniqueEmail } from '../helpers/auth.ts';
import { TEST_ENV } from '../helpers/env.ts';
import { databaseState, expectErrorEnvelope, ROUTES, type RouteName, routeSpec } from '../helpers/hostile.ts';
import { apiEvent, invoke, invokeEvent, type Reply } from '../helpers/lambda.ts';

/**
 * The hostile-input corpus: bad requests to every route, each answered with its documented
 * 4xx in the error envelope, never a 500, and leaving the database exactly as it was. No case
 * is a request that should succeed. Authenticated cases carry real tokens, so the bad input
 * reaches the step that must reject it.
 */

interface Fixtures {
  /** A USER with a task and several sessions. */
  user: Registered;
  /** Another USER with a task. */
  other: Registered;
  /** The only ADMIN. */
  admin: Registered;
  userTask: string;
  otherTask: string;
  /** Another live session of `user`, the default target of DELETE /auth/sessions/{id}. */
  spareSession: string;
  otherSession: string;
  /** Tokens of a session of `user` revoked before the corpus runs. */
  revoked: { accessToken: string; refreshToken: string };
  /** A refresh token of `user` past its expiry. */
  expiredRefreshToken: string;
  /** An account deleted before the corpus runs, with its still-signed tokens. */
  deleted: Registered;
  /** A cursor page's nextCursor of `user`, and one of `other`. */
  cursor: string;
  otherCursor: string;
  /** A delta-sync nextSince of `user`, and one of `other`. */
  since: string;
  otherSince: string;
}

/** The Idempotency-Key `user` created its task with. */
const HOSTILE_KEY = 'hostile-corpus-key';

type Lazy<T> = T | ((f: Fixtures) => T | Promise<T>);
type Json = Record<string, unknown> | unknown[] | string | number | boolean | null;

interface Case {
  route: RouteName;
  what: string;
  /** The Authorization header: by default the route's caller (user or admin), none on public routes; null sends none. */
  auth?: Lazy<string | null>;
  /** A JSON body (by default the route's valid body, see VALID_BODY), or `raw` text sent as is. */
  body?: Lazy<Json>;
  raw?: string;
  /** The body's Content-Type: application/json unless set; null sends none. */
  contentType?: string | null;
  headers?: Record<string, string>;
  multiValueHeaders?: Lazy<Record<string, string[]>>;
  query?: Lazy<Record<string, string | string[]>>;
  /** The path id; by default the route's usual target (see DEFAULT_ID). */
  id?: Lazy<string>;
  method?: string;
  path?: string;
  /** For what API Gateway can send that apiEvent does not build. */
  event?: (event: APIGatewayProxyEvent) => APIGatewayProxyEvent;
  status: number;
  code: ErrorCode;
}

const INVALID = { status: 400, code: 'VALIDATION_ERROR' } as const;
const REQUIRED = { status: 401, code: 'AUTHENTICATION_REQUIRED' } as const;
const CREDENTIALS = { status: 401, code: 'INVALID_CREDENTIALS' } as const;
const BAD_TOKEN = { status: 401, code: 'TOKEN_INVALID' } as const;
const EXPIRED = { status: 401, code: 'TOKEN_EXPIRED' } as const;
const FORBIDDEN = { status: 403, code: 'INSUFFICIENT_PERMISSIONS' } as const;
const NOT_FOUND = { status: 404, code: 'RESOURCE_NOT_FOUND' } as const;
const NO_ROUTE = { status: 404, code: 'ROUTE_NOT_FOUND' } as const;
const EMAIL_TAKEN = { status: 409, code: 'EMAIL_ALREADY_EXISTS' } as const;
const LAST_ADMIN = { status: 409, code: 'LAST_ADMIN' } as const;
const TOO_LARGE = { status: 413, code: 'PAYLOAD_TOO_LARGE' } as const;
const MEDIA = { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' } as const;

const STRONG = 'a long unguessable passphrase';
const NUL = '\u0000';
const LONE = '\ud800';
const SQLI = "' OR '1'='1' --";

/** Valid bodies of the protected body routes: a case that sends one has only its token or id wrong. */
const VALID_BODY: Partial<Record<RouteName, (f: Fixtures) => Json>> = {
  logout: (f) => ({ refreshToken: f.user.refreshToken }),
  tasksCreate: () => ({ title: 'Must never be created' }),
  tasksUpdate: () => ({ title: 'Must never be written', completed: true }),
  usersMeUpdate: () => ({ email: 'renamed@example.com', currentPassword: PASSWORD }),
  usersMeDelete: () => ({ currentPassword: PASSWORD }),
  usersUpdate: () => ({ role: 'ADMIN' }),
};

const DEFAULT_ID: Partial<Record<RouteName, (f: Fixtures) => string>> = {
  sessionsDelete: (f) => f.spareSession,
  usersGet: (f) => f.other.id,
  usersUpdate: (f) => f.other.id,
  usersDelete: (f) => f.other.id,
  tasksGet: (f) => f.userTask,
  tasksUpdate: (f) => f.userTask,
  tasksDelete: (f) => f.userTask,
};

const SECRET = new TextEncoder().encode(TEST_ENV.JWT_SECRET);
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());
const sessionOf = (token: string): string => claimsOf(token).sid;

/** Re-signs an access token's claims with changes: what only a key holder (or a forger) could do. */
async function forge(
  token: string,
  options: { claims?: object; key?: Uint8Array; alg?: string; exp?: number | null } = {},
): Promise<string> {
  const { exp, ...claims } = claimsOf(token);
  const jwt = new SignJWT({ ...claims, ...options.claims }).setProtectedHeader({
    alg: options.alg ?? 'HS256',
    typ: 'JWT',
  });
  if (options.exp !== null) jwt.setExpirationTime(options.exp ?? exp);
  return jwt.sign(options.key ?? SECRET);
}

const base64url = (text: string) => Buffer.from(text).toString('base64url');
const asUser = (f: Fixtures) => `Bearer ${f.user.accessToken}`;
const asAdmin = (f: Fixtures) => `Bearer ${f.admin.accessToken}`;

// Bodies every body route must refuse, whatever its schema.
const CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/jsonp',
  'application/json-patch+json',
  'text/json',
  'application/xml',
  'application/merge-patch+json',
  'text/html',
  'application/octet-stream',
  'application/vnd.api+json',
];

const BODY_ROUTES = [
  'register',
  'login',
  'refresh',
  'logout',
  'tasksCreate',
  'tasksUpdate',
  'usersMeUpdate',
  'usersUpdate',
  'emailConfirm',
  'emailCancel',
  'passwordForgot',
  'passwordReset',
] as const satisfies readonly RouteName[];

const malformedBodies: Case[] = BODY_ROUTES.flatMap((route, index): Case[] => [
  { route, what: 'truncated JSON', raw: '{"title":', ...INVALID },
  { route, what: 'single-quoted JSON', raw: "{'title':'x'}", ...INVALID },
  { route, what: 'a trailing comma', raw: '{"title":"x",}', ...INVALID },
  { route, what: 'two concatenated objects', raw: '{"title":"x"}{"role":"ADMIN"}', ...INVALID },
  { route, what: 'a whitespace-only body', raw: ' \n\t ', ...INVALID },
  { route, what: 'a JSON array', raw: '[{"title":"x"}]', ...INVALID },
  { route, what: 'JSON null', raw: 'null', ...INVALID },
  { route, what: 'a number too large for a double', raw: '1e400', ...INVALID },
  { route, what: 'a __proto__ key', raw: '{"__proto__":{"role":"ADMIN"}}', ...INVALID },
  { route, what: 'a constructor.prototype key', raw: '{"constructor":{"prototype":{"role":"ADMIN"}}}', ...INVALID },
  { route, what: 'arrays nested 5,000 deep', raw: `{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`, ...INVALID },
  {
    route,
    what: 'objects nested 3,000 deep',
    raw: `${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`,
    ...INVALID,
  },
  // Multi-byte on even routes: the limit counts bytes, not characters.
  {
    route,
    what: 'a body over 64 KiB',
    raw: `{"title":"${(index % 2 ? 'x' : 'é').repeat(index % 2 ? 64 * 1024 : 33 * 1024)}"}`,
    ...TOO_LARGE,
  },
  {
    route,
    what: `Content-Type ${CONTENT_TYPES[index % CONTENT_TYPES.length]}`,
    raw: '{}',
    contentType: CONTENT_TYPES[index % CONTENT_TYPES.length],
    ...MEDIA,
  },
  { route, what: 'no Content-Type', raw: '{}', contentType: null, ...MEDIA },
  {
    route,
    what: 'two Content-Type headers',
    raw: '{}',
    contentType: null,
    multiValueHeaders: { 'Content-Type': ['text/plain', 'application/json'] },
    ...MEDIA,
  },
  // POST /auth/logout takes no body at all: an empty one is a plain logout, not a bad request.
  ...(route === 'logout' ? [] : [{ route, what: 'an empty body', raw: '', ...INVALID }]),
]);

const registerCases: Case[] = [
  { route: 'register', what: 'no email', body: { password: STRONG }, ...INVALID },
  { route: 'register', what: 'an email that is a number', body: { email: 42, password: STRONG }, ...INVALID },
  {
    route: 'register',
    what: 'an email that is an array',
    body: { email: ['a@example.com'], password: STRONG },
    ...INVALID,
  },
  {
    route: 'register',
    what: 'an operator object as email',
    body: { email: { $ne: null }, password: STRONG },
    ...INVALID,
  },
  { route: 'register', what: 'an empty email', body: { email: '', password: STRONG }, ...INVALID },
  { route: 'register', what: 'a whitespace email', body: { email: ' \t ', password: STRONG }, ...INVALID },
  {
    route: 'register',
    what: 'a NUL in the email',
    body: { email: `a${NUL}@example.com`, password: STRONG },
    ...INVALID,
  },
  {
    route: 'register',
    what: 'a lone surrogate in the email',
    body: { email: `a${LONE}@example.com`, password: STRONG },
    ...INVALID,
  },
  {
    route: 'register',
    what: 'a 255-character email',
    body: { email: `${'a'.repeat(243)}@example.com`, password: STRONG },
    ...INVALID,
  },
  { route: 'register', what: 'SQL injection as email', body: { email: SQLI, password: STRONG }, ...INVALID },
  {
    route: 'register',
    what: 'SQL injection after an email',
    body: { email: "x@example.com'; drop table users; --", password: STRONG },
    ...INVALID,
  },
  {
    route: 'register',
    what: 'JSON injection in the email',
    body: { email: 'x@example.com","role":"ADMIN', password: STRONG },
    ...INVALID,
  },
  { route: 'register', what: 'no password', body: { email: 'np@example.com' }, ...INVALID },
  { route: 'register', what: 'an empty password', body: { email: 'ep@example.com', password: '' }, ...INVALID },
  {
    route: 'register',
    what: 'a 7-character password',
    body: { email: 'sp@example.com', password: 'short12' },
    ...INVALID,
  },
  { route: 'register', what: 'a common password', body: { email: 'cp@example.com', password: 'Password' }, ...INVALID },
  {
    route: 'register',
    what: 'a 129-code-point password',
    body: { email: 'lp@example.com', password: '😀'.repeat(129) },
    ...INVALID,
  },
  {
    route: 'register',
    what: 'a password with a NUL',
    body: { email: 'nul@example.com', password: `${STRONG}${NUL}` },
    ...INVALID,
  },
  {
    route: 'register',
    what: 'a password with a lone surrogate',
    body: { email: 'ls@example.com', password: `${STRONG}${LONE}` },
    ...INVALID,
  },
  {
    route: 'register',
    what: 'a password that is a number',
    body: { email: 'n@example.com', password: 12345678 },
    ...INVALID,
  },
  {
    route: 'register',
    what: 'a password that is a huge number',
    raw: '{"email":"h@example.com","password":1e400}',
    ...INVALID,
  },
  {
    route: 'register',
    what: 'a role field',
    body: { email: 'role@example.com', password: STRONG, role: 'ADMIN' },
    ...INVALID,
  },
  {
    route: 'register',
    what: 'an id field',
    body: { email: 'id@example.com', password: STRONG, id: randomUUID() },
    ...INVALID,
  },
  {
    route: 'register',
    what: 'a plain constructor key',
    body: { email: 'ctor@example.com', password: STRONG, constructor: 'x' },
    ...INVALID,
  },
  {
    route: 'register',
    what: 'a duplicated key whose last value is bad',
    raw: `{"email":"dup@example.com","password":"${STRONG}","email":"not-an-email"}`,
    ...INVALID,
  },
  {
    route: 'register',
    what: 'a taken email in another case',
    body: (f) => ({ email: ` ${f.user.email.toUpperCase()} `, password: STRONG }),
    ...EMAIL_TAKEN,
  },
];

const loginCases: Case[] = [
  { route: 'login', what: 'no password', body: { email: 'a@example.com' }, ...INVALID },
  { route: 'login', what: 'an empty password', body: { email: 'a@example.com', password: '' }, ...INVALID },
  {
    route: 'login',
    what: 'a 129-character password',
    body: { email: 'a@example.com', password: 'p'.repeat(129) },
    ...INVALID,
  },
  {
    route: 'login',
    what: 'an operator object as password',
    body: { email: 'a@example.com', password: { $gt: '' } },
    ...INVALID,
  },
  { route: 'login', what: 'a boolean password', body: { email: 'a@example.com', password: true }, ...INVALID },
  { route: 'login', what: 'SQL injection as email', body: { email: SQLI, password: STRONG }, ...INVALID },
  { route: 'login', what: 'an email with a NUL', body: { email: `a@example.com${NUL}`, password: STRONG }, ...INVALID },
  {
    route: 'login',
    what: 'a role field',
    body: { email: 'a@example.com', password: STRONG, role: 'ADMIN' },
    ...INVALID,
  },
  {
    route: 'login',
    what: 'an unknown email',
    body: { email: 'nobody-1@example.com', password: STRONG },
    ...CREDENTIALS,
  },
  {
    route: 'login',
    what: 'an unknown email and SQL injection as password',
    body: { email: 'nobody-2@example.com', password: SQLI },
    ...CREDENTIALS,
  },
  {
    route: 'login',
    what: "SQL injection as the user's password",
    body: (f) => ({ email: f.user.email, password: SQLI }),
    ...CREDENTIALS,
  },
  {
    route: 'login',
    what: "the user's email in capitals with a wrong password",
    body: (f) => ({ email: `  ${f.user.email.toUpperCase()} `, password: `${PASSWORD}!` }),
    ...CREDENTIALS,
  },
];

const refreshCases: Case[] = [
  { route: 'refresh', what: 'no refresh token', body: {}, ...INVALID },
  { route: 'refresh', what: 'a numeric refresh token', body: { refreshToken: 42 }, ...INVALID },
  { route: 'refresh', what: 'a null refresh token', body: { refreshToken: null }, ...INVALID },
  { route: 'refresh', what: 'an empty refresh token', body: { refreshToken: '' }, ...INVALID },
  { route: 'refresh', what: 'a 513-character refresh token', body: { refreshToken: 'A'.repeat(513) }, ...INVALID },
  { route: 'refresh', what: 'SQL injection as refresh token', body: { refreshToken: SQLI }, ...INVALID },
  {
    route: 'refresh',
    what: 'an access token as refresh token',
    body: (f) => ({ refreshToken: f.user.accessToken }),
    ...INVALID,
  },
  {
    route: 'refresh',
    what: 'a refresh token padded with spaces',
    body: (f) => ({ refreshToken: ` ${f.user.refreshToken} ` }),
    ...INVALID,
  },
  {
    route: 'refresh',
    what: 'a refresh token with a NUL',
    body: (f) => ({ refreshToken: `${f.user.refreshToken}${NUL}` }),
    ...INVALID,
  },
  {
    route: 'refresh',
    what: 'JSON injection in the refresh token',
    body: { refreshToken: 'abc","refreshToken":"def' },
    ...INVALID,
  },
  {
    route: 'refresh',
    what: 'an extra field',
    body: (f) => ({ refreshToken: f.user.refreshToken, userId: f.admin.id }),
    ...INVALID,
  },
  { route: 'refresh', what: 'an unknown refresh token', body: { refreshToken: 'A'.repeat(43) }, ...BAD_TOKEN },
  {
    route: 'refresh',
    what: "an access token's signature as refresh token",
    body: (f) => ({ refreshToken: f.user.accessToken.split('.')[2] }),
    ...BAD_TOKEN,
  },
  {
    route: 'refresh',
    what: "a revoked session's refresh token",
    body: (f) => ({ refreshToken: f.revoked.refreshToken }),
    ...BAD_TOKEN,
  },
  {
    route: 'refresh',
    what: 'an expired refresh token',
    body: (f) => ({ refreshToken: f.expiredRefreshToken }),
    ...EXPIRED,
  },
];

const logoutCases: Case[] = [
  { route: 'logout', what: 'a numeric refresh token', body: { refreshToken: 7 }, ...INVALID },
  { route: 'logout', what: 'a null refresh token', body: { refreshToken: null }, ...INVALID },
  { route: 'logout', what: 'an empty refresh token', body: { refreshToken: '' }, ...INVALID },
  { route: 'logout', what: 'a refresh token with dots', body: { refreshToken: 'a.b.c' }, ...INVALID },
  { route: 'logout', what: 'an unknown field', body: { all: true }, ...INVALID },
];

const taskBodyCases: Case[] = [
  { route: 'tasksCreate', what: 'no title', body: { description: 'x' }, ...INVALID },
  { route: 'tasksCreate', what: 'a numeric title', body: { title: 7 }, ...INVALID },
  { route: 'tasksCreate', what: 'a null title', body: { title: null }, ...INVALID },
  { route: 'tasksCreate', what: 'an array title', body: { title: ['x'] }, ...INVALID },
  { route: 'tasksCreate', what: 'an object title', body: { title: { toString: 'x' } }, ...INVALID },
  { route: 'tasksCreate', what: 'an empty title', body: { title: '' }, ...INVALID },
  { route: 'tasksCreate', what: 'a whitespace title', body: { title: ' \t\n ' }, ...INVALID },
  { route: 'tasksCreate', what: 'a title of Unicode spaces', body: { title: '\u3000\u00a0\u2003' }, ...INVALID },
  { route: 'tasksCreate', what: 'a title with a NUL', body: { title: `a${NUL}b` }, ...INVALID },
  { route: 'tasksCreate', what: 'a title with a lone surrogate', body: { title: `a${LONE}b` }, ...INVALID },
  { route: 'tasksCreate', what: 'an unescaped lone surrogate', raw: `{"title":"a${'\udc00'}b"}`, ...INVALID },
  { route: 'tasksCreate', what: 'a 201-character title', body: { title: 'x'.repeat(201) }, ...INVALID },
  { route: 'tasksCreate', what: 'a 201-emoji title', body: { title: '👍'.repeat(201) }, ...INVALID },
  { route: 'tasksCreate', what: 'a numeric description', body: { title: 'x', description: 1 }, ...INVALID },
  {
    route: 'tasksCreate',
    what: 'a 10,001-character description',
    body: { title: 'x', description: 'd'.repeat(10_001) },
    ...INVALID,
  },
  { route: 'tasksCreate', what: 'a description with a NUL', body: { title: 'x', description: NUL }, ...INVALID },
  { route: 'tasksCreate', what: 'completed as a string', body: { title: 'x', completed: 'true' }, ...INVALID },
  { route: 'tasksCreate', what: 'completed as 1', body: { title: 'x', completed: 1 }, ...INVALID },
  { route: 'tasksCreate', what: 'completed as null', body: { title: 'x', completed: null }, ...INVALID },
  {
    route: 'tasksCreate',
    what: "another user's userId",
    body: (f) => ({ title: 'x', userId: f.other.id }),
    ...INVALID,
  },
  { route: 'tasksCreate', what: 'an id field', body: { title: 'x', id: randomUUID() }, ...INVALID },
  {
    route: 'tasksCreate',
    what: 'a createdAt field',
    body: { title: 'x', createdAt: '2000-01-01T00:00:00Z' },
    ...INVALID,
  },
  { route: 'tasksUpdate', what: 'an empty object', body: {}, ...INVALID },
  { route: 'tasksUpdate', what: 'a null title', body: { title: null }, ...INVALID },
  { route: 'tasksUpdate', what: 'an empty title', body: { title: '' }, ...INVALID },
  { route: 'tasksUpdate', what: 'a whitespace title', body: { title: '   ' }, ...INVALID },
  { route: 'tasksUpdate', what: 'completed as "false"', body: { completed: 'false' }, ...INVALID },
  { route: 'tasksUpdate', what: 'completed as 0', body: { completed: 0 }, ...INVALID },
  { route: 'tasksUpdate', what: 'a numeric description', body: { description: 5 }, ...INVALID },
  { route: 'tasksUpdate', what: 'a description with a lone surrogate', body: { description: LONE }, ...INVALID },
  {
    route: 'tasksUpdate',
    what: 'a 10,001-character description',
    body: { description: 'd'.repeat(10_001) },
    ...INVALID,
  },
  { route: 'tasksUpdate', what: "a move to another user's account", body: (f) => ({ userId: f.other.id }), ...INVALID },
  {
    route: 'tasksUpdate',
    what: 'a valid field next to an unknown one',
    body: { completed: true, done: true },
    ...INVALID,
  },
  {
    route: 'tasksUpdate',
    what: "a valid change to another user's task",
    id: (f) => f.otherTask,
    body: { completed: true },
    ...NOT_FOUND,
  },
];

const userBodyCases: Case[] = [
  { route: 'usersMeUpdate', what: 'no current password', body: { email: 'new@example.com' }, ...INVALID },
  { route: 'usersMeUpdate', what: 'nothing to change', body: { currentPassword: PASSWORD }, ...INVALID },
  { route: 'usersMeUpdate', what: 'a role change', body: { role: 'ADMIN', currentPassword: PASSWORD }, ...INVALID },
  {
    route: 'usersMeUpdate',
    what: 'a numeric current password',
    body: { email: 'new@example.com', currentPassword: 12345678 },
    ...INVALID,
  },
  {
    route: 'usersMeUpdate',
    what: 'a 129-character current password',
    body: { email: 'new@example.com', currentPassword: 'p'.repeat(129) },
    ...INVALID,
  },
  {
    route: 'usersMeUpdate',
    what: 'an invalid email',
    body: { email: 'not-an-email', currentPassword: PASSWORD },
    ...INVALID,
  },
  { route: 'usersMeUpdate', what: 'a null email', body: { email: null, currentPassword: PASSWORD }, ...INVALID },
  {
    route: 'usersMeUpdate',
    what: 'a common new password',
    body: { password: 'password1', currentPassword: PASSWORD },
    ...INVALID,
  },
  {
    route: 'usersMeUpdate',
    what: 'a short new password',
    body: { password: 'short', currentPassword: PASSWORD },
    ...INVALID,
  },
  {
    route: 'usersMeUpdate',
    what: 'a new password with a NUL',
    body: { password: `${STRONG}${NUL}`, currentPassword: PASSWORD },
    ...INVALID,
  },
  {
    route: 'usersMeUpdate',
    what: 'a wrong current password',
    body: { email: 'new@example.com', currentPassword: `${PASSWORD}?` },
    ...CREDENTIALS,
  },
  {
    route: 'usersMeUpdate',
    what: 'SQL injection as current password',
    body: { password: STRONG, currentPassword: SQLI },
    ...CREDENTIALS,
  },
  { route: 'usersMeDelete', what: 'no current password', body: {}, ...INVALID },
  {
    route: 'usersMeDelete',
    what: 'a key next to the current password',
    body: { currentPassword: PASSWORD, force: true },
    ...INVALID,
  },
  {
    route: 'usersMeDelete',
    what: 'a current password with a NUL',
    body: { currentPassword: `${PASSWORD}${NUL}` },
    ...INVALID,
  },
  {
    route: 'usersMeDelete',
    what: 'a wrong current password',
    body: { currentPassword: `${PASSWORD}!` },
    ...CREDENTIALS,
  },
  {
    route: 'usersMeDelete',
    what: 'SQL injection as current password',
    body: { currentPassword: SQLI },
    ...CREDENTIALS,
  },
  { route: 'usersUpdate', what: 'an unknown role', body: { role: 'SUPERADMIN' }, ...INVALID },
  { route: 'usersUpdate', what: 'a lower-case role', body: { role: 'admin' }, ...INVALID },
  { route: 'usersUpdate', what: 'a role in an array', body: { role: ['ADMIN'] }, ...INVALID },
  { route: 'usersUpdate', what: 'a null role', body: { role: null }, ...INVALID },
  { route: 'usersUpdate', what: 'SQL injection as role', body: { role: "ADMIN' --" }, ...INVALID },
  { route: 'usersUpdate', what: 'an empty object', body: {}, ...INVALID },
  {
    route: 'usersUpdate',
    what: 'an email next to the role',
    body: { role: 'ADMIN', email: 'x@example.com' },
    ...INVALID,
  },
  {
    route: 'usersUpdate',
    what: 'the last admin demoting itself',
    id: (f) => f.admin.id,
    body: { role: 'USER' },
    ...LAST_ADMIN,
  },
  {
    route: 'usersUpdate',
    what: 'a role change of a missing user',
    id: () => randomUUID(),
    body: { role: 'USER' },
    ...NOT_FOUND,
  },
  { route: 'usersDelete', what: 'the last admin deleting itself', id: (f) => f.admin.id, ...LAST_ADMIN },
];

// Ids that are not UUIDs, spread over the routes taking one: each is simply not found.
const ID_ROUTES = [
  'sessionsDelete',
  'usersGet',
  'usersUpdate',
  'usersDelete',
  'tasksGet',
  'tasksUpdate',
  'tasksDelete',
] as const satisfies readonly RouteName[];

const BAD_IDS: [string, (f: Fixtures) => string][] = [
  ['a number', () => '123'],
  ['a word', () => 'me'],
  ['a traversal', () => '../../etc/passwd'],
  ['an encoded traversal', () => '..%2F..%2Fusers'],
  ['SQL injection', () => SQLI],
  ['a UUID with a bad digit', () => '00000000-0000-0000-0000-00000000000g'],
  ['a UUID with a trailing space', (f) => `${f.userTask} `],
  ['a UUID without dashes', (f) => f.userTask.replaceAll('-', '')],
  ['a UUID in braces', (f) => `{${f.userTask}}`],
  ['a UUID with a NUL', (f) => `${f.userTask}${NUL}`],
  ['a lone surrogate', () => LONE],
  ['an empty string', () => ''],
  ['10,000 characters', () => 'a'.repeat(10_000)],
  ['__proto__', () => '__proto__'],
  ['two UUIDs', (f) => `${f.userTask}/${f.otherTask}`],
  ['a UUID and a traversal', (f) => `${f.otherTask}/..`],
  ['a wildcard', () => '*'],
  ['null', () => 'null'],
  ['JSON', (f) => `{"id":"${f.userTask}"}`],
  ['an array', (f) => `[${f.userTask}]`],
  ['a UUID in full-width digits', () => '０'.repeat(8)],
];

const idCases: Case[] = [
  ...BAD_IDS.map(
    ([what, id], index): Case => ({
      route: ID_ROUTES[index % ID_ROUTES.length] ?? 'tasksGet',
      what: `${what} as id`,
      id,
      ...NOT_FOUND,
    }),
  ),
  ...ID_ROUTES.map(
    (route): Case => ({ route, what: 'the nil UUID', id: '00000000-0000-0000-0000-000000000000', ...NOT_FOUND }),
  ),
  ...ID_ROUTES.map((route): Case => ({ route, what: 'an unknown UUID', id: () => randomUUID(), ...NOT_FOUND })),
  { route: 'tasksGet', what: "another user's task", id: (f) => f.otherTask, ...NOT_FOUND },
  { route: 'tasksDelete', what: "another user's task", id: (f) => f.otherTask, ...NOT_FOUND },
  { route: 'sessionsDelete', what: "another user's session", id: (f) => f.otherSession, ...NOT_FOUND },
  {
    route: 'sessionsDelete',
    what: 'an already revoked session',
    id: (f) => sessionOf(f.revoked.accessToken),
    ...NOT_FOUND,
  },
];

const tasksQueryCases: Case[] = [
  ...(
    [
      ['page', '0'],
      ['page', '-1'],
      ['page', '1.5'],
      ['page', 'abc'],
      ['page', ''],
      ['page', ' 1'],
      ['page', '+1'],
      ['page', '1e3'],
      ['page', '0x10'],
      ['page', '99999999999'],
      ['page', '1000001'],
      ['page', '１'],
      ['page', `1${NUL}`],
      ['pageSize', '0'],
      ['pageSize', '101'],
      ['pageSize', '-20'],
      ['pageSize', '2.5'],
      ['pageSize', 'NaN'],
      ['pageSize', 'Infinity'],
      ['completed', 'yes'],
      ['completed', '1'],
      ['completed', 'TRUE'],
      ['completed', ''],
      ['sort', 'password'],
      ['sort', 'title; drop table tasks'],
      ['sort', 'createdAt,title'],
      ['sort', '-'],
      ['q', ''],
      ['q', '   '],
      ['q', `a${NUL}`],
      ['q', LONE],
      ['q', 'q'.repeat(201)],
      ['userId', 'abc'],
      ['userId', SQLI],
      ['scope', 'ALL'],
      ['limit', '0'],
      ['limit', '101'],
      ['limit', 'ten'],
      ['limit', ''],
      ['cursor', ''],
      ['cursor', 'garbage'],
      ['cursor', 'a.b'],
      ['cursor', 'x'.repeat(3000)],
      ['offset', '0'],
      ['constructor', 'x'],
    ] as const
  ).map(
    ([key, value]): Case => ({
      route: 'tasksList',
      what: `${key}=${JSON.stringify(value)}`,
      query: { [key]: value },
      ...INVALID,
    }),
  ),
  { route: 'tasksList', what: 'a __proto__ parameter', query: JSON.parse('{"__proto__":"1"}'), ...INVALID },
  { route: 'tasksList', what: 'page given twice', query: { page: ['1', '2'] }, ...INVALID },
  { route: 'tasksList', what: 'sort given twice', query: { sort: ['title', '-title'] }, ...INVALID },
  { route: 'tasksList', what: 'q given twice, the same', query: { q: ['x', 'x'] }, ...INVALID },
  { route: 'tasksList', what: 'scope=all from a user', query: { scope: 'all' }, ...FORBIDDEN },
  {
    route: 'tasksList',
    what: "another user's userId from a user",
    query: (f) => ({ userId: f.other.id }),
    ...FORBIDDEN,
  },
  {
    route: 'tasksList',
    what: 'userId with scope=all',
    auth: asAdmin,
    query: (f) => ({ userId: f.other.id, scope: 'all' }),
    ...INVALID,
  },
];

/** A real cursor page's nextCursor for `account`, so a case can replay it where it does not belong. */
async function cursorOf(account: Registered, query: Record<string, string> = {}): Promise<string> {
  const reply = await invoke(listTasks, { headers: bearer(account.accessToken), query: { limit: '1', ...query } });
  return reply.body.meta.nextCursor;
}

async function sinceOf(account: Registered): Promise<string> {
  const reply = await invoke(tasksChanges, { headers: bearer(account.accessToken) });
  return reply.body.data.nextSince;
}

const tamper = (cursor: string) => {
  const [payload = '', signature = ''] = cursor.split('.');
  const value = JSON.parse(Buffer.from(payload, 'base64url').toString());
  return `${Buffer.from(JSON.stringify({ ...value, i: randomUUID() })).toString('base64url')}.${signature}`;
};

const syncCases: Case[] = [
  { route: 'tasksList', what: 'cursor with page', query: (f) => ({ page: '1', cursor: f.cursor }), ...INVALID },
  { route: 'tasksList', what: 'limit with pageSize', query: { limit: '5', pageSize: '5' }, ...INVALID },
  { route: 'tasksList', what: 'a tampered cursor', query: (f) => ({ cursor: tamper(f.cursor) }), ...INVALID },
  { route: 'tasksList', what: "another user's cursor", query: (f) => ({ cursor: f.otherCursor }), ...INVALID },
  {
    route: 'tasksList',
    what: 'a cursor of another sort',
    query: (f) => ({ cursor: f.cursor, sort: 'title' }),
    ...INVALID,
  },
  { route: 'tasksList', what: 'cursor given twice', query: (f) => ({ cursor: [f.cursor, f.cursor] }), ...INVALID },
  { route: 'tasksChanges', what: 'since=""', query: { since: '' }, ...INVALID },
  { route: 'tasksChanges', what: 'since=garbage', query: { since: 'garbage' }, ...INVALID },
  { route: 'tasksChanges', what: 'a tampered since', query: (f) => ({ since: tamper(f.since) }), ...INVALID },
  { route: 'tasksChanges', what: "another user's since", query: (f) => ({ since: f.otherSince }), ...INVALID },
  { route: 'tasksChanges', what: 'a list cursor as since', query: (f) => ({ since: f.cursor }), ...INVALID },
  { route: 'tasksChanges', what: 'limit=0', query: { limit: '0' }, ...INVALID },
  { route: 'tasksChanges', what: 'limit=501', query: { limit: '501' }, ...INVALID },
  { route: 'tasksChanges', what: 'an unknown parameter', query: { after: '1' }, ...INVALID },
  {
    route: 'tasksChanges',
    what: 'a since older than TOMBSTONE_TTL',
    query: (f) => ({
      since: encodeSyncCursor(f.user.id, {
        xid: '1',
        id: '00000000-0000-0000-0000-000000000000',
        at: Date.now() - 400 * 86_400_000,
      }),
    }),
    status: 410,
    code: 'SYNC_CURSOR_EXPIRED',
  },
  { route: 'tasksChanges', what: 'no token', auth: null, ...REQUIRED },
  { route: 'tasksCreate', what: 'an empty Idempotency-Key', headers: { 'Idempotency-Key': '' }, ...INVALID },
  {
    route: 'tasksCreate',
    what: 'a 256-character Idempotency-Key',
    headers: { 'Idempotency-Key': 'k'.repeat(256) },
    ...INVALID,
  },
  { route: 'tasksCreate', what: 'a non-ASCII Idempotency-Key', headers: { 'Idempotency-Key': 'cl\u00e9' }, ...INVALID },
  { route: 'tasksCreate', what: 'an Idempotency-Key with a space', headers: { 'Idempotency-Key': 'a b' }, ...INVALID },
  {
    route: 'tasksCreate',
    what: 'an Idempotency-Key with a NUL',
    headers: { 'Idempotency-Key': `a${NUL}b` },
    ...INVALID,
  },
  {
    route: 'tasksCreate',
    what: 'a used Idempotency-Key with another body',
    headers: { 'Idempotency-Key': HOSTILE_KEY },
    status: 422,
    code: 'IDEMPOTENCY_KEY_REUSED',
  },
  {
    route: 'tasksCreate',
    what: 'a good Idempotency-Key on a bad body',
    headers: { 'Idempotency-Key': randomUUID() },
    body: { title: '' },
    ...INVALID,
  },
  {
    route: 'tasksUpdate',
    what: 'a stale If-Match',
    headers: { 'If-Match': '"99"' },
    status: 412,
    code: 'PRECONDITION_FAILED',
  },
  {
    route: 'tasksUpdate',
    what: 'a weak If-Match',
    headers: { 'If-Match': 'W/"1"' },
    status: 412,
    code: 'PRECONDITION_FAILED',
  },
  { route: 'tasksUpdate', what: 'an unquoted If-Match', headers: { 'If-Match': '1' }, ...INVALID },
  { route: 'tasksUpdate', what: 'an If-Match with SQL', headers: { 'If-Match': SQLI }, ...INVALID },
  {
    route: 'tasksDelete',
    what: 'a stale If-Match',
    headers: { 'If-Match': '"2"' },
    status: 412,
    code: 'PRECONDITION_FAILED',
  },
  { route: 'tasksDelete', what: 'an empty If-Match', headers: { 'If-Match': '' }, ...INVALID },
  {
    route: 'tasksDelete',
    what: "a matching If-Match on another user's task",
    id: (f) => f.otherTask,
    headers: { 'If-Match': '"1"' },
    ...NOT_FOUND,
  },
  { route: 'tasksGet', what: 'a malformed If-None-Match', headers: { 'If-None-Match': '"1' }, ...INVALID },
  {
    route: 'tasksGet',
    what: 'an If-None-Match of 2,000 characters',
    headers: { 'If-None-Match': `"${'1'.repeat(2000)}"` },
    ...INVALID,
  },
  {
    route: 'tasksGet',
    what: "If-None-Match: * on another user's task",
    id: (f) => f.otherTask,
    headers: { 'If-None-Match': '*' },
    ...NOT_FOUND,
  },
];

const usersQueryCases: Case[] = [
  ...(
    [
      ['page', '0'],
      ['page', '-5'],
      ['page', 'one'],
      ['pageSize', '101'],
      ['pageSize', '0.5'],
      ['role', 'SUPERUSER'],
      ['role', 'admin'],
      ['role', "ADMIN' or '1'='1"],
      ['q', ''],
      ['q', 'q'.repeat(255)],
      ['q', `x${NUL}`],
      ['q', `x${LONE}`],
      ['email', 'a@example.com'],
      ['sort', 'email'],
    ] as const
  ).map(
    ([key, value]): Case => ({
      route: 'usersList',
      what: `${key}=${JSON.stringify(value)}`,
      query: { [key]: value },
      ...INVALID,
    }),
  ),
  { route: 'usersList', what: 'role given twice', query: { role: ['USER', 'ADMIN'] }, ...INVALID },
];

const PROTECTED = (Object.keys(ROUTES) as RouteName[]).filter((route) => routeSpec(route).auth !== 'none');
const ADMIN_ROUTES = PROTECTED.filter((route) => routeSpec(route).auth === 'admin');

// Bearer tokens that must not authenticate, spread over the protected routes (each with a valid body and id).
const TOKENS: [string, Lazy<string>, { status: number; code: ErrorCode }][] = [
  ['a Basic authorization', 'Basic dXNlcjpwYXNz', REQUIRED],
  ['another scheme', (f) => `Token ${f.user.accessToken}`, REQUIRED],
  ['a scheme glued to the token', (f) => `Bearer${f.user.accessToken}`, REQUIRED],
  ['an empty Authorization header', '', REQUIRED],
  ['Bearer without a token', 'Bearer', BAD_TOKEN],
  ['Bearer and a space', 'Bearer ', BAD_TOKEN],
  ['a tab after Bearer', (f) => `Bearer\t${f.user.accessToken}`, BAD_TOKEN],
  ['two tokens in one header', (f) => `Bearer ${f.user.accessToken} ${f.user.accessToken}`, BAD_TOKEN],
  ['two comma-joined credentials', (f) => `Bearer ${f.user.accessToken}, Bearer ${f.admin.accessToken}`, BAD_TOKEN],
  ['garbage', 'Bearer not.a.jwt', BAD_TOKEN],
  ['a token with a NUL', (f) => `Bearer ${f.user.accessToken}${NUL}`, BAD_TOKEN],
  ['a non-ASCII token', 'Bearer tökén', BAD_TOKEN],
  ['a 16,000-character token', `Bearer ${'A'.repeat(16_000)}`, BAD_TOKEN],
  [
    'a JWT with a 12,000-character payload',
    (f) => {
      const [header, , signature] = f.user.accessToken.split('.');
      return `Bearer ${header}.${'A'.repeat(12_000)}.${signature}`;
    },
    BAD_TOKEN,
  ],
  ['a truncated token', (f) => `Bearer ${f.user.accessToken.slice(0, -6)}`, BAD_TOKEN],
  [
    "another token's signature",
    (f) => {
      const [header, payload] = f.user.accessToken.split('.');
      return `Bearer ${header}.${payload}.${f.admin.accessToken.split('.')[2]}`;
    },
    BAD_TOKEN,
  ],
  [
    "a payload rewritten to the admin's id",
    (f) => {
      const [header, payload, signature] = f.user.accessToken.split('.');
      const claims = { ...claimsOf(`.${payload}`), sub: f.admin.id, role: 'ADMIN' };
      return `Bearer ${header}.${base64url(JSON.stringify(claims))}.${signature}`;
    },
    BAD_TOKEN,
  ],
  [
    'alg none',
    (f) => `Bearer ${base64url('{"alg":"none","typ":"JWT"}')}.${f.user.accessToken.split('.')[1]}.`,
    BAD_TOKEN,
  ],
  [
    'another secret',
    async (f) => `Bearer ${await forge(f.user.accessToken, { key: new TextEncoder().encode('x'.repeat(48)) })}`,
    BAD_TOKEN,
  ],
  ['HS512 with our secret', async (f) => `Bearer ${await forge(f.user.accessToken, { alg: 'HS512' })}`, BAD_TOKEN],
  [
    'an expired token',
    async (f) => `Bearer ${await forge(f.user.accessToken, { exp: Math.floor(Date.now() / 1000) - 60 })}`,
    EXPIRED,
  ],
  ['a token without exp', async (f) => `Bearer ${await forge(f.user.accessToken, { exp: null })}`, BAD_TOKEN],
  ['another issuer', async (f) => `Bearer ${await forge(f.user.accessToken, { claims: { iss: 'evil' } })}`, BAD_TOKEN],
  [
    'another audience',
    async (f) => `Bearer ${await forge(f.user.accessToken, { claims: { aud: 'evil' } })}`,
    BAD_TOKEN,
  ],
  [
    'a refresh-typed JWT',
    async (f) => `Bearer ${await forge(f.user.accessToken, { claims: { typ: 'refresh' } })}`,
    BAD_TOKEN,
  ],
  [
    'an unknown role claim',
    async (f) => `Bearer ${await forge(f.user.accessToken, { claims: { role: 'ROOT' } })}`,
    BAD_TOKEN,
  ],
  [
    'a session id that is not a UUID',
    async (f) => `Bearer ${await forge(f.user.accessToken, { claims: { sid: SQLI } })}`,
    BAD_TOKEN,
  ],
  [
    'an unknown session id',
    async (f) => `Bearer ${await forge(f.user.accessToken, { claims: { sid: randomUUID() } })}`,
    BAD_TOKEN,
  ],
  [
    "another user's session id",
    async (f) => `Bearer ${await forge(f.user.accessToken, { claims: { sid: f.otherSession } })}`,
    BAD_TOKEN,
  ],
  ['a refresh token', (f) => `Bearer ${f.user.refreshToken}`, BAD_TOKEN],
  ["a revoked session's token", (f) => `Bearer ${f.revoked.accessToken}`, BAD_TOKEN],
  ["a deleted user's token", (f) => `Bearer ${f.deleted.accessToken}`, BAD_TOKEN],
];

const authCases: Case[] = [
  ...PROTECTED.map((route): Case => ({ route, what: 'no Authorization header', auth: null, ...REQUIRED })),
  ...TOKENS.map(
    ([what, auth, expected], index): Case => ({
      route: PROTECTED[(index * 7) % PROTECTED.length] ?? 'usersMeGet',
      what,
      auth,
      ...expected,
    }),
  ),
  {
    route: 'usersMeGet',
    what: 'a token in the query string only',
    auth: null,
    query: (f) => ({ access_token: f.user.accessToken }),
    ...REQUIRED,
  },
  {
    route: 'sessionsList',
    what: 'a token in a cookie only',
    auth: null,
    headers: { Cookie: 'token=abc' },
    ...REQUIRED,
  },
  { route: 'tasksList', what: 'an API key only', auth: null, headers: { 'X-Api-Key': 'abc' }, ...REQUIRED },
  {
    route: 'tasksCreate',
    what: 'two Authorization headers, both valid',
    auth: null,
    multiValueHeaders: (f) => ({ Authorization: [asUser(f), asUser(f)] }),
    ...BAD_TOKEN,
  },
  {
    route: 'usersDelete',
    what: 'two Authorization headers, the last an admin',
    auth: null,
    multiValueHeaders: (f) => ({ Authorization: ['Bearer garbage', asAdmin(f)] }),
    ...BAD_TOKEN,
  },
  ...ADMIN_ROUTES.map((route): Case => ({ route, what: "a user's valid token", auth: asUser, ...FORBIDDEN })),
  ...ADMIN_ROUTES.map(
    (route): Case => ({
      route,
      what: 'a signed ADMIN claim on a USER session',
      auth: async (f) => `Bearer ${await forge(f.user.accessToken, { claims: { role: 'ADMIN' } })}`,
      ...FORBIDDEN,
    }),
  ),
  // RFC 6750 schemes are case-insensitive: these tokens pass, and the bad input behind them is caught.
  {
    route: 'tasksCreate',
    what: 'a lower-case scheme and an empty title',
    auth: (f) => `bearer ${f.user.accessToken}`,
    body: { title: '' },
    ...INVALID,
  },
  {
    route: 'tasksList',
    what: 'an upper-case scheme and page=0',
    auth: (f) => `BEARER ${f.user.accessToken}`,
    query: { page: '0' },
    ...INVALID,
  },
];

// What API Gateway can deliver that a well-behaved client would not send.
const withoutHeaders = (event: APIGatewayProxyEvent) =>
  ({ ...event, headers: null, multiValueHeaders: null }) as unknown as APIGatewayProxyEvent;
const asBase64 = (event: APIGatewayProxyEvent) => ({
  ...event,
  body: Buffer.from(event.body ?? '').toString('base64'),
  isBase64Encoded: true,
});

const eventCases: Case[] = [
  {
    route: 'register',
    what: 'an event without headers',
    body: { email: 'a@example.com' },
    event: withoutHeaders,
    ...MEDIA,
  },
  { route: 'usersMeGet', what: 'an event without headers', event: withoutHeaders, ...REQUIRED },
  { route: 'tasksCreate', what: 'malformed base64-encoded JSON', raw: '{"title":', event: asBase64, ...INVALID },
  {
    route: 'tasksCreate',
    what: 'a base64-encoded body over 64 KiB',
    raw: `{"title":"${'x'.repeat(65_536)}"}`,
    event: asBase64,
    ...TOO_LARGE,
  },
  { route: 'notFound', what: 'a traversal to /etc/passwd', path: '/api/v1/../../etc/passwd', ...NO_ROUTE },
  { route: 'notFound', what: 'an encoded traversal', path: '/%2e%2e/%2e%2e/etc/passwd', ...NO_ROUTE },
  { route: 'notFound', what: 'a traversal out of /tasks', path: '/api/v1/tasks/../users', ...NO_ROUTE },
  { route: 'notFound', what: 'PUT /tasks', method: 'PUT', path: '/api/v1/tasks', ...NO_ROUTE },
  { route: 'notFound', what: 'POST /health', method: 'POST', path: '/api/v1/health', ...NO_ROUTE },
  { route: 'notFound', what: 'PUT /users/me', method: 'PUT', path: '/api/v1/users/me', ...NO_ROUTE },
  { route: 'notFound', what: 'TRACE /', method: 'TRACE', path: '/', ...NO_ROUTE },
  { route: 'notFound', what: 'an API version that does not exist', path: '/api/v2/tasks', ...NO_ROUTE },
  { route: 'notFound', what: 'a NUL in the path', path: `/api/v1/tasks${NUL}`, ...NO_ROUTE },
];

const cases: Case[] = [
  ...malformedBodies,
  ...registerCases,
  ...loginCases,
  ...refreshCases,
  ...logoutCases,
  ...taskBodyCases,
  ...userBodyCases,
  ...idCases,
  ...tasksQueryCases,
  ...syncCases,
  ...usersQueryCases,
  ...authCases,
  ...eventCases,
];

async function resolve<T>(value: Lazy<T>, f: Fixtures): Promise<T> {
  return typeof value === 'function' ? (value as (f: Fixtures) => T | Promise<T>)(f) : value;
}

async function send(c: Case, f: Fixtures): Promise<Reply> {
  const spec = routeSpec(c.route);
  const headers: Record<string, string> = {};
  const defaultAuth = spec.auth === 'user' ? asUser(f) : spec.auth === 'admin' ? asAdmin(f) : null;
  const auth = c.auth === undefined ? defaultAuth : await resolve(c.auth, f);
  if (auth !== null) headers.Authorization = auth;
  let body = c.raw;
  if (body === undefined) {
    const value = c.body === undefined ? VALID_BODY[c.route]?.(f) : await resolve(c.body, f);
    if (value !== undefined) body = JSON.stringify(value);
  }
  if (body !== undefined && c.contentType !== null) headers['Content-Type'] = c.contentType ?? 'application/json';
  const idOf = DEFAULT_ID[c.route];
  const id = c.id === undefined ? idOf?.(f) : await resolve(c.id, f);
  const event = apiEvent({
    method: c.method ?? spec.method,
    resource: spec.resource,
    path: c.path ?? (id === undefined ? spec.resource : spec.resource.replace('{id}', () => id)),
    headers: { ...headers, ...c.headers },
    multiValueHeaders: c.multiValueHeaders === undefined ? undefined : await resolve(c.multiValueHeaders, f),
    query: c.query === undefined ? undefined : await resolve(c.query, f),
    pathParameters: id === undefined ? undefined : { id },
    body,
  });
  return invokeEvent(spec.handler, c.event ? c.event(event) : event);
}

let f: Fixtures;
let before: Awaited<ReturnType<typeof databaseState>>;

async function signIn(account: Registered) {
  const reply = await invoke(login, { method: 'POST', body: { email: account.email, password: account.password } });
  if (reply.status !== 200) throw new Error(`login failed: ${reply.raw}`);
  return reply.body.data.tokens as { accessToken: string; refreshToken: string };
}

async function newTask(account: Registered, key?: string) {
  const reply = await invoke(createTask, {
    method: 'POST',
    headers: { ...bearer(account.accessToken), ...(key ? { 'Idempotency-Key': key } : {}) },
    body: { title: 'Mine' },
  });
  if (reply.status !== 201) throw new Error(`task creation failed: ${reply.raw}`);
  return reply.body.data.id as string;
}

beforeAll(async () => {
  const [user, other, admin, deleted] = await Promise.all([
    registerUser(uniqueEmail('user')),
    registerUser(uniqueEmail('other')),
    registerUser(uniqueEmail('admin')),
    registerUser(uniqueEmail('deleted')),
  ]);
  await sql`update users set role = 'ADMIN' where id = ${admin.id}`;
  await sql`delete from users where id = ${deleted.id}`;
  const [userTask, otherTask, spare, revoked, stale] = await Promise.all([
    newTask(user, HOSTILE_KEY),
    newTask(other),
    signIn(user),
    signIn(user),
    signIn(user),
  ]);
  await sql`update sessions set revoked_at = now(), revoke_reason = 'test' where id = ${sessionOf(revoked.accessToken)}`;
  await sql`update refresh_tokens set expires_at = now() - interval '1 day' where session_id = ${sessionOf(stale.accessToken)}`;
  f = {
    user,
    other,
    admin,
    userTask,
    otherTask,
    spareSession: sessionOf(spare.accessToken),
    otherSession: sessionOf(other.accessToken),
    revoked,
    expiredRefreshToken: stale.refreshToken,
    deleted,
    cursor: '',
    otherCursor: '',
    since: '',
    otherSince: '',
  };
  // A second task each, so the first cursor page has a next one.
  await Promise.all([newTask(user), newTask(other)]);
  [f.cursor, f.otherCursor, f.since, f.otherSince] = await Promise.all([
    cursorOf(user),
    cursorOf(other),
    sinceOf(user),
    sinceOf(other),
  ]);
  before = await databaseState();
});

describe('hostile input', () => {
  it.each(cases)('$route answers $status $code to $what', async (c) => {
    const reply = await send(c, f);

    expect({ status: reply.status, code: reply.body?.error?.code }).toEqual({ status: c.status, code: c.code });
    expectErrorEnvelope(reply);
    expect(await databaseState()).toEqual(before);
  });

  it(`has at least 150 cases (${cases.length}), covering every route that takes input`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
    expect(new Set(cases.map((c) => c.route))).toEqual(new Set(Object.keys(ROUTES)));
  });

  it('leaves every table but rate_limits as it found it', async () => {
    expect(await databaseState()).toEqual(before);
    expect(before).toMatchObject({ users: 3, tasks: 4, idempotency_keys: 1 });
  });
});
