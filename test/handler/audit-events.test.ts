import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  // A lockout after 3 failures, and a retention short enough to put events on both sides of it.
  process.env.RATE_LIMIT_LOGIN_FAILURES = '3/15m';
  process.env.AUDIT_RETENTION = '30d';
});

import { auditEventQueries } from '#lib/audit/audit.ts';
import { AUDIT_EVENT_TYPES, type AuditEventType } from '#lib/audit/schemas.ts';
import { database } from '#lib/infra/database.ts';
import { deliverEmails } from '#lib/mail/outbox.ts';
import { ensureAdmin } from '#lib/users/users.ts';
import { handler as auditEvents } from '../../functions/admin-audit-events.ts';
import { handler as confirm } from '../../functions/auth-email-confirm.ts';
import { handler as login } from '../../functions/auth-login.ts';
import { handler as logout } from '../../functions/auth-logout.ts';
import { handler as logoutAll } from '../../functions/auth-logout-all.ts';
import { handler as forgot } from '../../functions/auth-password-forgot.ts';
import { handler as reset } from '../../functions/auth-password-reset.ts';
import { handler as refresh } from '../../functions/auth-refresh.ts';
import { handler as register } from '../../functions/auth-register.ts';
import { handler as deleteSession } from '../../functions/auth-sessions-delete.ts';
import { handler as cleanup } from '../../functions/cleanup.ts';
import { handler as deleteUser } from '../../functions/users-delete.ts';
import { handler as deleteMe } from '../../functions/users-me-delete.ts';
import { handler as updateMe } from '../../functions/users-me-update.ts';
import { handler as updateUser } from '../../functions/users-update.ts';
import { bearer, PASSWORD, type Registered, registerUser, uniqueEmail } from '../helpers/auth.ts';
import { invoke, lambdaContext, scheduledEvent } from '../helpers/lambda.ts';
import { captureLogs } from '../helpers/logs.ts';
import { smtpCatcher, tokenIn } from '../helpers/smtp.ts';

const smtp = await smtpCatcher();

const { sql } = database();

const IP = '198.51.100.23';
const AGENT = 'AuditTest/1.0 (handler)';
const client = { sourceIp: IP, headers: { 'User-Agent': AGENT } };
const NEW_PASSWORD = 'a brand new passphrase';

type Handler = Parameters<typeof invoke>[0];
const post = (handler: Handler, body?: unknown, headers: Record<string, string> = {}) =>
  invoke(handler, { method: 'POST', body, ...client, headers: { ...client.headers, ...headers } });

interface EventRow {
  id: string;
  type: string;
  at: string;
  actor_user_id: string | null;
  subject_user_id: string | null;
  ip: string | null;
  user_agent: string | null;
  details: Record<string, unknown>;
}

/** A user's events of one type, oldest first. */
const eventsOf = (subject: string, type: string) =>
  sql<EventRow[]>`select * from audit_events where subject_user_id = ${subject} and type = ${type} order by at, id`;

/** The one event of this type about this user. */
async function onlyEvent(subject: string, type: string): Promise<EventRow> {
  const rows = await eventsOf(subject, type);
  expect(rows, type).toHaveLength(1);
  return rows[0] as EventRow;
}

/**
 * No secret of the account in the row: its passwords, tokens, and the stored hashes (the
 * password's, every refresh and one-time token's).
 */
async function expectNoSecrets(row: EventRow, secrets: readonly string[] = []) {
  const json = JSON.stringify(row);
  const hashes = row.subject_user_id
    ? await sql<{ hash: string }[]>`
        select password_hash as hash from users where id = ${row.subject_user_id}
        union all select token_hash from one_time_tokens where user_id = ${row.subject_user_id}
        union all select r.token_hash from refresh_tokens r join sessions s on s.id = r.session_id
          where s.user_id = ${row.subject_user_id}`
    : [];
  for (const secret of [PASSWORD, NEW_PASSWORD, ...secrets, ...hashes.map((each) => each.hash)]) {
    expect(json).not.toContain(secret);
  }
  expect(json).not.toContain('$argon2');
}

