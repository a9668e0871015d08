import * as v from 'valibot';
import type { AuthLevel } from '../auth.ts';
import type { ErrorCode } from '../errors.ts';
import type { RouteRateLimit } from '../http.ts';
import { LoginBody, LogoutBody, RefreshBody, Refreshed, Session } from '../schemas/auth.ts';
import { dataEnvelope, pageEnvelope } from '../schemas/envelopes.ts';
import { Health } from '../schemas/health.ts';
import { RegisterBody, UpdateMeBody } from '../schemas/new-password.ts';
import { CreateTaskBody, ListTasksQuery, Task, UpdateTaskBody } from '../schemas/tasks.ts';
import { ListUsersQuery, SignedIn, UpdateUserBody, User } from '../schemas/users.ts';
import { type AnySchema, idPath } from '../validation.ts';

/**
 * Every HTTP route of serverless.yml, once: what the OpenAPI document says about it. The
 * request side (`request`) holds the very options the function passes to `route()`, the same
 * schema objects; tests check both that and that this table and serverless.yml list the same
 * routes, so neither a route nor a schema can be left out of the document.
 */

/** The rate-limit rules of api.md (lib/config.ts holds the defaults that apply). */
export const RATE_LIMITS = {
  api: { env: 'RATE_LIMIT_API', default: '100/1m', key: 'user, or client IP without a valid token' },
  login: { env: 'RATE_LIMIT_LOGIN', default: '10/15m', key: 'client IP' },
  loginFailures: { env: 'RATE_LIMIT_LOGIN_FAILURES', default: '5/15m', key: 'email, failed attempts only' },
  register: { env: 'RATE_LIMIT_REGISTER', default: '5/1h', key: 'client IP' },
  refresh: { env: 'RATE_LIMIT_REFRESH', default: '30/15m', key: 'client IP' },
} as const;

export type RateLimitRule = keyof typeof RATE_LIMITS;

export interface RouteRequest {
  auth: AuthLevel;
  /** The pipeline's rule: `api` when absent, `none` for an unlimited route. */
  rateLimit?: RouteRateLimit;
  body?: AnySchema;
  bodyOptional?: boolean;
  query?: AnySchema;
  path?: AnySchema;
}

export interface RouteSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** The path template as API Gateway knows it (the event's `resource`). */
  path: string;
  /** The function of serverless.yml that serves it. */
  function: string;
  operationId: string;
  tag: 'Auth' | 'Users' | 'Tasks' | 'Health' | 'Reference';
  summary: string;
  description?: string;
  /** What the function passes to `route()`. */
  request: RouteRequest;
  success: {
    status: 200 | 201 | 204;
    description: string;
    /** JSON body schema; absent for 204. */
    schema?: AnySchema;
    /** A body outside the JSON envelope (the document itself, the docs page). */
    media?: { type: string; schema: Record<string, unknown> };
    /** 201 answers carry the new resource's URL. */
    location?: boolean;
  };
  /** Codes this route answers with beyond those its auth level and schemas imply. */
  errors?: ErrorCode[];
  /** Rules the handler itself counts, besides the pipeline's. */
  handlerRateLimits?: RateLimitRule[];
  /** Deployed stages put every route behind the client app's API key except these. */
  public?: boolean;
}

const health = (path: string, operationId: string, summary: string): RouteSpec => ({
  method: 'GET',
  path,
  function: 'health',
  operationId,
  tag: 'Health',
  summary,
  description: 'Liveness with a database check. With the database unreachable: 503 within 5 seconds.',
  request: { auth: 'none', rateLimit: 'none' },
  success: { status: 200, description: 'The API and its database answer.', schema: dataEnvelope(Health) },
  public: true,
});

