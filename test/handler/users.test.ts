import { describe, expect, it, vi } from 'vitest';
import type { AuthContext } from '#lib/auth/authenticate.ts';
import { database } from '#lib/infra/database.ts';

const { sql } = database();

import { handler as login } from '../../functions/auth-login.ts';
import { handler as sessions } from '../../functions/auth-sessions-list.ts';
import { handler as createTask } from '../../functions/tasks-create.ts';
import { handler as deleteUser } from '../../functions/users-delete.ts';
import { handler as getUser } from '../../functions/users-get.ts';
import { handler as listUsers } from '../../functions/users-list.ts';
import { handler as me } from '../../functions/users-me-get.ts';
import { handler as updateMe } from '../../functions/users-me-update.ts';
import { handler as updateUser } from '../../functions/users-update.ts';
import { bearer, PASSWORD, type Registered, registerUser, uniqueEmail } from '../helpers/auth.ts';
import { invoke } from '../helpers/lambda.ts';

const patchMe = (user: Registered, body: unknown) =>
  invoke(updateMe, { method: 'PATCH', headers: bearer(user.accessToken), body });
const setRole = (admin: Registered, id: string, role: string, handler = updateUser) =>
  invoke(handler, {
    method: 'PATCH',
    resource: '/api/v1/users/{id}',
    headers: bearer(admin.accessToken),
    pathParameters: { id },
    body: { role },
  });
const remove = (admin: Registered, id: string) =>
  invoke(deleteUser, { method: 'DELETE', headers: bearer(admin.accessToken), pathParameters: { id } });
const signIn = async (email: string, password: string) =>
  (await invoke(login, { method: 'POST', body: { email, password } })).body.data?.tokens;

/** The caller as the bearer check saw it, for calling admin actions directly. */
const adminContext = (admin: Registered): AuthContext => ({
  userId: admin.id,
  role: 'ADMIN',
  sessionId: JSON.parse(Buffer.from(admin.accessToken.split('.')[1] ?? '', 'base64url').toString()).sid,
});

async function newAdmin() {
  const admin = await registerUser(uniqueEmail('admin'));
  await sql`update users set role = 'ADMIN' where id = ${admin.id}`;
  return admin;
}

