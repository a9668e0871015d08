import { describe, expect, it } from 'vitest';
import { emailHash } from '#lib/audit/audit.ts';
import { database } from '#lib/infra/database.ts';
import { deliverEmails } from '#lib/mail/outbox.ts';
import { handler as confirm } from '../../functions/auth-email-confirm.ts';
import { handler as login } from '../../functions/auth-login.ts';
import { handler as forgot } from '../../functions/auth-password-forgot.ts';
import { handler as deleteUser } from '../../functions/users-delete.ts';
import { handler as deleteMe } from '../../functions/users-me-delete.ts';
import { handler as updateMe } from '../../functions/users-me-update.ts';
import { handler as updateUser } from '../../functions/users-update.ts';
import { bearer, PASSWORD, type Registered, registerUser, uniqueEmail } from '../helpers/auth.ts';
import { invoke } from '../helpers/lambda.ts';
import { smtpCatcher, tokenIn } from '../helpers/smtp.ts';

const smtp = await smtpCatcher();

const { sql } = database();

/**
 * Deleting an account removes its personal data (addresses, IPs, user agents) from every audit
 * event about it, the deletion's own included, and keeps the events' types and times.
 */

const OWN = { sourceIp: '198.51.100.77', headers: { 'User-Agent': 'Leaver/1.0' } };
const ADMIN = { sourceIp: '203.0.113.5', headers: { 'User-Agent': 'Admin/1.0' } };

type Client = typeof OWN;
type Handler = Parameters<typeof invoke>[0];

const call = (handler: Handler, client: Client, request: Record<string, unknown>, token?: string) =>
  invoke(handler, {
    ...client,
    ...request,
    headers: { ...client.headers, ...(token ? bearer(token) : {}) },
  });

interface EventRow {
  id: string;
  type: string;
  at: Date;
  actor_user_id: string | null;
  subject_user_id: string | null;
  ip: string | null;
  user_agent: string | null;
  details: Record<string, unknown>;
}

const eventsAbout = (userId: string) =>
  sql<EventRow[]>`select * from audit_events where subject_user_id = ${userId} or actor_user_id = ${userId}
    order by at, id`;

async function newAdmin(): Promise<Registered> {
  const admin = await registerUser(uniqueEmail('admin'));
  await sql`update users set role = 'ADMIN' where id = ${admin.id}`;
  return admin;
}

/** An account with a history: registered, an email change confirmed, a reset asked, a wrong password. */
async function withHistory(): Promise<Registered & { oldEmail: string }> {
  const user = await registerUser(uniqueEmail('leaver'));
  const signedIn = await call(login, OWN, { method: 'POST', body: { email: user.email, password: PASSWORD } });
  expect(signedIn.status).toBe(200);
  const accessToken = signedIn.body.data.tokens.accessToken as string;
  const newEmail = uniqueEmail('moved');
  const change = await call(
    updateMe,
    OWN,
    { method: 'PATCH', body: { email: newEmail, currentPassword: PASSWORD } },
    accessToken,
  );
  expect(change.status).toBe(200);
  await deliverEmails();
  const token = tokenIn(smtp.to(newEmail).at(-1), 'confirm-email-change');
  expect((await call(confirm, OWN, { method: 'POST', body: { token } })).status).toBe(200);
  const fresh = await call(login, OWN, { method: 'POST', body: { email: newEmail, password: PASSWORD } });
  expect(fresh.status).toBe(200);
  expect((await call(forgot, OWN, { method: 'POST', body: { email: newEmail } })).status).toBe(202);
  const wrong = await call(
    updateMe,
    OWN,
    { method: 'PATCH', body: { email: uniqueEmail(), currentPassword: 'not my passphrase at all' } },
    fresh.body.data.tokens.accessToken,
  );
  expect(wrong.status).toBe(401);
  return { ...user, email: newEmail, oldEmail: user.email, accessToken: fresh.body.data.tokens.accessToken };
}

function expectScrubbed(rows: EventRow[], gone: { id: string; email: string; oldEmail: string }) {
  for (const row of rows) {
    expect(row, row.type).toMatchObject({ ip: null, user_agent: null });
    if (row.subject_user_id !== gone.id) continue;
    const details = JSON.stringify(row.details);
    expect(details, row.type).not.toContain('@');
    expect(details, row.type).not.toContain('example.com');
    expect(details, row.type).not.toContain(emailHash(gone.email));
    expect(row.details, row.type).not.toHaveProperty('emailHash');
  }
}

describe('deleting an account', () => {
  it('by the admin scrubs addresses, IPs and user agents from every event about it, keeping types and times', async () => {
    const admin = await newAdmin();
    const user = await withHistory();
    const other = await registerUser(uniqueEmail('bystander'));
    // The account acts on another as an admin; the admin acts on it.
    await sql`update users set role = 'ADMIN' where id = ${user.id}`;
    const promoted = await call(
      updateUser,
      OWN,
      { method: 'PATCH', pathParameters: { id: other.id }, body: { role: 'ADMIN' } },
      user.accessToken,
    );
    expect(promoted.status).toBe(200);
    const before = await eventsAbout(user.id);
    expect(before.map((row) => row.ip)).toContain(OWN.sourceIp);
    expect(JSON.stringify(before)).toContain(user.oldEmail);

    const deleted = await call(
      deleteUser,
      ADMIN,
      { method: 'DELETE', pathParameters: { id: user.id } },
      admin.accessToken,
    );

    expect(deleted.status).toBe(204);
    const after = await eventsAbout(user.id);
    const kept = (rows: EventRow[]) => rows.map((row) => ({ id: row.id, type: row.type, at: row.at }));
    expect(kept(after.filter((row) => row.type !== 'user.deleted'))).toEqual(kept(before));
    expect(after.map((row) => row.type)).toEqual(
      expect.arrayContaining([
        'user.registered',
        'login.succeeded',
        'email.change_requested',
        'email.changed',
        'password.reset_requested',
        'login.failed',
        'user.role_changed',
        'user.deleted',
      ]),
    );
    expectScrubbed(after, user);
    const changed = after.find((row) => row.type === 'email.changed');
    expect(changed?.details).toEqual({ revokedSessionIds: expect.any(Array) });
    // Its act on another account keeps that account's details; only the leaver's IP goes.
    const acted = after.find((row) => row.type === 'user.role_changed');
    expect(acted).toMatchObject({ subject_user_id: other.id, details: { from: 'USER', to: 'ADMIN' } });
    // The deletion's own event names who and when, not from where.
    const own = after.find((row) => row.type === 'user.deleted');
    expect(own).toMatchObject({ actor_user_id: admin.id, ip: null, user_agent: null, details: { role: 'ADMIN' } });
    // Nobody else's events change.
    const [bystander] =
      await sql`select ip from audit_events where subject_user_id = ${other.id} and type = 'user.registered'`;
    expect(bystander?.ip).not.toBeNull();
  });

  it('by the account itself scrubs them the same way, its own deletion included', async () => {
    const user = await withHistory();

    const deleted = await call(
      deleteMe,
      OWN,
      { method: 'DELETE', body: { currentPassword: PASSWORD } },
      user.accessToken,
    );

    expect(deleted.status).toBe(204);
    const after = await eventsAbout(user.id);
    expect(after.length).toBeGreaterThanOrEqual(8);
    expect(after.at(-1)).toMatchObject({ type: 'user.deleted', actor_user_id: user.id, ip: null, user_agent: null });
    expectScrubbed(after, user);
  });
});
