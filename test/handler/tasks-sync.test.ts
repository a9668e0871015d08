import { setTimeout as sleep } from 'node:timers/promises';
import postgres from 'postgres';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { database } from '#lib/infra/database.ts';

const { sql } = database();

import { deleteExpiredSyncRows } from '#lib/cleanup/cleanup.ts';
import { encodeSyncCursor } from '#lib/tasks/changes.ts';
import { handler as tasksChanges } from '../../functions/tasks-changes.ts';
import { handler as createTask } from '../../functions/tasks-create.ts';
import { handler as deleteTask } from '../../functions/tasks-delete.ts';
import { handler as getTask } from '../../functions/tasks-get.ts';
import { handler as listTasks } from '../../functions/tasks-list.ts';
import { handler as updateTask } from '../../functions/tasks-update.ts';
import { bearer, type Registered, registerUser } from '../helpers/auth.ts';
import { expectErrorEnvelope } from '../helpers/hostile.ts';
import { invoke } from '../helpers/lambda.ts';

type Handler = Parameters<typeof invoke>[0];

/** Connections of their own, as other Lambda instances have: for transactions held open. */
const others: postgres.Sql[] = [];
function connection(): postgres.Sql {
  const other = postgres(process.env.DATABASE_URL as string, { max: 1, prepare: false, onnotice: () => {} });
  others.push(other);
  return other;
}
afterAll(() => Promise.all(others.map((other) => other.end({ timeout: 5 }))));

const changes = (user: Registered, query: Record<string, string> = {}) =>
  invoke(tasksChanges, { resource: '/api/v1/tasks/changes', headers: bearer(user.accessToken), query });

const create = async (user: Registered, title: string, handler: Handler = createTask) => {
  const reply = await invoke(handler, {
    method: 'POST',
    resource: '/api/v1/tasks',
    headers: bearer(user.accessToken),
    body: { title },
  });
  if (reply.status !== 201) throw new Error(reply.raw);
  return reply.body.data as { id: string; version: number };
};
const patch = (user: Registered, id: string, body: object, handler: Handler = updateTask) =>
  invoke(handler, {
    method: 'PATCH',
    resource: '/api/v1/tasks/{id}',
    headers: bearer(user.accessToken),
    pathParameters: { id },
    body,
  });
const remove = (user: Registered, id: string, handler: Handler = deleteTask) =>
  invoke(handler, {
    method: 'DELETE',
    resource: '/api/v1/tasks/{id}',
    headers: bearer(user.accessToken),
    pathParameters: { id },
  });

interface Change {
  type: 'upsert' | 'delete';
  task?: { id: string; version: number };
  id?: string;
}

/** A client's local copy: id → version, kept by applying changes. */
class Replica {
  readonly tasks = new Map<string, number>();
  since: string | undefined;
  private readonly user: Registered;

  constructor(user: Registered) {
    this.user = user;
  }

  /** One call; applies what it got. */
  async pull(limit = 50): Promise<{ hasMore: boolean; ids: string[] }> {
    const reply = await changes(this.user, { limit: String(limit), ...(this.since ? { since: this.since } : {}) });
    if (reply.status !== 200) throw new Error(reply.raw);
    const {
      changes: batch,
      nextSince,
      hasMore,
    } = reply.body.data as {
      changes: Change[];
      nextSince: string;
      hasMore: boolean;
    };
    for (const change of batch) {
      if (change.type === 'upsert' && change.task) this.tasks.set(change.task.id, change.task.version);
      else if (change.id) this.tasks.delete(change.id);
    }
    this.since = nextSince;
    return { hasMore, ids: batch.map((change) => change.task?.id ?? change.id ?? '') };
  }

  /** Calls until hasMore is false (a short pause when changes are still committing). */
  async catchUp(limit = 50): Promise<void> {
    for (let calls = 0; calls < 500; calls++) {
      const { hasMore, ids } = await this.pull(limit);
      if (!hasMore) return;
      if (ids.length === 0) await sleep(20);
    }
    throw new Error('sync never caught up');
  }
}

/**
 * Every change after `since`, calling until hasMore is false: the horizon is the server's, so
 * another database's open transaction can make an answer wait for a later call.
 */
async function collect(user: Registered, since: string): Promise<Change[]> {
  const all: Change[] = [];
  for (let cursor = since, calls = 0; calls < 500; calls++) {
    const { changes: batch, nextSince, hasMore } = (await changes(user, { since: cursor })).body.data;
    all.push(...batch);
    if (!hasMore) return all;
    cursor = nextSince;
    if (batch.length === 0) await sleep(20);
  }
  throw new Error('sync never caught up');
}