describe('GET and PATCH /users/me', () => {
  it('returns the caller without a password hash', async () => {
    const user = await registerUser();

    const reply = await invoke(me, { headers: bearer(user.accessToken) });

    expect(reply.status).toBe(200);
    expect(reply.body.data).toEqual({
      id: user.id,
      email: user.email,
      emailVerified: false,
      pendingEmail: null,
      role: 'USER',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(reply.raw).not.toContain('argon2');
  });

  it('keeps the email until the new one is confirmed, showing it as pendingEmail', async () => {
    const user = await registerUser();
    const email = uniqueEmail('renamed');

    const reply = await patchMe(user, { email: email.toUpperCase(), currentPassword: PASSWORD });

    expect(reply.status).toBe(200);
    expect(reply.body.data).toMatchObject({ email: user.email, pendingEmail: email });
    expect(Date.parse(reply.body.data.updatedAt)).toBeGreaterThan(Date.parse(reply.body.data.createdAt));
    expect(await signIn(user.email, PASSWORD)).toBeDefined();
    expect(await signIn(email, PASSWORD)).toBeUndefined();
  });

  it('refuses a change without the right current password', async () => {
    const user = await registerUser();

    const wrong = await patchMe(user, { email: uniqueEmail(), currentPassword: 'not my password' });
    const missing = await patchMe(user, { email: uniqueEmail() });

    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('INVALID_CREDENTIALS');
    expect(missing.status).toBe(400);
  });

  it('answers the same for an email another account uses, without telling it is taken', async () => {
    const user = await registerUser();
    const other = await registerUser();

    const reply = await patchMe(user, { email: other.email.toUpperCase(), currentPassword: PASSWORD });

    expect(reply.status).toBe(200);
    expect(reply.body.data).toMatchObject({ email: user.email, pendingEmail: other.email });
  });

  it('changes the password and ends every other session, keeping this one', async () => {
    const user = await registerUser();
    const elsewhere = await signIn(user.email, PASSWORD);

    const reply = await patchMe(user, { password: 'a brand new passphrase', currentPassword: PASSWORD });

    expect(reply.status).toBe(200);
    expect((await invoke(sessions, { headers: bearer(elsewhere.accessToken) })).status).toBe(401);
    expect((await invoke(sessions, { headers: bearer(user.accessToken) })).status).toBe(200);
    expect(await signIn(user.email, PASSWORD)).toBeUndefined();
    expect(await signIn(user.email, 'a brand new passphrase')).toBeDefined();
  });

  it.each([
    [{ currentPassword: PASSWORD }, 'body'],
    [{ role: 'ADMIN', currentPassword: PASSWORD }, 'role'],
    [{ password: 'password1', currentPassword: PASSWORD }, 'password'],
    [{ email: 'nope', currentPassword: PASSWORD }, 'email'],
  ])('rejects %o naming %s', async (body, path) => {
    const user = await registerUser();

    const reply = await patchMe(user, body);

    expect(reply.status).toBe(400);
    expect(reply.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
  });
});

describe('admin user management', () => {
  it('lists users with paging, email search and role filter', async () => {
    const admin = await newAdmin();
    const marker = `findme${Date.now()}`;
    await registerUser(`${marker}-a@example.com`);
    await registerUser(`${marker}-b@example.com`);

    const search = await invoke(listUsers, { headers: bearer(admin.accessToken), query: { q: marker.toUpperCase() } });
    const admins = await invoke(listUsers, { headers: bearer(admin.accessToken), query: { role: 'ADMIN' } });
    const paged = await invoke(listUsers, { headers: bearer(admin.accessToken), query: { pageSize: '1', page: '2' } });

    expect(search.body.meta.total).toBe(2);
    expect(search.body.data.every((u: { email: string }) => u.email.startsWith(marker))).toBe(true);
    expect(admins.body.data.every((u: { role: string }) => u.role === 'ADMIN')).toBe(true);
    expect(paged.body.data).toHaveLength(1);
    expect(paged.body.meta.page).toBe(2);
  });

  it('reads one user and answers 404 for an unknown or malformed id', async () => {
    const admin = await newAdmin();
    const user = await registerUser();
    const read = (id: string) => invoke(getUser, { headers: bearer(admin.accessToken), pathParameters: { id } });

    expect((await read(user.id)).body.data.email).toBe(user.email);
    expect((await read(crypto.randomUUID())).status).toBe(404);
    expect((await read('nope')).status).toBe(404);
  });

  it('promotes and demotes, with the new role in force at once', async () => {
    const admin = await newAdmin();
    const user = await registerUser();

    expect((await setRole(admin, user.id, 'ADMIN')).body.data.role).toBe('ADMIN');
    expect((await invoke(listUsers, { headers: bearer(user.accessToken) })).status).toBe(200);
    expect((await setRole(admin, user.id, 'USER')).body.data.role).toBe('USER');
    expect((await invoke(listUsers, { headers: bearer(user.accessToken) })).status).toBe(403);
  });

  it('deletes a user with their tasks and sessions; their tokens stop at once', async () => {
    const admin = await newAdmin();
    const user = await registerUser();
    await invoke(createTask, { method: 'POST', headers: bearer(user.accessToken), body: { title: 'mine' } });

    const reply = await remove(admin, user.id);

    expect(reply.status).toBe(204);
    expect((await invoke(me, { headers: bearer(user.accessToken) })).body.error.code).toBe('TOKEN_INVALID');
    const [left] = await sql`select
      (select count(*) from tasks where user_id = ${user.id})::int as tasks,
      (select count(*) from sessions where user_id = ${user.id})::int as sessions`;
    expect(left).toEqual({ tasks: 0, sessions: 0 });
    expect((await remove(admin, user.id)).status).toBe(404);
  });

  it('answers 403 INSUFFICIENT_PERMISSIONS to a non-admin on every admin route', async () => {
    const user = await registerUser();
    const target = await registerUser();
    const headers = bearer(user.accessToken);

    const replies = [
      await invoke(listUsers, { headers }),
      await invoke(getUser, { headers, pathParameters: { id: target.id } }),
      await setRole(user, target.id, 'ADMIN'),
      await invoke(deleteUser, { method: 'DELETE', headers, pathParameters: { id: target.id } }),
    ];

    for (const reply of replies) {
      expect(reply.status).toBe(403);
      expect(reply.body.error.code).toBe('INSUFFICIENT_PERMISSIONS');
    }
    expect(await signIn(target.email, PASSWORD)).toBeDefined();
  });

  it('rejects a role change body with anything but a valid role', async () => {
    const admin = await newAdmin();
    const user = await registerUser();

    const bad = await setRole(admin, user.id, 'ROOT');
    const extra = await invoke(updateUser, {
      method: 'PATCH',
      headers: bearer(admin.accessToken),
      pathParameters: { id: user.id },
      body: { role: 'USER', email: 'x@example.com' },
    });

    expect(bad.status).toBe(400);
    expect(extra.body.error.details).toEqual([{ path: 'email', message: 'is not an allowed field' }]);
  });
});

describe('the start-up admin', () => {
  it('is created once and then left alone, however the email is spaced or cased', async () => {
    const { ensureAdmin } = await import('#lib/users/users.ts');
    const email = uniqueEmail('boot');

    const first = await ensureAdmin(`  ${email.toUpperCase()} `, PASSWORD);
    const again = await ensureAdmin(`${email} `, PASSWORD);

    expect([first, again]).toEqual(['created', 'unchanged']);
    const [row] = await sql`select email, role from users where lower(email) = ${email}`;
    expect(row).toEqual({ email, role: 'ADMIN' });
  });
});

describe('the last admin', () => {
  it('cannot be demoted or deleted', async () => {
    await sql`update users set role = 'USER' where role = 'ADMIN'`;
    const admin = await newAdmin();

    const demote = await setRole(admin, admin.id, 'USER');
    const del = await remove(admin, admin.id);

    expect(demote.status).toBe(409);
    expect(demote.body.error.code).toBe('LAST_ADMIN');
    expect(del.status).toBe(409);
  });

  it('survives two admins demoting each other at the same time', async () => {
    await sql`update users set role = 'USER' where role = 'ADMIN'`;
    const first = await newAdmin();
    const second = await newAdmin();
    // Two module instances: two Lambda instances with a connection each, truly concurrent.
    vi.resetModules();
    const { handler: otherInstance } = await import('../../functions/users-update.ts');

    const replies = await Promise.all([
      setRole(first, second.id, 'USER'),
      setRole(second, first.id, 'USER', otherInstance),
    ]);

    // The loser is refused either at the lock (409) or, if it started after the winner
    // committed, by the bearer step that already sees it demoted (403).
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses[0]).toBe(200);
    expect([403, 409]).toContain(statuses[1]);
    const [admins] = await sql`select count(*)::int as n from users where role = 'ADMIN'`;
    expect(admins?.n).toBe(1);
  });

  it('stops an admin action whose caller was demoted while it waited: 403 and nothing changes', async () => {
    const { setRole: changeRole, deleteUser: removeUser } = await import('#lib/users/users.ts');
    const caller = await newAdmin();
    const target = await newAdmin();
    await newAdmin();

    const outcomes: unknown[] = [];
    await sql.begin(async (demotion) => {
      await demotion`update users set role = 'USER' where id = ${caller.id}`;
      // Both actions passed the bearer check as an admin; they now wait on the demotion's lock.
      const pending = [
        changeRole(adminContext(caller), target.id, 'USER').catch((error) => error),
        removeUser(adminContext(caller), target.id).catch((error) => error),
      ];
      await new Promise((resolve) => setTimeout(resolve, 200));
      outcomes.push(pending);
    });
    const [roleChange, deletion] = await Promise.all(outcomes[0] as Promise<unknown>[]);

    expect(roleChange).toMatchObject({ code: 'INSUFFICIENT_PERMISSIONS' });
    expect(deletion).toMatchObject({ code: 'INSUFFICIENT_PERMISSIONS' });
    const [row] = await sql<{ role: string }[]>`select role from users where id = ${target.id}`;
    expect(row?.role).toBe('ADMIN');
  });

  it('keeps one admin when both demotions reach the database at once, every time', async () => {
    vi.resetModules();
    const instanceA = await import('#lib/users/users.ts');
    vi.resetModules();
    const instanceB = await import('#lib/users/users.ts');

    for (let round = 0; round < 5; round++) {
      await sql`update users set role = 'USER' where role = 'ADMIN'`;
      const first = await newAdmin();
      const second = await newAdmin();

      const outcomes = await Promise.allSettled([
        instanceA.setRole(adminContext(first), second.id, 'USER'),
        instanceB.setRole(adminContext(second), first.id, 'USER'),
      ]);

      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      // The second to get the locks finds its own caller demoted by the first.
      expect(outcomes.find((o) => o.status === 'rejected')).toMatchObject({
        reason: { code: 'INSUFFICIENT_PERMISSIONS' },
      });
      const [admins] = await sql`select count(*)::int as n from users where role = 'ADMIN'`;
      expect(admins?.n).toBe(1);
    }
  });
});