/** Asserts who and where; the client is the test's own unless the event has none. */
function expectEvent(row: EventRow, expected: { type: string; actor: string | null; subject: string | null }) {
  expect(row).toMatchObject({
    type: expected.type,
    actor_user_id: expected.actor,
    subject_user_id: expected.subject,
    ip: IP,
    user_agent: AGENT,
  });
}

const sessionIdOf = (accessToken: string): string =>
  JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString()).sid;

async function newAdmin(): Promise<Registered> {
  const admin = await registerUser(uniqueEmail('admin'));
  await sql`update users set role = 'ADMIN' where id = ${admin.id}`;
  return admin;
}

const signIn = async (email: string, password = PASSWORD) => {
  const reply = await post(login, { email, password });
  expect(reply.status).toBe(200);
  return reply.body.data.tokens as { accessToken: string; refreshToken: string };
};

describe('the events each action records', () => {
  it('lists exactly the 15 event types of the contract', () => {
    expect([...AUDIT_EVENT_TYPES].sort()).toEqual(
      [
        'user.registered',
        'login.succeeded',
        'login.failed',
        'login.locked',
        'refresh.reuse_detected',
        'session.revoked',
        'password.changed',
        'password.reset_requested',
        'password.reset',
        'email.verified',
        'email.change_requested',
        'email.changed',
        'email.change_cancelled',
        'user.role_changed',
        'user.deleted',
      ].sort(),
    );
  });

  it('records user.registered when an account signs up', async () => {
    const email = uniqueEmail('signup');
    const reply = await post(register, { email, password: PASSWORD });
    const { user, tokens } = reply.body.data;

    const row = await onlyEvent(user.id, 'user.registered');
    expectEvent(row, { type: 'user.registered', actor: user.id, subject: user.id });
    expect(row.details).toEqual({});
    await expectNoSecrets(row, [tokens.accessToken, tokens.refreshToken]);
  });

  it('records login.succeeded with the new session, in the transaction that starts it', async () => {
    const user = await registerUser();
    const tokens = await signIn(user.email);

    const row = await onlyEvent(user.id, 'login.succeeded');
    expectEvent(row, { type: 'login.succeeded', actor: user.id, subject: user.id });
    expect(row.details).toEqual({ method: 'password', sessionId: sessionIdOf(tokens.accessToken) });
    await expectNoSecrets(row, [tokens.accessToken, tokens.refreshToken]);
  });

  it('records login.failed about the account for a wrong password, with no actor', async () => {
    const user = await registerUser();
    const wrong = 'not the right passphrase';
    expect((await post(login, { email: user.email, password: wrong })).status).toBe(401);

    const row = await onlyEvent(user.id, 'login.failed');
    expectEvent(row, { type: 'login.failed', actor: null, subject: user.id });
    expect(row.details).toEqual({ reason: 'wrong_password' });
    await expectNoSecrets(row, [wrong]);
  });

  it('records login.failed for an unknown email with no subject and a keyed hash of the email', async () => {
    const ghost = uniqueEmail('ghost');
    const other = uniqueEmail('ghost');
    const failFor = async (email: string) => {
      const marker = randomUUID();
      expect((await post(login, { email, password: PASSWORD }, { 'User-Agent': marker })).status).toBe(401);
      const [row] = await sql<EventRow[]>`select * from audit_events where user_agent = ${marker}`;
      return row as EventRow;
    };

    const first = await failFor(ghost);
    const again = await failFor(ghost.toUpperCase());
    const another = await failFor(other);

    expect(first).toMatchObject({ type: 'login.failed', actor_user_id: null, subject_user_id: null, ip: IP });
    expect(first.details).toEqual({ reason: 'unknown_email', emailHash: expect.stringMatching(/^[\w-]{43}$/) });
    expect(again.details.emailHash).toBe(first.details.emailHash);
    expect(another.details.emailHash).not.toBe(first.details.emailHash);
    for (const row of [first, again, another]) {
      const json = JSON.stringify(row).toLowerCase();
      expect(json).not.toContain('@example.com');
      expect(json).not.toContain(ghost.split('@')[0]);
      expect(json).not.toContain(other.split('@')[0]);
    }
  });

  it('records login.locked when the failure limit refuses an attempt, about the account or an email hash', async () => {
    const user = await registerUser();
    for (let attempt = 0; attempt < 3; attempt++) {
      expect((await post(login, { email: user.email, password: 'wrong wrong wrong' })).status).toBe(401);
    }
    expect((await post(login, { email: user.email, password: PASSWORD })).status).toBe(429);

    const row = await onlyEvent(user.id, 'login.locked');
    expectEvent(row, { type: 'login.locked', actor: null, subject: user.id });
    expect(row.details).toEqual({});
    await expectNoSecrets(row);

    const ghost = uniqueEmail('locked-ghost');
    const marker = randomUUID();
    for (let attempt = 0; attempt < 3; attempt++) await post(login, { email: ghost, password: PASSWORD });
    expect((await post(login, { email: ghost, password: PASSWORD }, { 'User-Agent': marker })).status).toBe(429);
    const [locked] = await sql<EventRow[]>`select * from audit_events where user_agent = ${marker}`;
    const [failed] = await sql<EventRow[]>`
      select * from audit_events where type = 'login.failed' and details->>'emailHash' = ${String(locked?.details.emailHash)}`;
    expect(locked).toMatchObject({ type: 'login.locked', subject_user_id: null });
    expect(locked?.details.emailHash).toEqual(expect.any(String));
    expect(failed?.details.emailHash).toBe(locked?.details.emailHash);
    expect(JSON.stringify(locked)).not.toContain(ghost.split('@')[0]);
  });

  it('records refresh.reuse_detected when a spent refresh token comes back, with no actor', async () => {
    const user = await registerUser();
    expect((await post(refresh, { refreshToken: user.refreshToken })).status).toBe(200);
    await sql`update refresh_tokens set used_at = now() - interval '11 seconds'
      where used_at is not null and session_id in (select id from sessions where user_id = ${user.id})`;

    expect((await post(refresh, { refreshToken: user.refreshToken })).status).toBe(401);

    const row = await onlyEvent(user.id, 'refresh.reuse_detected');
    expectEvent(row, { type: 'refresh.reuse_detected', actor: null, subject: user.id });
    expect(row.details).toEqual({ sessionId: sessionIdOf(user.accessToken) });
    await expectNoSecrets(row, [user.refreshToken]);
  });

  it('records session.revoked for logout, logout-all and ending one session, with the sessions ended', async () => {
    const user = await registerUser();
    const second = await signIn(user.email);
    const third = await signIn(user.email);
    const fourth = await signIn(user.email);

    // Logout ends the caller's session and the one of the refresh token it names.
    expect((await post(logout, { refreshToken: second.refreshToken }, bearer(user.accessToken))).status).toBe(204);
    const ended = await invoke(deleteSession, {
      method: 'DELETE',
      ...client,
      headers: { ...client.headers, ...bearer(third.accessToken) },
      pathParameters: { id: sessionIdOf(fourth.accessToken) },
    });
    expect(ended.status).toBe(204);
    expect((await post(logoutAll, undefined, bearer(third.accessToken))).status).toBe(204);

    const rows = await eventsOf(user.id, 'session.revoked');
    expect(rows).toHaveLength(3);
    for (const row of rows) expectEvent(row, { type: 'session.revoked', actor: user.id, subject: user.id });
    expect(rows.map((row) => row.details)).toEqual([
      {
        reason: 'logout',
        sessionIds: [sessionIdOf(user.accessToken), sessionIdOf(second.accessToken)],
      },
      { reason: 'ended_by_user', sessionIds: [sessionIdOf(fourth.accessToken)] },
      { reason: 'logout_all', sessionIds: [sessionIdOf(third.accessToken)] },
    ]);
    for (const row of rows) {
      await expectNoSecrets(row, [second.refreshToken, third.accessToken, user.refreshToken]);
    }
  });

  it('records password.changed with the other sessions it ended', async () => {
    const user = await registerUser();
    const other = await signIn(user.email);
    const reply = await invoke(updateMe, {
      method: 'PATCH',
      ...client,
      headers: { ...client.headers, ...bearer(user.accessToken) },
      body: { password: NEW_PASSWORD, currentPassword: PASSWORD },
    });
    expect(reply.status).toBe(200);

    const row = await onlyEvent(user.id, 'password.changed');
    expectEvent(row, { type: 'password.changed', actor: user.id, subject: user.id });
    expect(row.details).toEqual({ revokedSessionIds: [sessionIdOf(other.accessToken)] });
    await expectNoSecrets(row);
  });

  it('records password.reset_requested for an account, and for an unknown email only its hash', async () => {
    const user = await registerUser();
    expect((await post(forgot, { email: user.email })).status).toBe(202);
    const row = await onlyEvent(user.id, 'password.reset_requested');
    expectEvent(row, { type: 'password.reset_requested', actor: null, subject: user.id });
    expect(row.details).toEqual({ emailSent: true });
    await expectNoSecrets(row);

    const ghost = uniqueEmail('forgot-ghost');
    const marker = randomUUID();
    expect((await post(forgot, { email: ghost }, { 'User-Agent': marker })).status).toBe(202);
    const [unknown] = await sql<EventRow[]>`select * from audit_events where user_agent = ${marker}`;
    expect(unknown).toMatchObject({ type: 'password.reset_requested', subject_user_id: null, actor_user_id: null });
    expect(unknown?.details).toEqual({ emailHash: expect.stringMatching(/^[\w-]{43}$/) });
    expect(JSON.stringify(unknown)).not.toContain(ghost.split('@')[0]);
  });

  it('records password.reset with the sessions it ended and the one it started', async () => {
    const user = await registerUser();
    expect((await post(forgot, { email: user.email })).status).toBe(202);
    await deliverEmails();
    const token = tokenIn(smtp.to(user.email).at(-1), 'reset-password');

    const reply = await post(reset, { token, password: NEW_PASSWORD });
    expect(reply.status).toBe(200);

    const row = await onlyEvent(user.id, 'password.reset');
    expectEvent(row, { type: 'password.reset', actor: user.id, subject: user.id });
    expect(row.details).toEqual({
      revokedSessionIds: [sessionIdOf(user.accessToken)],
      sessionId: sessionIdOf(reply.body.data.tokens.accessToken),
    });
    await expectNoSecrets(row, [token, reply.body.data.tokens.refreshToken]);
  });

  it('records email.verified when the verification link is followed', async () => {
    const user = await registerUser();
    const token = tokenIn(smtp.to(user.email)[0], 'verify-email');
    expect((await post(confirm, { token })).status).toBe(200);

    const row = await onlyEvent(user.id, 'email.verified');
    expectEvent(row, { type: 'email.verified', actor: user.id, subject: user.id });
    expect(row.details).toEqual({});
    await expectNoSecrets(row, [token]);
  });

  it('records email.change_requested without the new address, and email.changed with both of the subject', async () => {
    const user = await registerUser();
    const next = uniqueEmail('moved');
    const change = await invoke(updateMe, {
      method: 'PATCH',
      ...client,
      headers: { ...client.headers, ...bearer(user.accessToken) },
      body: { email: next, currentPassword: PASSWORD },
    });
    expect(change.status).toBe(200);

    const requested = await onlyEvent(user.id, 'email.change_requested');
    expectEvent(requested, { type: 'email.change_requested', actor: user.id, subject: user.id });
    expect(requested.details).toEqual({ newEmailDomain: 'example.com' });
    expect(JSON.stringify(requested)).not.toContain(next);
    await expectNoSecrets(requested);

    await deliverEmails();
    const token = tokenIn(smtp.to(next)[0], 'confirm-email-change');
    expect((await post(confirm, { token })).status).toBe(200);
    const changed = await onlyEvent(user.id, 'email.changed');
    expectEvent(changed, { type: 'email.changed', actor: user.id, subject: user.id });
    expect(changed.details).toEqual({
      from: user.email,
      to: next,
      revokedSessionIds: [sessionIdOf(user.accessToken)],
    });
    await expectNoSecrets(changed, [token]);
  });

  it('records user.role_changed with the admin as actor and both roles', async () => {
    const admin = await newAdmin();
    const user = await registerUser();
    const setRole = (role: string) =>
      invoke(updateUser, {
        method: 'PATCH',
        ...client,
        headers: { ...client.headers, ...bearer(admin.accessToken) },
        pathParameters: { id: user.id },
        body: { role },
      });
    expect((await setRole('ADMIN')).status).toBe(200);
    // The same role again changes nothing, and records nothing.
    expect((await setRole('ADMIN')).status).toBe(200);

    const row = await onlyEvent(user.id, 'user.role_changed');
    expectEvent(row, { type: 'user.role_changed', actor: admin.id, subject: user.id });
    expect(row.details).toEqual({ from: 'USER', to: 'ADMIN' });
    await expectNoSecrets(row);
  });

  it('records user.deleted by an admin and by the user, and keeps it after the account is gone', async () => {
    const admin = await newAdmin();
    const removed = await registerUser();
    const leaving = await registerUser();

    const byAdmin = await invoke(deleteUser, {
      method: 'DELETE',
      ...client,
      headers: { ...client.headers, ...bearer(admin.accessToken) },
      pathParameters: { id: removed.id },
    });
    expect(byAdmin.status).toBe(204);
    const bySelf = await invoke(deleteMe, {
      method: 'DELETE',
      ...client,
      headers: { ...client.headers, ...bearer(leaving.accessToken) },
      body: { currentPassword: PASSWORD },
    });
    expect(bySelf.status).toBe(204);

    expect(await sql`select id from users where id in (${removed.id}, ${leaving.id})`).toHaveLength(0);
    // Deleting an account takes its IPs and user agents out of its events, this one's included
    // (test/handler/account-deletion.test.ts).
    const first = await onlyEvent(removed.id, 'user.deleted');
    expect(first).toMatchObject({ actor_user_id: admin.id, subject_user_id: removed.id, ip: null, user_agent: null });
    expect(first.details).toEqual({ role: 'USER' });
    const second = await onlyEvent(leaving.id, 'user.deleted');
    expect(second).toMatchObject({
      actor_user_id: leaving.id,
      subject_user_id: leaving.id,
      ip: null,
      user_agent: null,
    });
    // The account's earlier events outlive it too.
    expect(await eventsOf(leaving.id, 'user.registered')).toHaveLength(1);
    for (const row of [first, second]) {
      expect(JSON.stringify(row)).not.toContain(removed.email);
      expect(JSON.stringify(row)).not.toContain(leaving.email);
    }
  });

  it('records login.failed for a wrong current password on /users/me, with the caller as actor', async () => {
    const user = await registerUser();
    const reply = await invoke(updateMe, {
      method: 'PATCH',
      ...client,
      headers: { ...client.headers, ...bearer(user.accessToken) },
      body: { password: NEW_PASSWORD, currentPassword: 'not my passphrase at all' },
    });
    expect(reply.status).toBe(401);

    const row = await onlyEvent(user.id, 'login.failed');
    expectEvent(row, { type: 'login.failed', actor: user.id, subject: user.id });
    expect(row.details).toEqual({ reason: 'wrong_current_password' });
    expect(await eventsOf(user.id, 'password.changed')).toHaveLength(0);
  });
});

