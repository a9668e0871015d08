import { describe, expect, it, vi } from 'vitest';
import { database } from '#lib/infra/database.ts';

const { sql } = database();

import { handler as preflight } from '../../functions/preflight.ts';
import { handler as createTask } from '../../functions/tasks-create.ts';
import { handler as deleteTask } from '../../functions/tasks-delete.ts';
import { handler as getTask } from '../../functions/tasks-get.ts';
import { handler as updateTask } from '../../functions/tasks-update.ts';
import { bearer, type Registered, registerUser } from '../helpers/auth.ts';
import { SECURITY_HEADERS } from '../helpers/headers.ts';
import { expectErrorEnvelope } from '../helpers/hostile.ts';
import { invoke } from '../helpers/lambda.ts';

type Handler = Parameters<typeof invoke>[0];

const get = (user: Registered, id: string, headers: Record<string, string> = {}) =>
  invoke(getTask, { headers: { ...bearer(user.accessToken), ...headers }, pathParameters: { id } });
const patch = (user: Registered, id: string, body: unknown, headers: Record<string, string> = {}) =>
  invoke(updateTask, {
    method: 'PATCH',
    headers: { ...bearer(user.accessToken), ...headers },
    pathParameters: { id },
    body,
  });
const remove = (user: Registered, id: string, headers: Record<string, string> = {}) =>
  invoke(deleteTask, {
    method: 'DELETE',
    headers: { ...bearer(user.accessToken), ...headers },
    pathParameters: { id },
  });

async function newTask(user: Registered) {
  const reply = await invoke(createTask, {
    method: 'POST',
    headers: bearer(user.accessToken),
    body: { title: 'A task' },
  });
  if (reply.status !== 201) throw new Error(reply.raw);
  return reply;
}

describe('ETag', () => {
  it('is the quoted version on create, read and update, and grows by one on every change', async () => {
    const user = await registerUser();

    const created = await newTask(user);
    const id = created.body.data.id;
    const read = await get(user, id);
    const updated = await patch(user, id, { title: 'Renamed' });
    const again = await patch(user, id, { completed: true });

    expect(created.headers.etag).toBe('"1"');
    expect(read.headers.etag).toBe('"1"');
    expect([updated.headers.etag, updated.body.data.version]).toEqual(['"2"', 2]);
    expect([again.headers.etag, again.body.data.version]).toEqual(['"3"', 3]);
  });
});

