import { createHash, randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { PgDialect } from 'drizzle-orm/pg-core';
import type postgres from 'postgres';
import { changesQuery } from '#lib/tasks/changes.ts';
import { taskListQueries } from '#lib/tasks/tasks.ts';
import { apiEvent, type EventOptions, lambdaContext } from '../test/helpers/lambda.ts';
import { type Percentiles, percentiles, round, table, timeRuns } from './stats.ts';

/**
 * Warm latency: each route's real handler in-process, beside its floor — the fewest
 * statements a correct answer needs (for GET /tasks the page and its count, sent together),
 * run directly with postgres.js on db/client.ts's connection options (`prepare: false`, max 1).
 * Not our statements: the floor measures what the answer costs, not what our design costs.
 * The session check and the rate-limit hit are our design's, so they are not in it.
 * Beside them, the peer (bench/peer/app.ts) answers GET /tasks and login with the same events.
 */

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

// BENCH_QUICK=1: a trial run (every measurement, a tenth of the samples).
const QUICK = process.env.BENCH_QUICK === '1';
const READS = QUICK ? 200 : 2_000;
const WRITES = QUICK ? 100 : 1_000;
const WARMUP = QUICK ? 20 : 200;
const LOGINS = QUICK ? 20 : 100;

const load = async (name: string): Promise<Handler> => (await import(`../functions/${name}.ts`)).handler;

async function call(handler: Handler, options: EventOptions, expected: number): Promise<APIGatewayProxyResult> {
  const result = await handler(apiEvent(options), lambdaContext());
  if (result.statusCode !== expected) throw new Error(`expected ${expected}, got ${result.statusCode}: ${result.body}`);
  return result;
}

// The statements a correct answer needs, as Drizzle writes them.
const TASK_COLUMNS = `"id", "user_id", "title", "description", "completed", "version", "deleted_at", "change_xid", "created_at", "updated_at"`;
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

// A refresh in one statement: spend the presented token if live, touch its live session, and
// chain the new token to it; nothing is written unless all of it holds.
const REFRESH = `with spent as (
    update refresh_tokens set used_at = now()
    where token_hash = $1 and used_at is null and expires_at > now() returning id, session_id),
  live as (
    update sessions set last_used_at = now() from spent
    where sessions.id = spent.session_id and sessions.revoked_at is null and sessions.expires_at > now()
    returning sessions.id, sessions.user_id),
  chained as (
    insert into refresh_tokens (token_hash, session_id, parent_id, expires_at)
    select $2, live.id, spent.id, now() + interval '7 days' from live, spent returning session_id)
  select live.user_id, users.role from chained join live on live.id = chained.session_id
  join users on users.id = live.user_id`;

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

async function signIn(email: string): Promise<Account> {
  const login = await load('auth-login');
  const body = { email, password: 'correct horse battery staple' };
  const result = await call(login, { method: 'POST', resource: '/api/v1/auth/login', body }, 200);
  const { user, tokens } = JSON.parse(result.body).data;
  return { id: user.id, sessionId: claimsOf(tokens.accessToken).sid, ...tokens };
}

export interface RouteResult {
  name: string;
  route: Percentiles;
  floor: Percentiles;
}

export interface PeerResult {
  name: string;
  ours: Percentiles;
  peer: Percentiles;
}

/** `peerEntry`: the peer's bundle (bench/peer/app.ts, built by bench/bundle.ts). */
export async function measureWarmRoutes(floor: postgres.Sql, say: (text: string) => void, peerEntry: string) {
  const user = await signUp('bench-user@example.com');
  const promoted = await signUp('bench-admin@example.com');
  await floor`update users set role = 'ADMIN' where id = ${promoted.id}`;
  // Signed in again once promoted, as an admin would be: a token still claiming USER pays for a
  // second run of each read (lib/http/speculative.ts).
  const admin = await signIn('bench-admin@example.com');
  await floor`insert into tasks (user_id, title, description, completed, created_at)
    select ${user.id}, 'Task ' || i, 'Description of task ' || i, i % 3 = 0, now() - (i || ' seconds')::interval
    from generate_series(1, 1000) as i`;
  await floor`vacuum analyze tasks`;
  const [someTask] = await floor`select id from tasks where user_id = ${user.id} limit 1`;
  const taskId = String(someTask?.id);
  const userAuth = { Authorization: `Bearer ${user.accessToken}` };
  const adminAuth = { Authorization: `Bearer ${admin.accessToken}` };
  // The product's own page and count for a list (its statements, the floor's count of them).
  const listFloor = (filter: Parameters<typeof taskListQueries>[0]) => {
    const { page, total } = taskListQueries(filter);
    const [pageSql, totalSql] = [page.toSQL(), total.toSQL()];
    return () =>
      Promise.all([
        floor.unsafe(pageSql.sql, pageSql.params as never[]),
        floor.unsafe(totalSql.sql, totalSql.params as never[]),
      ]);
  };
  const listPage = { page: 1, pageSize: 20, sort: '-createdAt' } as const;

  const deletable: string[] = [];
  const floorDeletable: string[] = [];
  const seedDeletable = async (list: string[]) => {
    const rows =
      await floor`insert into tasks (user_id, title) select ${user.id}, 'doomed' from generate_series(1, ${WRITES + WARMUP}) returning id`;
    list.push(...rows.map((row) => String(row.id)));
  };

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
    /** Set-up of its own, run just before: the lists before it see exactly 1,000 tasks. */
    before?: () => Promise<void>;
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
      floor: listFloor({ ownerId: user.id, ...listPage }),
    },
    {
      name: 'tasks-get',
      handler: 'tasks-get',
      count: READS,
      status: 200,
      request: () => ({ resource: '/api/v1/tasks/{id}', pathParameters: { id: taskId }, headers: userAuth }),
      floor: async () => {
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
        await Promise.all([floor.unsafe(USER_PAGE, [20, 0]), floor.unsafe(USER_COUNT, [])]);
      },
    },
    {
      name: 'auth-sessions-list',
      handler: 'auth-sessions-list',
      count: READS,
      status: 200,
      request: () => ({ resource: '/api/v1/auth/sessions', headers: userAuth }),
      floor: async () => {
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
        await floor.unsafe(TASK_UPDATE, [true, taskId, user.id]);
      },
    },
    {
      name: 'tasks-delete',
      handler: 'tasks-delete',
      count: WRITES,
      status: 204,
      before: async () => {
        await seedDeletable(deletable);
        await seedDeletable(floorDeletable);
      },
      request: () => ({
        method: 'DELETE',
        resource: '/api/v1/tasks/{id}',
        pathParameters: { id: deletable.pop() ?? '' },
        headers: userAuth,
      }),
      floor: async () => {
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
      // The one statement, on a chain of its own (the admin's session).
      floor: async () => {
        const next = randomBytes(32).toString('hex');
        const rows = await floor.unsafe(REFRESH, [floorTokenHash, next]);
        if (rows.length !== 1) throw new Error('the refresh floor lost its chain');
        floorTokenHash = next;
      },
    },
  ];

  // The peer (bundled like the functions), with the same events and the same 1,000 tasks.
  const credentials = { email: 'bench-user@example.com', password: 'correct horse battery staple' };
  const loginEvent = { method: 'POST', resource: '/api/v1/auth/login', body: credentials };
  const peerModule: { handler: Handler; close: () => Promise<void> } = await import(pathToFileURL(peerEntry).href);
  const peer = peerModule.handler;
  const peerToken = JSON.parse((await call(peer, loginEvent, 200)).body).data.tokens.accessToken as string;
  const peerList = () => ({ resource: '/api/v1/tasks', headers: { Authorization: `Bearer ${peerToken}` } });
  let peerListed = percentiles([]);

  const results: RouteResult[] = [];
  for (const spec of routes) {
    await spec.before?.();
    const handler = await load(spec.handler);
    const invoke = async () => {
      const result = await call(handler, spec.request(), spec.status);
      spec.after?.(result);
    };
    const route = percentiles(await timeRuns(invoke, spec.count, WARMUP));
    const base = percentiles(await timeRuns(spec.floor, spec.count, WARMUP));
    results.push({ name: spec.name, route, floor: base });
    say(`${spec.name}: p95 ${route.p95} ms, floor p95 ${base.p95} ms`);
    if (spec.name === 'tasks-list') {
      const ourPage = JSON.parse((await call(handler, spec.request(), 200)).body);
      const peerPage = JSON.parse((await call(peer, peerList(), 200)).body);
      if (peerPage.data.length !== 20 || peerPage.meta?.total !== 1000 || ourPage.meta?.total !== 1000) {
        throw new Error(
          `not the same page: ours ${JSON.stringify(ourPage.meta)}, peer ${JSON.stringify(peerPage.meta)}`,
        );
      }
      peerListed = percentiles(await timeRuns(() => call(peer, peerList(), 200), READS, WARMUP));
      say(`peer GET /tasks: p95 ${peerListed.p95} ms`);
    }
  }

  // Search: a user of its own with 10,000 tasks of ~10 KB, so the others' rows stay small;
  // `q` names one task, found through the trigram indexes (db/migrations/0003_task_search.sql).
  const searcher = await signUp('bench-search@example.com');
  const paragraph = Array.from({ length: 20 }, (_, i) => `Plan the quarterly review with the team, item ${i}.`).join(
    ' ',
  );
  // About 100 MB through the trigram indexes: longer than the connection's statement timeout.
  await floor.begin(async (tx) => {
    await tx`set local statement_timeout = 0`;
    await tx`insert into tasks (user_id, title, description, created_at)
      select ${searcher.id}, 'Search task ' || i,
        repeat(${paragraph} || ' ', 10) || 'ref ' || md5(i::text), now() - (i || ' seconds')::interval
      from generate_series(1, 10000) as i`;
  });
  await floor`vacuum analyze tasks`;
  const q = createHash('md5').update('4242').digest('hex').slice(0, 12);
  {
    const handler = await load('tasks-list');
    const request = () => ({
      resource: '/api/v1/tasks',
      headers: { Authorization: `Bearer ${searcher.accessToken}` },
      query: { q },
    });
    const found = JSON.parse((await call(handler, request(), 200)).body).data;
    if (found.length !== 1) throw new Error(`search: expected one task, got ${found.length}`);
    const route = percentiles(await timeRuns(() => call(handler, request(), 200), READS, WARMUP));
    const base = percentiles(await timeRuns(listFloor({ ownerId: searcher.id, ...listPage, q }), READS, WARMUP));
    results.push({ name: 'tasks-list ?q= (10,000 tasks of 10 KB)', route, floor: base });
    say(`search: p95 ${route.p95} ms, floor p95 ${base.p95} ms`);
  }

  // Hashing routes: Argon2id dominates, so fewer runs and no SQL floor.
  const hashing: { name: string; route: Percentiles }[] = [];
  const login = await load('auth-login');
  hashing.push({
    name: 'auth-login',
    route: percentiles(await timeRuns(() => call(login, loginEvent, 200), LOGINS, 5)),
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
        LOGINS,
        5,
      ),
    ),
  });

  const ours = results.find((r) => r.name === 'tasks-list');
  const peerResults: PeerResult[] = [
    { name: 'GET /tasks (page of 20 of 1,000, with total)', ours: ours?.route ?? percentiles([]), peer: peerListed },
    {
      name: 'login',
      ours: hashing[0]?.route ?? percentiles([]),
      peer: percentiles(await timeRuns(() => call(peer, loginEvent, 200), LOGINS, 5)),
    },
  ];

  await peerModule.close();

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
  say(
    table(
      ['vs peer', 'ours p50/p95/p99 ms', 'peer p50/p95/p99 ms', 'p50 ratio'],
      peerResults.map((r) => [r.name, fmt(r.ours), fmt(r.peer), round(r.ours.p50 / r.peer.p50, 2)]),
    ),
  );
  return {
    results: { routes: results, hashing, peer: peerResults },
    fixtures: { userToken: user.accessToken, adminToken: admin.accessToken, userId: user.id, taskId, peerToken },
  };
}