describe('the start-up admin', () => {
  it('records the account it creates and the one it promotes, with no actor and no client', async () => {
    const created = uniqueEmail('startup');
    expect(await ensureAdmin(created, PASSWORD)).toBe('created');
    const [admin] = await sql<{ id: string }[]>`select id from users where email = ${created}`;
    const promoted = await registerUser();
    expect(await ensureAdmin(promoted.email, PASSWORD)).toBe('promoted');
    expect(await ensureAdmin(promoted.email, PASSWORD)).toBe('unchanged');

    expect(await onlyEvent(admin?.id ?? '', 'user.registered')).toMatchObject({
      actor_user_id: null,
      ip: null,
      user_agent: null,
      details: { role: 'ADMIN', reason: 'ADMIN_EMAIL' },
    });
    expect(await onlyEvent(promoted.id, 'user.role_changed')).toMatchObject({
      actor_user_id: null,
      ip: null,
      details: { from: 'USER', to: 'ADMIN', reason: 'ADMIN_EMAIL' },
    });
  });
});

describe('rolled-back actions', () => {
  it('record nothing when a role change would remove the last admin', async () => {
    await sql`update users set role = 'USER' where role = 'ADMIN'`;
    const admin = await newAdmin();

    const reply = await invoke(updateUser, {
      method: 'PATCH',
      headers: bearer(admin.accessToken),
      pathParameters: { id: admin.id },
      body: { role: 'USER' },
    });

    expect(reply.status).toBe(409);
    expect(reply.body.error.code).toBe('LAST_ADMIN');
    expect(await eventsOf(admin.id, 'user.role_changed')).toHaveLength(0);
    const removal = await invoke(deleteUser, {
      method: 'DELETE',
      headers: bearer(admin.accessToken),
      pathParameters: { id: admin.id },
    });
    expect(removal.status).toBe(409);
    expect(await eventsOf(admin.id, 'user.deleted')).toHaveLength(0);
  });

  it('record nothing when an email change is confirmed after another account took the address', async () => {
    const user = await registerUser();
    const next = uniqueEmail('contested');
    await invoke(updateMe, {
      method: 'PATCH',
      headers: bearer(user.accessToken),
      body: { email: next, currentPassword: PASSWORD },
    });
    await deliverEmails();
    const token = tokenIn(smtp.to(next)[0], 'confirm-email-change');
    await registerUser(next);

    const reply = await post(confirm, { token });

    expect(reply.status).toBe(409);
    expect(reply.body.error.code).toBe('EMAIL_ALREADY_EXISTS');
    expect(await eventsOf(user.id, 'email.changed')).toHaveLength(0);
    // The sessions the change would have ended live on: nothing of the transaction stayed.
    expect(await sql`select id from sessions where user_id = ${user.id} and revoked_at is not null`).toHaveLength(0);
  });
});

