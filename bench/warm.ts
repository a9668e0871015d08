import { createHash, randomBytes } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { PgDialect } from 'drizzle-orm/pg-core';
import type postgres from 'postgres';
import { changesQuery } from '#lib/tasks/changes.ts';
import { apiEvent, type EventOptions, lambdaContext } from '../test/helpers/lambda.ts';
import { type Percentiles, percentiles, table, timeRuns } from './stats.ts';

/**
 * Warm latency: each route's real handler in-process, beside its floor — the same SQL
 * statements run directly with postgres.js on the same connection settings.
 */

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

const READS = 2_000;
const WRITES = 1_000;
const WARMUP = 200;

const load = async (name: string): Promise<Handler> => (await import(`../functions/${name}.ts`)).handler;

async function call(handler: Handler, options: EventOptions, expected: number): Promise<APIGatewayProxyResult> {
  const result = await handler(apiEvent(options), lambdaContext());
  if (result.statusCode !== expected) throw new Error(`expected ${expected}, got ${result.statusCode}: ${result.body}`);
  return result;
}

// The statements the routes send (as Drizzle writes them), for the floor.
const AUTH = `select "users"."role" from "sessions" inner join "users" on "users"."id" = "sessions"."user_id"
  where ("sessions"."id" = $1 and "sessions"."user_id" = $2 and "sessions"."revoked_at" is null and "sessions"."expires_at" > now())`;
const TASK_COLUMNS = `"id", "user_id", "title", "description", "completed", "version", "deleted_at", "change_xid", "created_at", "updated_at"`;
const TASK_PAGE = `select ${TASK_COLUMNS} from "tasks"
  where ("tasks"."user_id" = $1 and "tasks"."deleted_at" is null) order by "tasks"."created_at" desc, "tasks"."id" desc limit $2 offset $3`;
const TASK_COUNT = `select count(*) from "tasks" where ("tasks"."user_id" = $1 and "tasks"."deleted_at" is null)`;
const TASK_KEYSET = `select ${TASK_COLUMNS}, (extract(epoch from "tasks"."created_at") * 1000000)::bigint::text from "tasks"
  where ("tasks"."user_id" = $1 and "tasks"."deleted_at" is null) order by "tasks"."created_at" desc, "tasks"."id" desc limit $2`;
const TASK_GET = `select ${TASK_COLUMNS} from "tasks"
  where ("tasks"."id" = $1 and "tasks"."user_id" = $2 and "tasks"."deleted_at" is null)`;
const TASK_INSERT = `insert into "tasks" ("id", "user_id", "title", "description", "completed", "version", "deleted_at", "change_xid", "created_at", "updated_at")
  values (default, $1, $2, $3, $4, default, default, default, default, default) returning ${TASK_COLUMNS}`;
const STAMP = `"version" = "tasks"."version" + 1, "change_xid" = pg_current_xact_id(),
  "updated_at" = greatest(now(), "tasks"."updated_at" + interval '1 microsecond')`;
const TASK_UPDATE = `update "tasks" set "completed" = $1, ${STAMP}
  where ("tasks"."id" = $2 and "tasks"."user_id" = $3 and "tasks"."deleted_at" is null) returning ${TASK_COLUMNS}`;
const TASK_DELETE = `update "tasks" set "deleted_at" = now(), ${STAMP}
  where ("tasks"."id" = $1 and "tasks"."user_id" = $2 and "tasks"."deleted_at" is null) returning "id"`;
const USER_GET = `select "id", "email", "password_hash", "role", "created_at", "updated_at" from "users" where "users"."id" = $1`;
const USER_PAGE = `select "id", "email", "password_hash", "role", "created_at", "updated_at" from "users"
  order by "users"."created_at" asc, "users"."id" asc limit $1 offset $2`;
const USER_COUNT = `select count(*) from "users"`;
const SESSIONS = `select "id", "created_at", "last_used_at", "expires_at", "user_agent", "ip" from "sessions"
  where ("sessions"."user_id" = $1 and "sessions"."revoked_at" is null and "sessions"."expires_at" > now())
  order by "sessions"."last_used_at" desc, "sessions"."id" desc`;

