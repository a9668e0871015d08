import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { database } from '#lib/infra/database.ts';

const { sql } = database();

import { deleteExpiredSyncRows } from '#lib/cleanup/cleanup.ts';
import { handler as createTask } from '../../functions/tasks-create.ts';
import { bearer, type Registered, registerUser } from '../helpers/auth.ts';
import { expectErrorEnvelope } from '../helpers/hostile.ts';
import { invoke } from '../helpers/lambda.ts';
import { captureLogs } from '../helpers/logs.ts';

type Handler = Parameters<typeof invoke>[0];

const post = (user: Registered, body: unknown, key?: string, handler: Handler = createTask) =>
  invoke(handler, {
    method: 'POST',
    resource: '/api/v1/tasks',
    headers: { ...bearer(user.accessToken), ...(key === undefined ? {} : { 'Idempotency-Key': key }) },
    body,
  });

const tasksOf = async (user: Registered) =>
  (await sql`select count(*)::int as n from tasks where user_id = ${user.id}`)[0]?.n;

describe('POST /tasks with Idempotency-Key', () => {
  it('replays the stored answer to a repeat: same status, body and Location, marked as replayed', async () => {
    const user = await registerUser();
    const key = randomUUID();

    const first = await post(user, { title: 'Buy milk' }, key);
    const repeat = await post(user, { title: 'Buy milk' }, key);

    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(repeat.status).toBe(201);
    expect(repeat.raw).toBe(first.raw);
    expect(repeat.headers.location).toBe(first.headers.location);
    expect(repeat.headers.etag).toBe('"1"');
    expect(repeat.headers['idempotent-replayed']).toBe('true');
    expect(await tasksOf(user)).toBe(1);
  });

  it('answers 422 IDEMPOTENCY_KEY_REUSED to the same key with a different body, and creates nothing', async () => {
    const user = await registerUser();
    const key = randomUUID();
    await post(user, { title: 'Buy milk' }, key);

    const reply = await post(user, { title: 'Buy bread' }, key);

    expect(reply.status).toBe(422);
    expectErrorEnvelope(reply);
    expect(reply.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await tasksOf(user)).toBe(1);
  });

  it('treats bodies that validate to the same task as the same request', async () => {
    const user = await registerUser();
    const key = randomUUID();
    await post(user, { title: 'Buy milk', completed: false }, key);

    const reply = await post(user, { description: null, title: '  Buy milk ' }, key);

    expect(reply.headers['idempotent-replayed']).toBe('true');
  });

  it('keeps the keys of different users apart', async () => {
    const alice = await registerUser();
    const bob = await registerUser();
    const key = 'shared-key-1';

    const forAlice = await post(alice, { title: 'Same' }, key);
    const forBob = await post(bob, { title: 'Same' }, key);

    expect([forAlice.status, forBob.status]).toEqual([201, 201]);
    expect(forBob.headers['idempotent-replayed']).toBeUndefined();
    expect(forBob.body.data.userId).toBe(bob.id);
    expect([await tasksOf(alice), await tasksOf(bob)]).toEqual([1, 1]);
  });

  it('rejects an empty, too long or non-ASCII key with 400 and creates nothing', async () => {
    const user = await registerUser();

    const replies = [];
    for (const key of ['', 'k'.repeat(256), 'cl\u00e9', 'two words', 'tab\there']) {
      replies.push(await post(user, { title: 'Nope' }, key));
    }

    for (const reply of replies) {
      expect(reply.status).toBe(400);
      expectErrorEnvelope(reply);
      expect(reply.body.error.details[0].path).toBe('idempotency-key');
    }
    expect(await tasksOf(user)).toBe(0);
    expect((await post(user, { title: 'Longest key' }, '~'.repeat(255))).status).toBe(201);
  });

  it('does not store a failed first request: a retry after a 400 or a 500 runs afresh', async () => {
    const user = await registerUser();
    const key = randomUUID();
    // A database failure inside the request's transaction, for this one title only.
    await sql.unsafe(`
      create function fail_exploding_task() returns trigger language plpgsql as $$
      begin if new.title = 'Explode' then raise exception 'boom'; end if; return new; end $$;
      create trigger fail_exploding_task before insert on tasks for each row execute function fail_exploding_task();`);

    const invalid = await post(user, { title: '' }, key);
    const logs = captureLogs();
    const failed = await post(user, { title: 'Explode' }, key);
    vi.restoreAllMocks();
    await sql.unsafe('drop trigger fail_exploding_task on tasks; drop function fail_exploding_task();');
    const retried = await post(user, { title: 'Explode' }, key);

    expect([invalid.status, failed.status, retried.status]).toEqual([400, 500, 201]);
    expect(logs().join('')).toContain('unhandled error');
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect(await tasksOf(user)).toBe(1);
  });

  it('creates one task from 6 identical concurrent requests; the others replay it or get 409', async () => {
    // Separate module instances, each with its own connection, as separate warm Lambdas are.
    const handlers: Handler[] = [];
    for (let i = 0; i < 6; i++) {
      vi.resetModules();
      handlers.push((await import('../../functions/tasks-create.ts')).handler);
    }
    const user = await registerUser();
    const key = randomUUID();
    await Promise.all(handlers.map((handler) => post(user, { title: 'warm-up' }, undefined, handler)));
    await sql`delete from tasks where user_id = ${user.id}`;

    const replies = await Promise.all(handlers.map((handler) => post(user, { title: 'Once' }, key, handler)));

    expect(await tasksOf(user)).toBe(1);
    const [task] = await sql`select id from tasks where user_id = ${user.id}`;
    for (const reply of replies) {
      expect([201, 409]).toContain(reply.status);
      if (reply.status === 201) expect(reply.body.data.id).toBe(task?.id);
      else expect(reply.body.error.code).toBe('IDEMPOTENCY_KEY_IN_USE');
    }
    expect(replies.filter((reply) => reply.status === 201 && !reply.headers['idempotent-replayed'])).toHaveLength(1);
  });

  it('forgets a key after 24 hours: the scheduled clean-up deletes it and the key works again', async () => {
    const user = await registerUser();
    const expired = randomUUID();
    const live = randomUUID();
    await post(user, { title: 'Old' }, expired);
    await post(user, { title: 'New' }, live);
    await sql`update idempotency_keys set expires_at = now() - interval '1 second' where key = ${expired}`;

    const reused = await post(user, { title: 'Different now' }, expired);
    await sql`update idempotency_keys set expires_at = now() - interval '1 second' where key = ${expired}`;
    const cleaned = await deleteExpiredSyncRows();

    expect(reused.status).toBe(201);
    expect(reused.headers['idempotent-replayed']).toBeUndefined();
    expect(cleaned.idempotencyKeys).toBeGreaterThanOrEqual(1);
    const keys = await sql`select key from idempotency_keys where user_id = ${user.id}`;
    expect(keys.map((row) => row.key)).toEqual([live]);
  });
});