describe('GET /api/v1/admin/audit-events', () => {
  const list = (caller: Registered | undefined, query: Record<string, string> = {}) =>
    invoke(auditEvents, { headers: caller ? bearer(caller.accessToken) : {}, query });

  /** Events about one fresh subject, `minutesAgo` each, of the given types. */
  async function seed(events: { type: string; minutesAgo: number }[]) {
    const subject = randomUUID();
    const rows: { id: string; type: string; at: Date }[] = [];
    for (const event of events) {
      const [row] = await sql<{ id: string; type: string; at: string }[]>`
        insert into audit_events (type, at, subject_user_id, ip)
        values (${event.type}, now() - make_interval(mins => ${event.minutesAgo}::int), ${subject}, '192.0.2.1')
        returning id, type, at`;
      if (row) rows.push({ ...row, at: new Date(row.at) });
    }
    return { subject, rows };
  }

  it('lists events newest first, a page at a time, filtered by subject user', async () => {
    const admin = await newAdmin();
    const { subject, rows } = await seed(
      [5, 4, 3, 2, 1].map((minutesAgo) => ({ type: 'login.succeeded', minutesAgo })),
    );
    const newestFirst = [...rows].sort((a, b) => b.at.getTime() - a.at.getTime()).map((row) => row.id);

    const whole = await list(admin, { userId: subject });
    const second = await list(admin, { userId: subject, pageSize: '2', page: '2' });
    const past = await list(admin, { userId: subject, pageSize: '2', page: '4' });

    expect(whole.status).toBe(200);
    expect(whole.body.data.map((event: { id: string }) => event.id)).toEqual(newestFirst);
    expect(whole.body.meta).toMatchObject({ total: 5, page: 1, pageSize: 20, totalPages: 1 });
    expect(whole.body.data[0]).toEqual({
      id: newestFirst[0],
      type: 'login.succeeded',
      at: expect.any(String),
      actorUserId: null,
      subjectUserId: subject,
      ip: '192.0.2.1',
      userAgent: null,
      details: {},
    });
    expect(second.body.data.map((event: { id: string }) => event.id)).toEqual(newestFirst.slice(2, 4));
    expect(second.body.meta).toMatchObject({ total: 5, page: 2, pageSize: 2, totalPages: 3 });
    expect(past.body.data).toEqual([]);
    expect(past.body.meta.total).toBe(5);
  });

  it('breaks ties of one instant by id, so pages never repeat or skip an event', async () => {
    const admin = await newAdmin();
    const subject = randomUUID();
    await sql`
      insert into audit_events (type, at, subject_user_id)
      select 'session.revoked', date_trunc('second', now()), ${subject}::uuid from generate_series(1, 7)`;
    const expected = (
      await sql<{ id: string }[]>`select id from audit_events where subject_user_id = ${subject} order by id desc`
    ).map((row) => row.id);

    const pages = [];
    for (const page of ['1', '2', '3']) pages.push(await list(admin, { userId: subject, pageSize: '3', page }));

    expect(pages.flatMap((reply) => reply.body.data.map((event: { id: string }) => event.id))).toEqual(expected);
  });

  it('filters by type, since (inclusive) and until (exclusive), alone and combined', async () => {
    const admin = await newAdmin();
    const { subject, rows } = await seed([
      { type: 'login.failed', minutesAgo: 50 },
      { type: 'login.succeeded', minutesAgo: 40 },
      { type: 'login.failed', minutesAgo: 30 },
      { type: 'password.changed', minutesAgo: 20 },
      { type: 'login.failed', minutesAgo: 10 },
    ]);
    const at = (index: number) => (rows[index] as { at: Date }).at;
    const ids = async (query: Record<string, string>) =>
      (await list(admin, { userId: subject, ...query })).body.data.map((event: { type: string; at: string }) => [
        event.type,
        event.at,
      ]);
    const row = (index: number) => [rows[index]?.type, at(index).toISOString()];
    // Stored with microseconds: a millisecond later than the answer's `at` is after the event.
    const justAfter = (index: number) => new Date(at(index).getTime() + 1).toISOString();

    expect(await ids({ type: 'login.failed' })).toEqual([row(4), row(2), row(0)]);
    expect(await ids({ since: at(2).toISOString() })).toEqual([row(4), row(3), row(2)]);
    expect(await ids({ until: justAfter(1) })).toEqual([row(1), row(0)]);
    expect(await ids({ until: at(1).toISOString() })).toEqual([row(0)]);
    expect(await ids({ type: 'login.failed', since: at(1).toISOString(), until: justAfter(4) })).toEqual([
      row(4),
      row(2),
    ]);
    // An offset in the timestamp is the same instant.
    const offset = new Date(at(3).getTime() + 3_600_000).toISOString().replace('Z', '+01:00');
    expect(await ids({ since: offset, type: 'password.changed' })).toEqual([row(3)]);
    expect(await ids({ type: 'user.deleted' })).toEqual([]);

    const everyone = await list(admin, { type: 'login.failed', pageSize: '100' });
    expect(everyone.body.data.every((event: { type: string }) => event.type === 'login.failed')).toBe(true);
  });

  it('answers 400 VALIDATION_ERROR to bad filters, naming the parameter', async () => {
    const admin = await newAdmin();
    const cases: [Record<string, string>, string][] = [
      [{ userId: 'not-a-uuid' }, 'userId'],
      [{ type: 'login.whatever' }, 'type'],
      [{ type: 'LOGIN.FAILED' }, 'type'],
      [{ since: 'yesterday' }, 'since'],
      [{ until: '2026-13-01T00:00:00Z' }, 'until'],
      [{ since: '2026-06-02T00:00:00Z', until: '2026-06-01T00:00:00Z' }, 'since'],
      [{ page: '0' }, 'page'],
      [{ pageSize: '101' }, 'pageSize'],
      [{ actorId: randomUUID() }, 'actorId'],
    ];
    for (const [query, path] of cases) {
      const reply = await list(admin, query);
      expect(reply.status, JSON.stringify(query)).toBe(400);
      expect(reply.body.error.code).toBe('VALIDATION_ERROR');
      expect(reply.body.error.details.map((detail: { path: string }) => detail.path)).toContain(path);
    }
    expect((await list(admin, { since: '2026-06-01T00:00:00Z', until: '2026-06-01T00:00:00Z' })).status).toBe(200);
  });

  it('answers 403 to a non-admin and 401 without a token', async () => {
    const user = await registerUser();

    const forbidden = await list(user);
    const anonymous = await list(undefined);

    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe('INSUFFICIENT_PERMISSIONS');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('AUTHENTICATION_REQUIRED');
  });
});