// lib/infra/rate-limit.ts's one statement per hit.
const RATE_HIT = `insert into rate_limits as r (key, window_start, count)
  values ($1, to_timestamp((floor(extract(epoch from now()) / $2::int) * $2::int)::float8), 1)
  on conflict (key, window_start) do update set count = least(r.count + 1, 2147483647)
  returning r.count, r.window_start,
    greatest(1, ceil(extract(epoch from r.window_start) + $2::int - extract(epoch from now())))::int as reset`;

interface Account {
  id: string;
  sessionId: string;
  accessToken: string;
  refreshToken: string;
}

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());

async function signUp(email: string): Promise<Account> {
  const register = await load('auth-register');
  const result = await call(
    register,
    { method: 'POST', body: { email, password: 'correct horse battery staple' } },
    201,
  );
  const { user, tokens } = JSON.parse(result.body).data;
  return { id: user.id, sessionId: claimsOf(tokens.accessToken).sid, ...tokens };
}

export interface RouteResult {
  name: string;
  route: Percentiles;
  floor: Percentiles;
}

export async function measureWarmRoutes(floor: postgres.Sql, say: (text: string) => void) {
  const user = await signUp('bench-user@example.com');
  const admin = await signUp('bench-admin@example.com');
  await floor`update users set role = 'ADMIN' where id = ${admin.id}`;
  await floor`insert into tasks (user_id, title, description, completed, created_at)
    select ${user.id}, 'Task ' || i, 'Description of task ' || i, i % 3 = 0, now() - (i || ' seconds')::interval
    from generate_series(1, 1000) as i`;
  await floor`vacuum analyze tasks`;
  const [someTask] = await floor`select id from tasks where user_id = ${user.id} limit 1`;
  const taskId = String(someTask?.id);
  const userAuth = { Authorization: `Bearer ${user.accessToken}` };
  const adminAuth = { Authorization: `Bearer ${admin.accessToken}` };
  // The bearer step, then the per-user API limit: what every authenticated route runs first.
  const auth = async (account: Account) => {
    await floor.unsafe(AUTH, [account.sessionId, account.id]);
    await floor.unsafe(RATE_HIT, [`api:3600:user:${account.id}`, 3600]);
  };

  const deletable: string[] = [];
  const floorDeletable: string[] = [];
  const seedDeletable = async (list: string[]) => {
    const rows =
      await floor`insert into tasks (user_id, title) select ${user.id}, 'doomed' from generate_series(1, ${WRITES + WARMUP}) returning id`;
    list.push(...rows.map((row) => String(row.id)));
  };
  await seedDeletable(deletable);
  await seedDeletable(floorDeletable);

  // A client that has synced everything: its cursor, and the statement a poll with it runs.
  const changesHandler = await load('tasks-changes');
  let since = '';
  for (let hasMore = true; hasMore; ) {
    const result = await call(
      changesHandler,
      { resource: '/api/v1/tasks/changes', headers: userAuth, query: { limit: '500', ...(since ? { since } : {}) } },
      200,
    );
    ({ nextSince: since, hasMore } = JSON.parse(result.body).data);
  }
  const [{ horizon } = { horizon: '0' }] = await floor`select pg_snapshot_xmin(pg_current_snapshot())::text as horizon`;
  const changes = new PgDialect().sqlToQuery(
    changesQuery(user.id, { xid: String(horizon), id: '00000000-0000-0000-0000-000000000000' }, 100, false),
  );

  let refreshToken = user.refreshToken;
  let floorTokenHash = createHash('sha256').update(admin.refreshToken).digest('hex');
  const routes: {
    name: string;
    handler: string;
    count: number;
    request: () => EventOptions;
    status: number;
    after?: (result: APIGatewayProxyResult) => void;
    floor: () => Promise<unknown>;
  }[] = [
    { name: 'health', handler: 'health', count: READS, status: 200, request: () => ({}), floor: () => floor`select 1` },
    {
      name: 'tasks-list',
      handler: 'tasks-list',
      count: READS,
      status: 200,
      request: () => ({ resource: '/api/v1/tasks', headers: userAuth }),
      floor: async () => {
        await auth(user);
        await floor.unsafe(TASK_PAGE, [user.id, 20, 0]);
        await floor.unsafe(TASK_COUNT, [user.id]);
      },
    },
    {
      name: 'tasks-get',
      handler: 'tasks-get',
      count: READS,
      status: 200,
      request: () => ({ resource: '/api/v1/tasks/{id}', pathParameters: { id: taskId }, headers: userAuth }),
      floor: async () => {
        await auth(user);
        await floor.unsafe(TASK_GET, [taskId, user.id]);
      },
    },
    {
      name: 'tasks-list ?limit=20 (cursor page)',
      handler: 'tasks-list',
      count: READS,
      status: 200,
      request: () => ({ resource: '/api/v1/tasks', headers: userAuth, query: { limit: '20' } }),
      floor: async () => {
        await auth(user);
        await floor.unsafe(TASK_KEYSET, [user.id, 21]);
      },
    },
    {
      name: 'tasks-get If-None-Match (304)',
      handler: 'tasks-get',
      count: READS,
      status: 304,
      request: () => ({
        resource: '/api/v1/tasks/{id}',
        pathParameters: { id: taskId },
        headers: { ...userAuth, 'If-None-Match': '"1"' },
      }),
      floor: async () => {
        await auth(user);
        await floor.unsafe(TASK_GET, [taskId, user.id]);
      },
    },
    {
      // An up-to-date client polling: nothing changed since its last sync.
      name: 'tasks-changes ?since (poll)',
      handler: 'tasks-changes',
      count: READS,
      status: 200,
      request: () => ({ resource: '/api/v1/tasks/changes', headers: userAuth, query: { since } }),
      floor: async () => {
        await auth(user);
        await floor.unsafe(changes.sql, changes.params as never[]);
      },
    },
    {
      name: 'users-me-get',
      handler: 'users-me-get',
      count: READS,
      status: 200,
      request: () => ({ resource: '/api/v1/users/me', headers: userAuth }),
      floor: async () => {
        await auth(user);
        await floor.unsafe(USER_GET, [user.id]);
      },
    },
    {
      name: 'users-get (admin)',
      handler: 'users-get',
      count: READS,
      status: 200,
      request: () => ({ resource: '/api/v1/users/{id}', pathParameters: { id: user.id }, headers: adminAuth }),
      floor: async () => {
        await auth(admin);
        await floor.unsafe(USER_GET, [user.id]);
      },
    },
    {
      name: 'users-list (admin)',
      handler: 'users-list',
      count: READS,
      status: 200,
      request: () => ({ resource: '/api/v1/users', headers: adminAuth }),
      floor: async () => {
        await auth(admin);
        await floor.unsafe(USER_PAGE, [20, 0]);
        await floor.unsafe(USER_COUNT, []);
      },
    },
    {
      name: 'auth-sessions-list',
      handler: 'auth-sessions-list',
      count: READS,
      status: 200,
      request: () => ({ resource: '/api/v1/auth/sessions', headers: userAuth }),
      floor: async () => {
        await auth(user);
        await floor.unsafe(SESSIONS, [user.id]);
      },
    },
    {
      name: 'tasks-create',
      handler: 'tasks-create',
      count: WRITES,
      status: 201,
      request: () => ({ method: 'POST', resource: '/api/v1/tasks', headers: userAuth, body: { title: 'New task' } }),
      floor: async () => {
        await auth(user);
        await floor.unsafe(TASK_INSERT, [user.id, 'New task', null, false]);
      },
    },
    {
      name: 'tasks-update',
      handler: 'tasks-update',
      count: WRITES,
      status: 200,
      request: () => ({
        method: 'PATCH',
        resource: '/api/v1/tasks/{id}',
        pathParameters: { id: taskId },
        headers: userAuth,
        body: { completed: true },
      }),
      floor: async () => {
        await auth(user);
        await floor.unsafe(TASK_UPDATE, [true, taskId, user.id]);
      },
    },
    {
      name: 'tasks-delete',
      handler: 'tasks-delete',
      count: WRITES,
      status: 204,
      request: () => ({
        method: 'DELETE',
        resource: '/api/v1/tasks/{id}',
        pathParameters: { id: deletable.pop() ?? '' },
        headers: userAuth,
      }),
      floor: async () => {
        await auth(user);
        await floor.unsafe(TASK_DELETE, [floorDeletable.pop() ?? '', user.id]);
      },
    },
    {
      name: 'auth-refresh',
      handler: 'auth-refresh',
      count: WRITES,
      status: 200,
      request: () => ({ method: 'POST', resource: '/api/v1/auth/refresh', body: { refreshToken } }),
      after: (result) => {
        refreshToken = JSON.parse(result.body).data.tokens.refreshToken;
      },
      // The same transaction on a chain of its own (the admin's session).
      floor: async () => {
        await floor.unsafe(RATE_HIT, ['refresh:3600:ip:203.0.113.10', 3600]);
        await floor.begin(async (tx) => {
          const [row] = await tx`select t.id, t.used_at, t.expires_at <= now() as expired, s.id as session_id,
              s.expires_at, s.revoked_at, u.id as user_id, u.role
            from refresh_tokens t join sessions s on s.id = t.session_id join users u on u.id = s.user_id
            where t.token_hash = ${floorTokenHash} for update of t, s`;
          await tx`update refresh_tokens set used_at = now() where session_id = ${admin.sessionId} and used_at is null`;
          await tx`update sessions set last_used_at = now() where id = ${admin.sessionId}`;
          floorTokenHash = randomBytes(32).toString('hex');
          await tx`insert into refresh_tokens (token_hash, session_id, parent_id, expires_at)
            values (${floorTokenHash}, ${admin.sessionId}, ${row?.id ?? null}, now() + interval '7 days')`;
        });
      },
    },
  ];

  const results: RouteResult[] = [];
  for (const spec of routes) {
    const handler = await load(spec.handler);
    const invoke = async () => {
      const result = await call(handler, spec.request(), spec.status);
      spec.after?.(result);
    };
    const route = percentiles(await timeRuns(invoke, spec.count, WARMUP));
    const base = percentiles(await timeRuns(spec.floor, spec.count, WARMUP));
    results.push({ name: spec.name, route, floor: base });
    say(`${spec.name}: p95 ${route.p95} ms, floor p95 ${base.p95} ms`);
  }

  // Hashing routes: Argon2id dominates, so fewer runs and no SQL floor.
  const hashing: { name: string; route: Percentiles }[] = [];
  const login = await load('auth-login');
  hashing.push({
    name: 'auth-login',
    route: percentiles(
      await timeRuns(
        () =>
          call(
            login,
            {
              method: 'POST',
              resource: '/api/v1/auth/login',
              body: { email: 'bench-user@example.com', password: 'correct horse battery staple' },
            },
            200,
          ),
        100,
        5,
      ),
    ),
  });
  const register = await load('auth-register');
  let n = 0;
  hashing.push({
    name: 'auth-register',
    route: percentiles(
      await timeRuns(
        () =>
          call(
            register,
            {
              method: 'POST',
              resource: '/api/v1/auth/register',
              body: { email: `bench-${n++}@example.com`, password: 'correct horse battery staple' },
            },
            201,
          ),
        100,
        5,
      ),
    ),
  });

  const fmt = (p: Percentiles) => `${p.p50} / ${p.p95} / ${p.p99}`;
  say(
    table(
      ['route', 'n', 'route p50/p95/p99 ms', 'floor p50/p95/p99 ms', 'p95 ratio'],
      results.map((r) => [r.name, r.route.n, fmt(r.route), fmt(r.floor), (r.route.p95 / r.floor.p95).toFixed(2)]),
    ),
  );
  say(
    table(
      ['hashing route', 'n', 'p50/p95/p99 ms'],
      hashing.map((h) => [h.name, h.route.n, fmt(h.route)]),
    ),
  );
  return {
    results: { routes: results, hashing },
    fixtures: { userToken: user.accessToken, adminToken: admin.accessToken, userId: user.id, taskId },
  };
}