export const ROUTES: RouteSpec[] = [
  health('/api/v1/health', 'getHealth', 'Health check'),
  health('/health', 'getHealthAtRoot', 'Health check at the root path'),
  {
    method: 'POST',
    path: '/api/v1/auth/register',
    function: 'auth-register',
    operationId: 'register',
    tag: 'Auth',
    summary: 'Register an account',
    description: 'Creates a `USER` account and signs it in: the answer holds its first token pair.',
    request: { auth: 'none', rateLimit: 'register', body: RegisterBody },
    success: {
      status: 201,
      description: 'The account and its tokens; `Location` is the profile.',
      schema: dataEnvelope(SignedIn),
      location: true,
    },
    errors: ['EMAIL_ALREADY_EXISTS'],
  },
  {
    method: 'POST',
    path: '/api/v1/auth/login',
    function: 'auth-login',
    operationId: 'login',
    tag: 'Auth',
    summary: 'Log in',
    description: 'Starts a session. An unknown email and a wrong password get the same answer, in about the same time.',
    request: { auth: 'none', rateLimit: 'login', body: LoginBody },
    success: { status: 200, description: 'The account and a new token pair.', schema: dataEnvelope(SignedIn) },
    errors: ['INVALID_CREDENTIALS'],
    handlerRateLimits: ['loginFailures'],
  },
  {
    method: 'POST',
    path: '/api/v1/auth/refresh',
    function: 'auth-refresh',
    operationId: 'refresh',
    tag: 'Auth',
    summary: 'Refresh the tokens',
    description:
      'Spends the refresh token and issues a new pair. The same token again within 10 seconds (a retry, a ' +
      'second tab) gets a new pair too; later, it counts as theft and the whole session is revoked ' +
      '(401 `TOKEN_INVALID`).',
    request: { auth: 'none', rateLimit: 'refresh', body: RefreshBody },
    success: { status: 200, description: 'A new token pair.', schema: dataEnvelope(Refreshed) },
    errors: ['TOKEN_INVALID', 'TOKEN_EXPIRED'],
  },
  {
    method: 'POST',
    path: '/api/v1/auth/logout',
    function: 'auth-logout',
    operationId: 'logout',
    tag: 'Auth',
    summary: 'Log out',
    description:
      "Ends the caller's session at once, and the session of the given refresh token if it is the caller's. " +
      'The body is optional.',
    request: { auth: 'user', body: LogoutBody, bodyOptional: true },
    success: { status: 204, description: 'Logged out.' },
  },
  {
    method: 'POST',
    path: '/api/v1/auth/logout-all',
    function: 'auth-logout-all',
    operationId: 'logoutAll',
    tag: 'Auth',
    summary: 'Log out everywhere',
    description: 'Ends every session of the caller, this one included.',
    request: { auth: 'user' },
    success: { status: 204, description: 'Every session ended.' },
  },
  {
    method: 'GET',
    path: '/api/v1/auth/sessions',
    function: 'auth-sessions-list',
    operationId: 'listSessions',
    tag: 'Auth',
    summary: 'List my sessions',
    description: "The caller's live sessions, most recently used first; `current` marks this one.",
    request: { auth: 'user' },
    success: { status: 200, description: 'The live sessions.', schema: dataEnvelope(v.array(Session)) },
  },
  {
    method: 'DELETE',
    path: '/api/v1/auth/sessions/{id}',
    function: 'auth-sessions-delete',
    operationId: 'endSession',
    tag: 'Auth',
    summary: 'End one of my sessions',
    description: "Another user's session, or one that already ended, is not found.",
    request: { auth: 'user', path: idPath },
    success: { status: 204, description: 'The session ended.' },
  },
  {
    method: 'GET',
    path: '/api/v1/users/me',
    function: 'users-me-get',
    operationId: 'getMe',
    tag: 'Users',
    summary: 'Get my profile',
    request: { auth: 'user' },
    success: { status: 200, description: "The caller's account.", schema: dataEnvelope(User) },
  },
  {
    method: 'PATCH',
    path: '/api/v1/users/me',
    function: 'users-me-update',
    operationId: 'updateMe',
    tag: 'Users',
    summary: 'Change my email or password',
    description:
      'Needs the current password (401 `INVALID_CREDENTIALS` when wrong). A new password ends every other ' +
      'session of the account.',
    request: { auth: 'user', body: UpdateMeBody },
    success: { status: 200, description: 'The updated account.', schema: dataEnvelope(User) },
    errors: ['INVALID_CREDENTIALS', 'EMAIL_ALREADY_EXISTS'],
  },
  {
    method: 'GET',
    path: '/api/v1/users',
    function: 'users-list',
    operationId: 'listUsers',
    tag: 'Users',
    summary: 'List users (admin)',
    description: 'Oldest first. `q` matches the email, `role` filters.',
    request: { auth: 'admin', query: ListUsersQuery },
    success: { status: 200, description: 'One page of users.', schema: pageEnvelope(User) },
  },
  {
    method: 'GET',
    path: '/api/v1/users/{id}',
    function: 'users-get',
    operationId: 'getUser',
    tag: 'Users',
    summary: 'Get a user (admin)',
    request: { auth: 'admin', path: idPath },
    success: { status: 200, description: 'The user.', schema: dataEnvelope(User) },
  },
  {
    method: 'PATCH',
    path: '/api/v1/users/{id}',
    function: 'users-update',
    operationId: 'updateUser',
    tag: 'Users',
    summary: "Change a user's role (admin)",
    description: 'Demoting the last admin is refused (409 `LAST_ADMIN`).',
    request: { auth: 'admin', path: idPath, body: UpdateUserBody },
    success: { status: 200, description: 'The updated user.', schema: dataEnvelope(User) },
    errors: ['LAST_ADMIN'],
  },
  {
    method: 'DELETE',
    path: '/api/v1/users/{id}',
    function: 'users-delete',
    operationId: 'deleteUser',
    tag: 'Users',
    summary: 'Delete a user (admin)',
    description:
      "The user's tasks and sessions go with it; their tokens stop working at once. Deleting the last admin " +
      'is refused (409 `LAST_ADMIN`).',
    request: { auth: 'admin', path: idPath },
    success: { status: 204, description: 'The user is gone.' },
    errors: ['LAST_ADMIN'],
  },
  {
    method: 'GET',
    path: '/api/v1/tasks',
    function: 'tasks-list',
    operationId: 'listTasks',
    tag: 'Tasks',
    summary: 'List tasks',
    description:
      "The caller's tasks, paginated, filtered and sorted. Admins may list one user's tasks (`userId`) or " +
      "everyone's (`scope=all`, not combined with `userId`); anyone else using either gets 403.",
    request: { auth: 'user', query: ListTasksQuery },
    success: { status: 200, description: 'One page of tasks.', schema: pageEnvelope(Task) },
    errors: ['INSUFFICIENT_PERMISSIONS'],
  },
  {
    method: 'POST',
    path: '/api/v1/tasks',
    function: 'tasks-create',
    operationId: 'createTask',
    tag: 'Tasks',
    summary: 'Create a task',
    request: { auth: 'user', body: CreateTaskBody },
    success: {
      status: 201,
      description: 'The new task; `Location` is its URL.',
      schema: dataEnvelope(Task),
      location: true,
    },
  },
  {
    method: 'GET',
    path: '/api/v1/tasks/{id}',
    function: 'tasks-get',
    operationId: 'getTask',
    tag: 'Tasks',
    summary: 'Get a task',
    description: "Another user's task is not found (404, never 403); admins can read any task.",
    request: { auth: 'user', path: idPath },
    success: { status: 200, description: 'The task.', schema: dataEnvelope(Task) },
  },
  {
    method: 'PATCH',
    path: '/api/v1/tasks/{id}',
    function: 'tasks-update',
    operationId: 'updateTask',
    tag: 'Tasks',
    summary: 'Update a task',
    description: 'Changes only the given fields; `description: null` clears it. Admins can change any task.',
    request: { auth: 'user', path: idPath, body: UpdateTaskBody },
    success: { status: 200, description: 'The updated task.', schema: dataEnvelope(Task) },
  },
  {
    method: 'DELETE',
    path: '/api/v1/tasks/{id}',
    function: 'tasks-delete',
    operationId: 'deleteTask',
    tag: 'Tasks',
    summary: 'Delete a task',
    description: 'Admins can delete any task.',
    request: { auth: 'user', path: idPath },
    success: { status: 204, description: 'The task is gone.' },
  },
  {
    method: 'GET',
    path: '/api/v1/openapi.json',
    function: 'openapi',
    operationId: 'getOpenApiDocument',
    tag: 'Reference',
    summary: 'This OpenAPI document',
    request: { auth: 'none', rateLimit: 'none' },
    success: {
      status: 200,
      description: 'The OpenAPI 3.1 document of this API.',
      media: {
        type: 'application/json',
        schema: {
          type: 'object',
          properties: { openapi: { const: '3.1.0' }, info: { type: 'object' }, paths: { type: 'object' } },
          required: ['openapi', 'info', 'paths'],
        },
      },
    },
    public: true,
  },
  {
    method: 'GET',
    path: '/docs',
    function: 'docs',
    operationId: 'getDocs',
    tag: 'Reference',
    summary: 'API reference (HTML)',
    description: 'This reference as a self-contained page: it loads nothing from other sites.',
    request: { auth: 'none', rateLimit: 'none' },
    success: { status: 200, description: 'The page.', media: { type: 'text/html', schema: { type: 'string' } } },
    public: true,
  },
];
