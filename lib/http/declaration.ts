import type * as v from 'valibot';
import type { ErrorCode } from '#lib/core/errors.ts';
import type { RuleName } from '#lib/infra/config.ts';

/**
 * What a route is, in one pure value per route (lib/http/routes/<function>.ts): its method and
 * path, the function serving it, who may call it, which limit counts it, the schemas of its
 * input and of its success answer, and the errors it can answer. The function wraps its handler
 * with it (lib/http/route.ts); serverless.yml's `http` events (scripts/serverless-functions.ts),
 * the OpenAPI document, the test helpers, the hostile corpus and the deploy test derive from the
 * declarations. Declarations import schemas and types only, so the builders can load them all.
 */

export type AnySchema = v.GenericSchema<unknown, unknown>;

/** none: public; user: a live session's bearer token; admin: and the ADMIN role. */
export type AuthLevel = 'none' | 'user' | 'admin';

/** The rules a route can declare; login failures are counted by the login itself. */
export type RouteRateLimit = Exclude<RuleName, 'loginFailures' | 'loginFailuresEmail'> | 'none';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface Success {
  status: 200 | 201 | 202 | 204;
  description: string;
  /** JSON body schema (the whole envelope); absent for 202, 204 and for `media`. */
  schema?: AnySchema;
  /** A body outside the JSON envelope (the document itself, the docs page). */
  media?: { type: string; schema: Record<string, unknown> };
  /** 201 answers carry the new resource's URL. */
  location?: boolean;
  /** The answer carries the resource's `ETag`. */
  etag?: boolean;
  /** A conditional GET (`If-None-Match`) can answer 304 with no body. */
  notModified?: boolean;
  /** A repeat with the same `Idempotency-Key` gets the stored answer and `Idempotent-Replayed: true`. */
  replayable?: boolean;
}

export interface RouteDeclaration {
  method: Method;
  /** The path template as API Gateway knows it (the event's `resource`). */
  path: string;
  /** The function that serves it: functions/<function>.ts, named like this file. */
  function: string;
  operationId: string;
  tag: 'Auth' | 'Account' | 'Users' | 'Tasks' | 'Audit' | 'Health' | 'Reference';
  summary: string;
  description?: string;
  auth: AuthLevel;
  /**
   * The rate-limit rule counting this route's requests; `api` when omitted, so a new route is
   * limited unless it opts out. `api` counts per user on authenticated routes (after the bearer
   * check) and per client IP otherwise; the others count per client IP before anything else.
   */
  rateLimit?: RouteRateLimit;
  /** Rules the handler itself counts, besides the pipeline's. */
  handlerRateLimits?: readonly RuleName[];
  /** Path parameters. A value that fails is a 404, never a 400. */
  params?: AnySchema;
  query?: AnySchema;
  /**
   * Request headers the route reads (lower-case names, as the pipeline normalises them); a value
   * that fails is a 400. Other headers pass through unread.
   */
  headers?: AnySchema;
  /** Schema of the JSON body; the route then requires `Content-Type: application/json`. */
  body?: AnySchema;
  /** With a body schema: an absent body is validated as `{}` instead of rejected. */
  bodyOptional?: boolean;
  success: Success;
  /** Codes this route answers with beyond those its auth level and schemas imply. */
  errors?: readonly ErrorCode[];
  /**
   * Deployed stages put every route behind the client app's API key except these (their events
   * say `private: false`).
   */
  public?: boolean;
  /**
   * Replaces the default `default-src 'none'` policy, for the one route that serves a page
   * (GET /docs); an API response never needs more.
   */
  contentSecurityPolicy?: string;
  /**
   * Replaces `no-store` on the success answer, for the static documents (the API reference),
   * which hold no per-user data and change only with a deploy.
   */
  cacheControl?: string;
  /**
   * Only on a bearer GET that never writes: its handler starts beside the session check, in the
   * check's round trip, with the caller the token names. Its answer is kept only once the check
   * admits that caller, a refusal never waits for it, and it runs read-only (a statement that
   * could write is refused: a 500). See lib/http/speculative.ts.
   */
  speculative?: true;
  /** The same function and answer at further paths (GET /health besides /api/v1/health). */
  alsoAt?: readonly { path: string; operationId: string; summary: string }[];
}

/**
 * The answers of the pipeline itself rather than of a documented route: the CORS preflight on
 * every path and the catch-all 404. Neither takes input nor is rate-limited.
 */
export interface PipelineRoute {
  function: string;
  auth: 'none';
  rateLimit: 'none';
  /**
   * What API Gateway sends it: `preflight`, OPTIONS on every declared path; `unmatched`, any
   * method on any path no route declares.
   */
  answers: 'preflight' | 'unmatched';
}

/** The static documents: browsers and shared caches keep them 5 minutes, then revalidate in the background. */
export const STATIC_DOCUMENT_CACHE = 'public, max-age=300, stale-while-revalidate=86400';

/** Keeps the literal types of a declaration, which `route()` checks its handler against. */
export const declareRoute = <const D extends RouteDeclaration>(declaration: D): D => declaration;

/**
 * With `EMAIL_VERIFICATION=required`, the bearer routes an unverified caller may still use
 * (docs/account-emails.md): `/auth/*` (to confirm, resend, sign out) and the account itself
 * (to read it, fix a mistyped address, or delete it). Every other bearer route answers 403.
 */
export const allowsUnverified = (declaration: Pick<RouteDeclaration, 'path'>) =>
  declaration.path.startsWith('/api/v1/auth/') || declaration.path === '/api/v1/users/me';

/** Every method and path a declaration serves. */
export const pathsOf = (declaration: RouteDeclaration) => [
  { method: declaration.method, path: declaration.path, operationId: declaration.operationId },
  ...(declaration.alsoAt ?? []).map((alias) => ({ method: declaration.method, ...alias })),
];
