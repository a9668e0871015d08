import * as v from 'valibot';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { tasks } from '#db/schema.ts';
import type { RouteDeclaration } from '#lib/http/declaration.ts';
import { ok } from '#lib/http/responses.ts';
import { type LambdaHandler, route } from '#lib/http/route.ts';
import { database } from '#lib/infra/database.ts';
import { handler as login } from '../../functions/auth-login.ts';
import { handler as createTask } from '../../functions/tasks-create.ts';
import { handler as getTask } from '../../functions/tasks-get.ts';
import { handler as listTasks } from '../../functions/tasks-list.ts';
import { handler as listUsers } from '../../functions/users-list.ts';
import { DECLARATIONS } from '../../scripts/routes.ts';
import { bearer, PASSWORD, type Registered, registerUser } from '../helpers/auth.ts';
import { type EventOptions, invoke } from '../helpers/lambda.ts';
import { captureLogs } from '../helpers/logs.ts';

/**
 * A route declared speculative (a bearer GET) starts its handler beside the session check, with
 * the caller its signed token names (lib/http/speculative.ts). Nothing it finds is answered
 * before the check admits that caller, every refusal is the one the check gives when awaited
 * first, and a refusal never waits for the handler. The handler runs read-only.
 */

let owner: Registered;
let ownerTaskId: string;

beforeAll(async () => {
  owner = await registerUser();
  const created = await invoke(createTask, {
    method: 'POST',
    resource: '/api/v1/tasks',
    headers: bearer(owner.accessToken),
    body: { title: 'private plans' },
  });
  ownerTaskId = created.body.data.id;
});

const signIn = async (user: Registered) =>
  (await invoke(login, { method: 'POST', body: { email: user.email, password: PASSWORD } })).body.data.tokens
    .accessToken as string;

const setRole = (user: Registered, role: 'USER' | 'ADMIN') =>
  database().sql`update users set role = ${role} where id = ${user.id}`;

describe('reads started before the session check answers', () => {
  it('answers a revoked session with 401 and none of the data it read', async () => {
    const user = await registerUser();
    const token = await signIn(user);
    const task = await invoke(createTask, {
      method: 'POST',
      resource: '/api/v1/tasks',
      headers: bearer(token),
      body: { title: 'read after logout' },
    });
    await database().sql`update sessions set revoked_at = now() where user_id = ${user.id}`;

    const reply = await invoke(getTask, {
      resource: '/api/v1/tasks/{id}',
      pathParameters: { id: task.body.data.id },
      headers: bearer(token),
    });

    expect(reply.status).toBe(401);
    expect(reply.body.error.code).toBe('TOKEN_INVALID');
    expect(reply.raw).not.toContain('read after logout');
  });

  it('refuses a dead session with 401 before a query it would refuse with 400', async () => {
    const user = await registerUser();
    await database().sql`update sessions set revoked_at = now() where user_id = ${user.id}`;

    const reply = await invoke(listTasks, {
      resource: '/api/v1/tasks',
      headers: bearer(user.accessToken),
      query: { pageSize: 'many' },
    });

    expect(reply.status).toBe(401);
  });

  it('refuses a dead session with 401 before a task it would answer 404', async () => {
    const user = await registerUser();
    await database().sql`update sessions set revoked_at = now() where user_id = ${user.id}`;

    const reply = await invoke(getTask, {
      resource: '/api/v1/tasks/{id}',
      pathParameters: { id: '00000000-0000-4000-8000-000000000000' },
      headers: bearer(user.accessToken),
    });

    expect(reply.status).toBe(401);
  });

  it('answers a demoted admin, whose token still claims ADMIN, as the user they now are', async () => {
    const admin = await registerUser();
    await setRole(admin, 'ADMIN');
    const adminToken = await signIn(admin);
    await setRole(admin, 'USER');

    const othersTask = await invoke(getTask, {
      resource: '/api/v1/tasks/{id}',
      pathParameters: { id: ownerTaskId },
      headers: bearer(adminToken),
    });
    const everyone = await invoke(listTasks, {
      resource: '/api/v1/tasks',
      headers: bearer(adminToken),
      query: { scope: 'all' },
    });
    const users = await invoke(listUsers, { resource: '/api/v1/users', headers: bearer(adminToken) });

    expect(othersTask.status).toBe(404);
    expect(othersTask.raw).not.toContain('private plans');
    expect(everyone.status).toBe(403);
    expect(users.status).toBe(403);
  });

  it('answers a promoted user, whose token still claims USER, as the admin they now are', async () => {
    const user = await registerUser();
    await setRole(user, 'ADMIN');

    const users = await invoke(listUsers, { resource: '/api/v1/users', headers: bearer(user.accessToken) });
    const othersTask = await invoke(getTask, {
      resource: '/api/v1/tasks/{id}',
      pathParameters: { id: ownerTaskId },
      headers: bearer(user.accessToken),
    });

    expect(users.status).toBe(200);
    expect(othersTask.status).toBe(200);
    expect(othersTask.body.data.title).toBe('private plans');
  });

  it('answers a live session its own data, as before', async () => {
    const reply = await invoke(getTask, {
      resource: '/api/v1/tasks/{id}',
      pathParameters: { id: ownerTaskId },
      headers: bearer(owner.accessToken),
    });

    expect(reply.status).toBe(200);
    expect(reply.body.data.id).toBe(ownerTaskId);
  });
});