describe('GET /tasks/:id with If-None-Match', () => {
  it('answers 304 with no body, with the ETag and every contract header, while the task is unchanged', async () => {
    const user = await registerUser();
    const { id } = (await newTask(user)).body.data;

    const reply = await get(user, id, { 'If-None-Match': '"1"' });

    expect(reply.status).toBe(304);
    expect(reply.raw).toBe('');
    expect(reply.headers.etag).toBe('"1"');
    expect(reply.headers).toMatchObject(SECURITY_HEADERS);
    expect(reply.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(reply.headers['cache-control']).toBe('no-store');
  });

  it('matches weakly, in lists and with *, as RFC 9110 says', async () => {
    const user = await registerUser();
    const { id } = (await newTask(user)).body.data;

    const statuses = [];
    for (const value of ['W/"1"', '"7", "1"', '*', '"2"', 'W/"2"']) {
      statuses.push((await get(user, id, { 'If-None-Match': value })).status);
    }

    expect(statuses).toEqual([304, 304, 304, 200, 200]);
  });

  it('answers 200 with the new state once the task changed', async () => {
    const user = await registerUser();
    const { id } = (await newTask(user)).body.data;
    await patch(user, id, { title: 'Changed' });

    const reply = await get(user, id, { 'If-None-Match': '"1"' });

    expect(reply.status).toBe(200);
    expect(reply.headers.etag).toBe('"2"');
    expect(reply.body.data.title).toBe('Changed');
  });

  it('answers 404, not 304, for another user\u2019s task', async () => {
    const owner = await registerUser();
    const stranger = await registerUser();
    const { id } = (await newTask(owner)).body.data;

    const reply = await get(stranger, id, { 'If-None-Match': '*' });

    expect(reply.status).toBe(404);
  });
});

describe('PATCH and DELETE /tasks/:id with If-Match', () => {
  it('changes the task when the ETag is current and answers 412 when it is stale', async () => {
    const user = await registerUser();
    const { id } = (await newTask(user)).body.data;

    const fresh = await patch(user, id, { title: 'First device' }, { 'If-Match': '"1"' });
    const stale = await patch(user, id, { title: 'Second device' }, { 'If-Match': '"1"' });

    expect(fresh.status).toBe(200);
    expect(stale.status).toBe(412);
    expectErrorEnvelope(stale);
    expect(stale.body.error.code).toBe('PRECONDITION_FAILED');
    const [row] = await sql`select title, version from tasks where id = ${id}`;
    expect(row).toEqual({ title: 'First device', version: 2 });
  });

  it('never matches a weak tag, matches any version with *, and behaves as before without If-Match', async () => {
    const user = await registerUser();
    const { id } = (await newTask(user)).body.data;

    const weak = await patch(user, id, { title: 'weak' }, { 'If-Match': 'W/"1"' });
    const any = await patch(user, id, { title: 'any' }, { 'If-Match': '*' });
    const listed = await patch(user, id, { title: 'listed' }, { 'If-Match': '"9", "2"' });
    const unconditional = await patch(user, id, { title: 'plain' });

    expect([weak.status, any.status, listed.status, unconditional.status]).toEqual([412, 200, 200, 200]);
    expect(unconditional.body.data.version).toBe(4);
  });

  it('deletes only with a current ETag', async () => {
    const user = await registerUser();
    const { id } = (await newTask(user)).body.data;
    await patch(user, id, { title: 'Changed elsewhere' });

    const stale = await remove(user, id, { 'If-Match': '"1"' });
    const fresh = await remove(user, id, { 'If-Match': '"2"' });

    expect(stale.status).toBe(412);
    expect(fresh.status).toBe(204);
    expect((await get(user, id)).status).toBe(404);
  });

  it('answers 404, not 412, for a task that is gone or another user\u2019s', async () => {
    const owner = await registerUser();
    const stranger = await registerUser();
    const { id } = (await newTask(owner)).body.data;

    const foreign = await patch(stranger, id, { title: 'x' }, { 'If-Match': '"1"' });
    const foreignDelete = await remove(stranger, id, { 'If-Match': '"1"' });
    await remove(owner, id);
    const gone = await patch(owner, id, { title: 'x' }, { 'If-Match': '"2"' });

    expect([foreign.status, foreignDelete.status, gone.status]).toEqual([404, 404, 404]);
  });

  it('holds admins to the same rules on other users\u2019 tasks', async () => {
    const owner = await registerUser();
    const admin = await registerUser();
    await sql`update users set role = 'ADMIN' where id = ${admin.id}`;
    const { id } = (await newTask(owner)).body.data;
    await patch(owner, id, { title: 'Owner edit' });

    const stale = await patch(admin, id, { completed: true }, { 'If-Match': '"1"' });
    const fresh = await patch(admin, id, { completed: true }, { 'If-Match': '"2"' });
    const staleDelete = await remove(admin, id, { 'If-Match': '"2"' });
    const conditionalRead = await get(admin, id, { 'If-None-Match': '"3"' });

    expect([stale.status, fresh.status, staleDelete.status, conditionalRead.status]).toEqual([412, 200, 412, 304]);
  });

  it('rejects a malformed If-Match or If-None-Match with 400', async () => {
    const user = await registerUser();
    const { id } = (await newTask(user)).body.data;

    const replies = [
      await patch(user, id, { title: 'x' }, { 'If-Match': '1' }),
      await patch(user, id, { title: 'x' }, { 'If-Match': '"1' }),
      await remove(user, id, { 'If-Match': '' }),
      await get(user, id, { 'If-None-Match': '"1", *' }),
      await get(user, id, { 'If-None-Match': `"${'9'.repeat(2000)}"` }),
    ];

    for (const reply of replies) {
      expect(reply.status).toBe(400);
      expectErrorEnvelope(reply);
    }
    expect((await get(user, id)).body.data.version).toBe(1);
  });
});

describe('CORS for browser apps', () => {
  it('lets an allowed origin send the conditional and idempotency headers and read ETag and Idempotent-Replayed', async () => {
    const origin = 'https://app.example.test';

    const reply = await invoke(preflight, {
      method: 'OPTIONS',
      resource: '/api/v1/tasks/{id}',
      headers: {
        Origin: origin,
        'Access-Control-Request-Method': 'PATCH',
        'Access-Control-Request-Headers': 'if-match',
      },
    });
    const user = await registerUser();
    const created = await invoke(createTask, {
      method: 'POST',
      headers: { ...bearer(user.accessToken), Origin: origin },
      body: { title: 'From a browser' },
    });

    expect(reply.status).toBe(204);
    const allowed = (reply.headers['access-control-allow-headers'] ?? '').toLowerCase().split(',');
    expect(allowed).toEqual(expect.arrayContaining(['if-match', 'if-none-match', 'idempotency-key']));
    const exposed = (created.headers['access-control-expose-headers'] ?? '').toLowerCase().split(',');
    expect(exposed).toEqual(expect.arrayContaining(['etag', 'idempotent-replayed', 'location']));
  });
});

describe('concurrent conditional PATCHes', () => {
  it('lets exactly one of 8 PATCHes with the same If-Match win; the other 7 get 412', async () => {
    // Separate module instances, each with its own connection, as separate warm Lambdas are.
    const handlers: Handler[] = [];
    for (let i = 0; i < 8; i++) {
      vi.resetModules();
      handlers.push((await import('../../functions/tasks-update.ts')).handler);
    }
    const user = await registerUser();
    const { id } = (await newTask(user)).body.data;
    await Promise.all(handlers.map((handler) => invoke(handler, { method: 'POST', body: 'warm-up', contract: false })));

    const replies = await Promise.all(
      handlers.map((handler, i) =>
        invoke(handler, {
          method: 'PATCH',
          resource: '/api/v1/tasks/{id}',
          headers: { ...bearer(user.accessToken), 'If-Match': '"1"' },
          pathParameters: { id },
          body: { title: `Writer ${i}` },
        }),
      ),
    );

    const statuses = replies.map((reply) => reply.status).sort();
    expect(statuses).toEqual([200, ...Array(7).fill(412)]);
    const winner = replies.find((reply) => reply.status === 200);
    const [row] = await sql`select title, version from tasks where id = ${id}`;
    expect(row).toEqual({ title: winner?.body.data.title, version: 2 });
  });
});