const liveTasks = async (user: Registered) =>
  new Map(
    (await sql`select id, version from tasks where user_id = ${user.id} and deleted_at is null`).map((row) => [
      row.id as string,
      row.version as number,
    ]),
  );

describe('GET /tasks/changes', () => {
  it('starts with every live task, then reports updates and deletes once each, oldest first', async () => {
    const user = await registerUser();
    const early = await create(user, 'Deleted before the first sync');
    await remove(user, early.id);
    const a = await create(user, 'A');
    const b = await create(user, 'B');
    const replica = new Replica(user);

    const first = await changes(user);
    replica.since = first.body.data.nextSince;
    await patch(user, a.id, { title: 'A1' });
    await patch(user, a.id, { title: 'A2' });
    await remove(user, b.id);
    const c = await create(user, 'C');
    await replica.catchUp();
    const later = await collect(user, first.body.data.nextSince);

    expect(first.status).toBe(200);
    expect(first.body.data.changes.map((change: Change) => change.task?.id)).toEqual([a.id, b.id]);
    expect(first.body.data.hasMore).toBe(false);
    expect(later.map((change) => [change.type, change.task?.id ?? change.id])).toEqual([
      ['upsert', a.id],
      ['delete', b.id],
      ['upsert', c.id],
    ]);
    expect(later[0]?.task?.version).toBe(3);
    expect(later[1]).toEqual({ type: 'delete', id: b.id, deletedAt: expect.any(String) });
  });

  it('pages with limit and hasMore, each task once, the copy equal to the live tasks', async () => {
    const user = await registerUser();
    for (let i = 0; i < 12; i++) await create(user, `Task ${i}`);
    const replica = new Replica(user);

    const page = await changes(user, { limit: '5' });
    await replica.catchUp(5);

    expect(page.body.data.changes).toHaveLength(5);
    expect(page.body.data.hasMore).toBe(true);
    expect(replica.tasks).toEqual(await liveTasks(user));
    expect(replica.tasks.size).toBe(12);
  });

  it('does not skip a change whose transaction began before a sync read and committed after it', async () => {
    const user = await registerUser();
    const slow = await create(user, 'Changed by a long transaction');
    const fast = await create(user, 'Changed meanwhile');
    const replica = new Replica(user);
    await replica.catchUp();
    const other = connection();
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let changed: () => void = () => {};
    const written = new Promise<void>((resolve) => {
      changed = resolve;
    });

    // The long transaction takes its xid and writes first; the fast change commits before it.
    const longTransaction = other.begin(async (tx) => {
      await tx`update tasks set title = 'slow', version = version + 1, change_xid = pg_current_xact_id(),
        updated_at = now() where id = ${slow.id}`;
      changed();
      await held;
    });
    await written;
    await patch(user, fast.id, { title: 'fast' });
    const during = await replica.pull();
    release();
    await longTransaction;
    await replica.catchUp();

    expect(during.hasMore).toBe(true);
    expect(during.ids).not.toContain(fast.id);
    expect(replica.tasks).toEqual(await liveTasks(user));
    expect(replica.tasks.get(slow.id)).toBe(2);
    expect(replica.tasks.get(fast.id)).toBe(2);
  });

  it('ends equal to the live tasks after syncing in a loop while several writers create, update and delete', async () => {
    const user = await registerUser();
    // Writers are separate module instances with their own connections, as separate Lambdas are.
    const writers = [];
    for (let i = 0; i < 3; i++) {
      vi.resetModules();
      writers.push({
        create: (await import('../../functions/tasks-create.ts')).handler,
        update: (await import('../../functions/tasks-update.ts')).handler,
        remove: (await import('../../functions/tasks-delete.ts')).handler,
      });
    }
    const seeded = await Promise.all(Array.from({ length: 10 }, (_, i) => create(user, `Seed ${i}`)));
    const ids = seeded.map((task) => task.id);
    const slow = connection();
    const replica = new Replica(user);
    let writing = true;
    const pick = () => ids[Math.floor(Math.random() * ids.length)] as string;

    const work = writers.map(async (writer, w) => {
      for (let n = 0; n < 25; n++) {
        const roll = Math.random();
        if (roll < 0.35) ids.push((await create(user, `W${w}-${n}`, writer.create)).id);
        else if (roll < 0.8) await patch(user, pick(), { title: `W${w}-${n}` }, writer.update);
        else await remove(user, pick(), writer.remove);
      }
    });
    // Transactions that stay open across sync reads while others commit.
    const longWork = (async () => {
      for (let n = 0; n < 6; n++) {
        await slow.begin(async (tx) => {
          await tx`update tasks set version = version + 1, change_xid = pg_current_xact_id(), updated_at = now()
            where id = ${pick()} and deleted_at is null`;
          await sleep(40);
        });
      }
    })();
    const reader = (async () => {
      while (writing) await replica.pull(7);
    })();
    await Promise.all([...work, longWork]);
    writing = false;
    await reader;
    await replica.catchUp(7);

    const live = await liveTasks(user);
    expect(live.size).toBeGreaterThan(5);
    expect(replica.tasks).toEqual(live);
  });

  it('hides deleted tasks from every other route while their tombstones live', async () => {
    const user = await registerUser();
    const kept = await create(user, 'Kept');
    const gone = await create(user, 'Gone');
    await remove(user, gone.id);

    const offset = await invoke(listTasks, { headers: bearer(user.accessToken) });
    const cursor = await invoke(listTasks, { headers: bearer(user.accessToken), query: { limit: '10' } });
    const read = await invoke(getTask, { headers: bearer(user.accessToken), pathParameters: { id: gone.id } });
    const changed = await patch(user, gone.id, { title: 'x' });
    const deletedAgain = await remove(user, gone.id);

    expect(offset.body.meta.total).toBe(1);
    expect(offset.body.data.map((task: { id: string }) => task.id)).toEqual([kept.id]);
    expect(cursor.body.data.map((task: { id: string }) => task.id)).toEqual([kept.id]);
    expect([read.status, changed.status, deletedAgain.status]).toEqual([404, 404, 404]);
    const [row] = await sql`select deleted_at is not null as tombstone from tasks where id = ${gone.id}`;
    expect(row?.tombstone).toBe(true);
  });

  it('answers 410 SYNC_CURSOR_EXPIRED to a cursor older than TOMBSTONE_TTL, and accepts a younger one', async () => {
    const user = await registerUser();
    const day = 86_400_000;
    const position = { xid: '1', id: '00000000-0000-0000-0000-000000000000' };

    const expired = await changes(user, {
      since: encodeSyncCursor(user.id, { ...position, at: Date.now() - 31 * day }),
    });
    const young = await changes(user, { since: encodeSyncCursor(user.id, { ...position, at: Date.now() - 29 * day }) });

    expect(expired.status).toBe(410);
    expectErrorEnvelope(expired);
    expect(expired.body.error.code).toBe('SYNC_CURSOR_EXPIRED');
    expect(young.status).toBe(200);
  });

  it('hides the transaction horizon: nextSince is encrypted, and the earlier signed-only format answers 410', async () => {
    const user = await registerUser();
    await create(user, 'Synced');
    const [horizon] = await sql`select pg_snapshot_xmin(pg_current_snapshot())::text as xmin`;

    const since = (await changes(user)).body.data.nextSince as string;
    const readable = Buffer.from(since, 'base64url').toString('latin1');
    const signedOnly = `${Buffer.from(
      JSON.stringify({ s: 'sync', u: user.id, x: String(horizon?.xmin), i: user.id, t: Date.now() }),
    ).toString('base64url')}.${Buffer.alloc(18).toString('base64url')}`;
    const old = await changes(user, { since: signedOnly });

    expect(since).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(readable).not.toMatch(/"[a-z]":|sync/);
    expect(readable).not.toContain(user.id);
    // The horizon is a number near the server's current xid: no run of its digits shows.
    expect(readable).not.toContain(String(horizon?.xmin).slice(0, 4));
    expect(old.status).toBe(410);
    expect(old.body.error.code).toBe('SYNC_CURSOR_EXPIRED');
  });

  it('purges tombstones past TOMBSTONE_TTL in the scheduled clean-up and keeps younger ones', async () => {
    const user = await registerUser();
    const old = await create(user, 'Old');
    const recent = await create(user, 'Recent');
    const live = await create(user, 'Live');
    await remove(user, old.id);
    await remove(user, recent.id);
    await sql`update tasks set deleted_at = now() - interval '32 days' where id = ${old.id}`;

    await deleteExpiredSyncRows();

    const rows = await sql`select id from tasks where user_id = ${user.id} order by title`;
    expect(rows.map((row) => row.id)).toEqual([live.id, recent.id]);
  });

  it('rejects a forged, foreign or malformed since and a bad limit with 400', async () => {
    const user = await registerUser();
    const stranger = await registerUser();
    const since = (await changes(user)).body.data.nextSince as string;
    const forged = Buffer.from(since, 'base64url');
    forged.writeUInt8(forged.readUInt8(20) ^ 1, 20);

    const replies = [
      await changes(user, { since: forged.toString('base64url') }),
      await changes(stranger, { since }),
      await changes(user, { since: 'garbage' }),
      await changes(user, { since: '' }),
      await changes(user, { limit: '0' }),
      await changes(user, { limit: '501' }),
      await changes(user, { limit: 'ten' }),
    ];

    for (const reply of replies) {
      expect(reply.status).toBe(400);
      expectErrorEnvelope(reply);
    }
  });
});