describe('a refusal of a speculative read', () => {
  it('takes as long for an account whose tasks match a search thousands of times as for one whose tasks do not', async () => {
    const [patient, other] = [await registerUser(), await registerUser()];
    for (const [user, tasks, words] of [
      [patient, 3000, 'Follow-up visit after the diagnosis, '],
      [other, 5, 'Groceries for the week, '],
    ] as const) {
      await database().sql`
        insert into tasks (user_id, title, description)
        select ${user.id}, 'Notes ' || i, repeat(${words}, 10) || i from generate_series(1, ${tasks}::int) as i`;
      await database().sql`update sessions set revoked_at = now() where user_id = ${user.id}`;
    }
    await database().sql`analyze tasks`;
    const search = (user: Registered) =>
      invoke(listTasks, {
        resource: '/api/v1/tasks',
        headers: bearer(user.accessToken),
        query: { q: 'diagnosis' },
        sourceIp: '198.51.100.24',
      });
    // Warm: the connection has answered, so the read starts beside the session check.
    await search(other);
    const matching: number[] = [];
    const none: number[] = [];
    // Interleaved, so a burst of load from other test files slows both alike.
    for (let i = 0; i < 15; i++) {
      for (const [user, times] of [
        [patient, matching],
        [other, none],
      ] as const) {
        const started = performance.now();
        const reply = await search(user);
        times.push(performance.now() - started);
        expect(reply.status).toBe(401);
        // What the refused read had sent is still on the instance's one connection, and the
        // next sample would queue behind it (lib/http/speculative.ts): each refusal is timed alone.
        await database().sql`select 1`;
      }
    }
    // Load only ever adds time: the lower quartile shows what each refusal itself costs.
    const quartile = (times: number[]) => times.sort((a, b) => a - b)[3] ?? 0;

    expect(quartile(matching) / quartile(none)).toBeGreaterThan(0.67);
    expect(quartile(matching) / quartile(none)).toBeLessThan(1.5);
  });
});

/** A route of this test (not in the document, so its answers skip the contract check). */
const AD_HOC = {
  method: 'GET',
  path: '/ad-hoc',
  function: 'ad-hoc',
  operationId: 'adHoc',
  tag: 'Tasks',
  summary: 'a route of this test',
  auth: 'user',
  success: { status: 200, description: 'anything', schema: v.unknown() },
} as const satisfies RouteDeclaration;

describe('routes declared speculative', () => {
  afterEach(() => vi.restoreAllMocks());

  it('answers 500 and writes nothing when a speculative handler tries to write', async () => {
    const logs = captureLogs();
    const writing = route({ ...AD_HOC, speculative: true }, async ({ auth }) => {
      await database().db.insert(tasks).values({ userId: auth.userId, title: 'written by a read' });
      return ok({});
    });

    // Twice: whether the handler starts beside the check or after it, it runs read-only.
    for (let i = 0; i < 2; i++) {
      const reply = await invoke(writing, { resource: '/ad-hoc', headers: bearer(owner.accessToken), contract: false });
      expect(reply.status).toBe(500);
    }
    expect(await database().sql`select 1 from tasks where title = 'written by a read'`).toHaveLength(0);
    expect(logs().join('')).toContain('StatementRefused');
  });

  it('cannot be declared on anything but a bearer GET', () => {
    expect(() => route({ ...AD_HOC, method: 'POST', speculative: true }, () => ok({}))).toThrow(/bearer GET/);
    expect(() => route({ ...AD_HOC, auth: 'none', speculative: true }, () => ok({}))).toThrow(/bearer GET/);
  });

  // Each speculative route, called as an admin (who may call them all) with input it answers
  // 200: its handler runs read-only, so a statement that could write would make it a 500.
  // A route newly declared speculative needs an entry here.
  const calls: Record<string, () => Partial<EventOptions>> = {
    listTasks: () => ({ query: { q: 'plans', scope: 'all' } }),
    getTask: () => ({ pathParameters: { id: ownerTaskId } }),
    listTaskChanges: () => ({}),
    getMe: () => ({}),
    getUser: () => ({ pathParameters: { id: owner.id } }),
    listUsers: () => ({}),
    listSessions: () => ({}),
    listAuditEvents: () => ({}),
  };
  const speculative = DECLARATIONS.filter((declaration) => declaration.speculative);

  it('are the bearer GETs listed here', () => {
    expect(speculative.every((declaration) => declaration.method === 'GET' && declaration.auth !== 'none')).toBe(true);
    expect(speculative.map((declaration) => declaration.operationId).sort()).toEqual(Object.keys(calls).sort());
  });

  it.each(speculative.map((declaration) => [declaration.operationId, declaration] as const))(
    '%s answers without writing',
    async (operationId, declaration) => {
      const admin = await registerUser();
      await setRole(admin, 'ADMIN');
      const token = await signIn(admin);
      const { handler } = (await import(`../../functions/${declaration.function}.ts`)) as { handler: LambdaHandler };

      const reply = await invoke(handler, {
        resource: declaration.path,
        headers: bearer(token),
        ...calls[operationId]?.(),
      });

      expect(reply.status, reply.raw).toBe(200);
    },
  );
});