describe('the list query', () => {
  const planOf = async (query: { toSQL: () => { sql: string; params: unknown[] } }) => {
    const { sql: text, params } = query.toSQL();
    const rows = await sql.unsafe(`explain ${text}`, params as never[]);
    return rows.map((row) => row['QUERY PLAN']).join('\n');
  };

  it('reads each filter from an index in order, never a scan and a sort of the table', async () => {
    // 60,000 events of 600 subjects and every type, over a year.
    await sql`
      insert into audit_events (type, at, subject_user_id)
      select (${sql.array([...AUDIT_EVENT_TYPES])}::text[])[1 + i % ${AUDIT_EVENT_TYPES.length}::int],
             now() - make_interval(mins => i * 9),
             ('00000000-0000-4000-8000-' || lpad((i % 600)::text, 12, '0'))::uuid
      from generate_series(1, 60000) as i`;
    await sql`vacuum analyze audit_events`;
    const page = { page: 2, pageSize: 20 };
    const subject = '00000000-0000-4000-8000-000000000042';
    const type: AuditEventType = 'login.failed';
    const since = new Date(Date.now() - 86_400_000);

    const plans = {
      audit_events_at_idx: await planOf(auditEventQueries(page).page),
      audit_events_subject_at_idx: await planOf(auditEventQueries({ ...page, userId: subject }).page),
      audit_events_type_at_idx: await planOf(auditEventQueries({ ...page, type }).page),
    };
    const total = await planOf(auditEventQueries({ ...page, userId: subject, since }).total);

    for (const [index, plan] of Object.entries(plans)) {
      expect(plan, index).toContain(`Index Scan Backward using ${index}`);
      expect(plan, index).not.toMatch(/Seq Scan|Sort/);
    }
    expect(total).toMatch(/Index (Only )?Scan using audit_events_subject_at_idx/);
    await sql`delete from audit_events where subject_user_id::text like '00000000-0000-4000-8000-%'`;
  });
});

describe('retention', () => {
  it('deletes, in the hourly clean-up, only events older than AUDIT_RETENTION', async () => {
    captureLogs();
    const subject = randomUUID();
    await sql`
      insert into audit_events (type, at, subject_user_id, details) values
        ('login.failed', now() - interval '31 days', ${subject}, '{"n":"old"}'),
        ('login.failed', now() - interval '30 days 1 minute', ${subject}, '{"n":"just-expired"}'),
        ('login.failed', now() - interval '29 days 23 hours', ${subject}, '{"n":"kept"}'),
        ('user.deleted', now(), ${subject}, '{"n":"new"}')`;

    const result = await cleanup(scheduledEvent('taskapi-cleanup'), lambdaContext());

    expect(result).toMatchObject({ auditEvents: 2 });
    const left = await sql<{ n: string }[]>`
      select details->>'n' as n from audit_events where subject_user_id = ${subject} order by at`;
    expect(left.map((row) => row.n)).toEqual(['kept', 'new']);
  });
});
