import { describe, expect, it } from 'vitest';
import { database } from '#lib/infra/database.ts';

const { sql } = database();

import { TASK_SORTS } from '#lib/tasks/schemas.ts';
import { handler as listTasks } from '../../functions/tasks-list.ts';
import { bearer, type Registered, registerUser } from '../helpers/auth.ts';
import { expectErrorEnvelope } from '../helpers/hostile.ts';
import { invoke } from '../helpers/lambda.ts';

const list = (user: Registered, query: Record<string, string>) =>
  invoke(listTasks, { headers: bearer(user.accessToken), query });

/**
 * 24 tasks whose sort keys tie in groups (same title, same created_at, updated_at one
 * microsecond apart), so pages must break ties by id and keep microseconds.
 */
async function seed(user: Registered): Promise<string[]> {
  const rows = await sql`
    insert into tasks (user_id, title, completed, created_at, updated_at)
    select ${user.id}, 'Task ' || (i % 6), i % 3 = 0,
           timestamptz '2026-01-01' + (i / 4) * interval '1 second',
           timestamptz '2026-01-01' + i * interval '1 microsecond'
    from generate_series(1, 24) as i
    returning id`;
  return rows.map((row) => row.id as string);
}

async function insertOne(user: Registered, title: string): Promise<string> {
  const [row] = await sql`insert into tasks (user_id, title) values (${user.id}, ${title}) returning id`;
  return row?.id as string;
}

const softDelete = (id: string) =>
  sql`update tasks set deleted_at = now(), version = version + 1, change_xid = pg_current_xact_id() where id = ${id}`;

describe('cursor pages of GET /tasks', () => {
  it.each(TASK_SORTS)(
    'never skip or repeat a task by %s while tasks are added and deleted between pages',
    async (sort) => {
      const user = await registerUser();
      const seeded = await seed(user);
      const seen: string[] = [];
      const deleted = new Set<string>();
      const added = new Set<string>();

      let reply = await list(user, { limit: '5', sort });
      for (let page = 0; reply.body.meta.nextCursor; page++) {
        seen.push(...reply.body.data.map((task: { id: string }) => task.id));
        // Between pages: one new task, one deleted task the client has seen and one it has not.
        added.add(await insertOne(user, `Task ${page % 6}`));
        const unseen = seeded.find((id) => !seen.includes(id) && !deleted.has(id));
        const known = seen.find((id) => !deleted.has(id));
        for (const id of [unseen, known]) {
          if (id) {
            await softDelete(id);
            deleted.add(id);
          }
        }
        reply = await list(user, { limit: '5', sort, cursor: reply.body.meta.nextCursor });
        expect(reply.status).toBe(200);
      }
      seen.push(...reply.body.data.map((task: { id: string }) => task.id));

      expect(new Set(seen).size).toBe(seen.length);
      const kept = seeded.filter((id) => !deleted.has(id));
      for (const id of kept) expect(seen).toContain(id);
      for (const id of seen) expect(seeded.includes(id) || added.has(id)).toBe(true);
    },
  );

  it('returns the same order as offset pages when nothing changes, ending with a null nextCursor', async () => {
    const user = await registerUser();
    await seed(user);

    const offset = await list(user, { pageSize: '100', sort: 'title' });
    const ids: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const reply = await list(user, { limit: '7', sort: 'title', ...(cursor ? { cursor } : {}) });
      ids.push(...reply.body.data.map((task: { id: string }) => task.id));
      expect(reply.body.meta.limit).toBe(7);
      cursor = reply.body.meta.nextCursor ?? undefined;
      pages++;
    } while (cursor);

    expect(ids).toEqual(offset.body.data.map((task: { id: string }) => task.id));
    expect(pages).toBe(4);
  });

  it('keeps the filters: completed and q', async () => {
    const user = await registerUser();
    await seed(user);

    const first = await list(user, { limit: '3', completed: 'true', q: 'task 3' });
    const second = await list(user, {
      limit: '3',
      completed: 'true',
      q: 'task 3',
      cursor: first.body.meta.nextCursor,
    });

    const all = [...first.body.data, ...second.body.data];
    expect(all).toHaveLength(4);
    for (const task of all) expect(task).toMatchObject({ completed: true, title: 'Task 3' });
    expect(second.body.meta.nextCursor).toBeNull();
  });

  it('rejects forged, foreign, other-query and malformed cursors with 400', async () => {
    const user = await registerUser();
    const stranger = await registerUser();
    await seed(user);
    const cursor = (await list(user, { limit: '2' })).body.meta.nextCursor as string;
    const forged = Buffer.from(cursor, 'base64url');
    forged.writeUInt8(forged.readUInt8(forged.length - 20) ^ 1, forged.length - 20);
    const signature = Buffer.alloc(18).toString('base64url');

    const replies = [
      await list(user, { limit: '2', cursor: forged.toString('base64url') }),
      await list(user, { limit: '2', cursor: cursor.slice(0, -4) }),
      await list(stranger, { limit: '2', cursor }),
      await list(user, { limit: '2', cursor, sort: 'title' }),
      await list(user, { limit: '2', cursor, completed: 'false' }),
      await list(user, { cursor: 'not-a-cursor' }),
      await list(user, { cursor: '' }),
      await list(user, { cursor: 'a.b.c' }),
      await list(user, { cursor: `${Buffer.from('[1]').toString('base64url')}.${signature}` }),
      await list(user, { cursor, page: '2' }),
      await list(user, { limit: '5', pageSize: '5' }),
      await list(user, { limit: '0' }),
      await list(user, { limit: '101' }),
    ];

    for (const reply of replies) {
      expect(reply.status).toBe(400);
      expectErrorEnvelope(reply);
    }
  });

  it('are opaque: encrypted, a fresh nonce each, nothing of the position or the query readable', async () => {
    const user = await registerUser();
    const ids = await seed(user);

    const first = (await list(user, { limit: '2' })).body.meta.nextCursor as string;
    const again = (await list(user, { limit: '2' })).body.meta.nextCursor as string;
    const next = await list(user, { limit: '2', cursor: first });

    expect(first).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(again).not.toBe(first);
    const bytes = Buffer.from(first, 'base64url');
    for (const shown of [bytes.toString('latin1'), bytes.toString('utf8')]) {
      expect(shown).not.toMatch(/"[a-z]":/);
      for (const id of [user.id, ...ids]) expect(shown).not.toContain(id);
    }
    expect(next.status).toBe(200);
    expect(next.body.data).toHaveLength(2);
  });

  it('lets an admin page through everyone\u2019s tasks with scope=all', async () => {
    const admin = await registerUser();
    await sql`update users set role = 'ADMIN' where id = ${admin.id}`;
    const owner = await registerUser();
    await seed(owner);

    const first = await list(admin, { limit: '10', scope: 'all' });
    const second = await list(admin, { limit: '10', scope: 'all', cursor: first.body.meta.nextCursor });

    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    const ids = [...first.body.data, ...second.body.data].map((task: { id: string }) => task.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
