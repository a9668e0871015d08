import { beforeEach, describe, expect, it, vi } from 'vitest';

// Config is read once, at first use (a helper's import uses it): the rules and the mail server
// must be in place before any import.
const smtp = await vi.hoisted(async () => {
  process.env.RATE_LIMIT_LOGIN = 'off';
  process.env.RATE_LIMIT_LOGIN_FAILURES = '2/1h';
  process.env.RATE_LIMIT_LOGIN_FAILURES_EMAIL = '4/1h';
  process.env.APP_URL = 'https://app.example.test';
  const { smtpCatcher } = await import('../helpers/smtp.ts');
  return smtpCatcher();
});

import { database } from '#lib/infra/database.ts';
import { deliverEmails } from '#lib/mail/outbox.ts';
import { ensureAdmin } from '#lib/users/users.ts';
import { handler as confirm } from '../../functions/auth-email-confirm.ts';
import { handler as login } from '../../functions/auth-login.ts';
import { handler as forgot } from '../../functions/auth-password-forgot.ts';
import { handler as reset } from '../../functions/auth-password-reset.ts';
import { handler as createTask } from '../../functions/tasks-create.ts';
import { handler as deleteMe } from '../../functions/users-me-delete.ts';
import { handler as me } from '../../functions/users-me-get.ts';
import { handler as updateMe } from '../../functions/users-me-update.ts';
import { bearer, PASSWORD, type Registered, registerUser, uniqueEmail } from '../helpers/auth.ts';
import { invoke, type Reply } from '../helpers/lambda.ts';
import { roomInWindow } from '../helpers/rate-limit.ts';
import { tokenIn } from '../helpers/smtp.ts';

const { sql } = database();

beforeEach(async () => {
  // Every test counts failures in the hour window: keep its hits off a window boundary.
  await roomInWindow(3600, 20);
});

let lastNetwork = 0;
/** A client network no other test uses (IPv4: one address is one network). */
const freshNetwork = () => `192.0.2.${++lastNetwork}`;

const attempt = (sourceIp: string, email: string, password: string) =>
  invoke(login, { method: 'POST', resource: '/api/v1/auth/login', sourceIp, body: { email, password } });
/** PATCH /users/me, then the outbox's sender runs (deployed, the request wakes it). */
async function patchMe(user: Registered, body: unknown, sourceIp = '203.0.113.10'): Promise<Reply> {
  const reply = await invoke(updateMe, {
    method: 'PATCH',
    resource: '/api/v1/users/me',
    headers: bearer(user.accessToken),
    body,
    sourceIp,
  });
  await deliverEmails();
  return reply;
}
const removeMe = (user: Registered, body: unknown, sourceIp = '203.0.113.10') =>
  invoke(deleteMe, {
    method: 'DELETE',
    resource: '/api/v1/users/me',
    headers: bearer(user.accessToken),
    body,
    sourceIp,
  });
const post = (handler: typeof confirm, resource: string, body: unknown) =>
  invoke(handler, { method: 'POST', resource, body });
const statuses = (replies: Reply[]) => replies.map((reply) => reply.status);

/** A reply as a client sees it, less the request id and the seconds that tick on between two requests. */
const comparable = (reply: Reply) => {
  const headers: Record<string, string> = { ...reply.headers, 'x-request-id': 'any' };
  for (const name of ['ratelimit-reset', 'retry-after']) if (name in headers) headers[name] = 'seconds';
  return { status: reply.status, error: { ...reply.body.error, requestId: 'any' }, headers };
};

describe('failed logins, per email and client network', () => {
  it('lock the email on the attacking network only: the owner still signs in from another', async () => {
    const account = await registerUser();
    const attacker = freshNetwork();

    const replies = [
      await attempt(attacker, account.email, 'wrong password 1'),
      await attempt(attacker, account.email, 'wrong password 2'),
      await attempt(attacker, account.email, PASSWORD),
    ];
    const owner = await attempt(freshNetwork(), account.email, PASSWORD);

    expect(statuses(replies)).toEqual([401, 401, 429]);
    expect(replies.map((reply) => reply.headers['ratelimit-remaining'])).toEqual(['1', '0', '0']);
    expect(Number(replies[2]?.headers['retry-after'])).toBeGreaterThan(2);
    expect(owner.status).toBe(200);
  });

  it('refused on a locked network use up nothing of the per-email cap', async () => {
    const account = await registerUser();
    const attacker = freshNetwork();
    for (let i = 0; i < 2; i++) await attempt(attacker, account.email, `wrong password ${i}`);

    const hammered = [];
    for (let i = 0; i < 5; i++) hammered.push(await attempt(attacker, account.email, `guess ${i}`));
    const owner = await attempt(freshNetwork(), account.email, PASSWORD);

    expect(statuses(hammered)).toEqual([429, 429, 429, 429, 429]);
    expect(owner.status).toBe(200);
  });

  it('count an IPv6 /64 as one network', async () => {
    const account = await registerUser();

    await attempt('2001:db8:7:1::1', account.email, 'wrong password 1');
    await attempt('2001:db8:7:1::2', account.email, 'wrong password 2');
    const sameNetwork = await attempt('2001:db8:7:1:ffff::3', account.email, PASSWORD);
    const otherNetwork = await attempt('2001:db8:7:2::1', account.email, PASSWORD);

    expect(sameNetwork.status).toBe(429);
    expect(otherNetwork.status).toBe(200);
  });

  it('are capped per email across all networks, with the same answers for an unknown email', async () => {
    const account = await registerUser();
    const unknown = uniqueEmail('nobody');
    const spread = async (email: string) => [
      await attempt(freshNetwork(), email, 'wrong password 1'),
      await attempt(freshNetwork(), email, 'wrong password 2'),
      await attempt(freshNetwork(), email, 'wrong password 3'),
      await attempt(freshNetwork(), email, 'wrong password 4'),
      await attempt(freshNetwork(), email, PASSWORD),
    ];

    const known = await spread(account.email);
    const unknownReplies = await spread(unknown);

    expect(statuses(known)).toEqual([401, 401, 401, 401, 429]);
    expect(known.map((reply) => reply.headers['ratelimit-remaining'])).toEqual(['1', '1', '1', '0', '0']);
    expect(known[4]?.headers['ratelimit-limit']).toBe('4');
    expect(unknownReplies.map(comparable)).toEqual(known.map(comparable));
  });

  it('count only failures: a successful login gives its slots back', async () => {
    const account = await registerUser();
    const network = freshNetwork();

    const replies = [
      await attempt(network, account.email, 'wrong password 1'),
      await attempt(network, account.email, PASSWORD),
      await attempt(network, account.email, 'wrong password 2'),
      await attempt(network, account.email, PASSWORD),
    ];

    expect(statuses(replies)).toEqual([401, 200, 401, 429]);
    expect(replies.map((reply) => reply.headers['ratelimit-remaining'])).toEqual(['1', '1', '0', '0']);
  });

  it('count an email however it is written', async () => {
    const account = await registerUser();
    const network = freshNetwork();

    await attempt(network, account.email.toUpperCase(), 'wrong password 1');
    await attempt(network, `  ${account.email} `, 'wrong password 2');
    const refused = await attempt(network, account.email, PASSWORD);

    expect(refused.status).toBe(429);
  });

  it('are cleared by a password reset on every network: the way back from a lockout', async () => {
    const account = await registerUser();
    const [first, second] = [freshNetwork(), freshNetwork()];
    for (const network of [first, second, first, second]) await attempt(network, account.email, 'wrong password');
    expect((await attempt(freshNetwork(), account.email, PASSWORD)).status).toBe(429);

    expect((await post(forgot, '/api/v1/auth/password/forgot', { email: account.email })).status).toBe(202);
    await deliverEmails();
    const token = tokenIn(smtp.to(account.email).at(-1), 'reset-password');
    const reset_ = await post(reset, '/api/v1/auth/password/reset', { token, password: 'a fresh passphrase' });

    expect(reset_.status).toBe(200);
    expect((await attempt(first, account.email, 'a fresh passphrase')).status).toBe(200);
    expect((await attempt(second, account.email, 'a fresh passphrase')).status).toBe(200);
    expect((await attempt(freshNetwork(), account.email, 'a fresh passphrase')).status).toBe(200);
  });
});

describe('the current password on /users/me', () => {
  it('counts as a failed login when wrong on PATCH: past the limit even the right one is 429', async () => {
    const user = await registerUser();
    const network = freshNetwork();
    const change = (currentPassword: string) =>
      patchMe(user, { password: 'a new passphrase', currentPassword }, network);

    const replies = [await change('wrong 1'), await change('wrong 2'), await change(PASSWORD)];
    const loginThere = await attempt(network, user.email, PASSWORD);

    expect(statuses(replies)).toEqual([401, 401, 429]);
    expect(replies[0]?.body.error.code).toBe('INVALID_CREDENTIALS');
    expect(replies[2]?.headers['retry-after']).toEqual(expect.any(String));
    expect(loginThere.status).toBe(429);
    expect(await attempt(freshNetwork(), user.email, PASSWORD)).toMatchObject({ status: 200 });
  });

  it('counts as a failed login when wrong on DELETE, and the account stays', async () => {
    const user = await registerUser();
    const network = freshNetwork();

    const replies = [
      await removeMe(user, { currentPassword: 'wrong 1' }, network),
      await removeMe(user, { currentPassword: 'wrong 2' }, network),
      await removeMe(user, { currentPassword: PASSWORD }, network),
    ];

    expect(statuses(replies)).toEqual([401, 401, 429]);
    expect((await invoke(me, { headers: bearer(user.accessToken) })).status).toBe(200);
  });

  it("is not refused by failures from other networks: an attacker elsewhere cannot lock the owner's session out", async () => {
    const user = await registerUser();
    const home = freshNetwork();
    // 2 failures on each of 2 networks fill the per-email cap (4), a fifth elsewhere trips it.
    for (const network of [freshNetwork(), freshNetwork()]) {
      for (let i = 0; i < 2; i++) await attempt(network, user.email, `wrong password ${i}`);
    }
    expect((await attempt(freshNetwork(), user.email, 'wrong password 4')).status).toBe(429);
    // Password sign-in is locked everywhere, the owner's own network included.
    expect((await attempt(home, user.email, PASSWORD)).status).toBe(429);

    const changed = await patchMe(user, { password: 'a new passphrase', currentPassword: PASSWORD }, home);
    const removed = await removeMe(user, { currentPassword: 'a new passphrase' }, home);

    expect(changed.status).toBe(200);
    // The answer describes the rule that can refuse it: its own network's, with room left.
    expect(changed.headers['ratelimit-limit']).toBe('2');
    expect(changed.headers['ratelimit-remaining']).toBe('2');
    expect(removed.status).toBe(204);
  });

  it("still counts the session's wrong passwords against the all-networks rule", async () => {
    const user = await registerUser();
    const [first, second] = [freshNetwork(), freshNetwork()];
    for (const network of [first, first, second, second]) {
      expect((await patchMe(user, { password: 'a new passphrase', currentPassword: 'wrong' }, network)).status).toBe(
        401,
      );
    }

    expect((await attempt(freshNetwork(), user.email, PASSWORD)).status).toBe(429);
  });
});

describe('login.locked', () => {
  const lockedEvents = async (userId: string) =>
    (await sql`select id from audit_events where type = 'login.locked' and subject_user_id = ${userId}`).length;

  it('is written once per rule, key and window: 60 wrong current passwords write one', async () => {
    const user = await registerUser();
    const network = freshNetwork();

    const replies: Reply[] = [];
    for (let i = 0; i < 60; i++) {
      replies.push(await removeMe(user, { currentPassword: `wrong ${i}` }, network));
    }

    expect(statuses(replies.slice(0, 3))).toEqual([401, 401, 429]);
    expect(new Set(statuses(replies.slice(2)))).toEqual(new Set([429]));
    expect(await lockedEvents(user.id)).toBe(1);
  });

  it('is written once for each rule that trips, however many attempts follow', async () => {
    const user = await registerUser();
    const [first, second, third] = [freshNetwork(), freshNetwork(), freshNetwork()];

    // The first network's rule trips on its third attempt (2 failures counted)...
    for (let i = 0; i < 10; i++) await attempt(first, user.email, `wrong ${i}`);
    for (let i = 0; i < 2; i++) await attempt(second, user.email, `wrong ${i}`);
    // ...and the all-networks rule on the fifth failure, the third network's first.
    const refused = [];
    for (let i = 0; i < 10; i++) refused.push(await attempt(third, user.email, `wrong ${i}`));
    for (let i = 0; i < 10; i++) refused.push(await attempt(freshNetwork(), user.email, PASSWORD));

    expect(new Set(statuses(refused))).toEqual(new Set([429]));
    expect(await lockedEvents(user.id)).toBe(2);
  });
});

describe('DELETE /users/me', () => {
  it('deletes the account with its tasks and sessions; its tokens stop working at once', async () => {
    const user = await registerUser();
    const other = await attempt(freshNetwork(), user.email, PASSWORD);
    await invoke(createTask, {
      method: 'POST',
      resource: '/api/v1/tasks',
      headers: bearer(user.accessToken),
      body: { title: 'mine' },
    });

    const reply = await removeMe(user, { currentPassword: PASSWORD });

    expect(reply.status).toBe(204);
    expect(reply.raw).toBe('');
    expect((await invoke(me, { headers: bearer(user.accessToken) })).status).toBe(401);
    expect((await invoke(me, { headers: bearer(other.body.data.tokens.accessToken) })).status).toBe(401);
    const [left] = await sql<{ users: number; tasks: number; sessions: number }[]>`
      select (select count(*) from users where id = ${user.id})::int as users,
             (select count(*) from tasks where user_id = ${user.id})::int as tasks,
             (select count(*) from sessions where user_id = ${user.id})::int as sessions`;
    expect(left).toEqual({ users: 0, tasks: 0, sessions: 0 });
    expect((await attempt(freshNetwork(), user.email, PASSWORD)).status).toBe(401);
  });

  it('refuses the last admin with 409 and lets an admin go while another remains', async () => {
    await sql`update users set role = 'USER' where role = 'ADMIN'`;
    const first = await registerUser(uniqueEmail('admin'));
    await sql`update users set role = 'ADMIN' where id = ${first.id}`;

    const alone = await removeMe(first, { currentPassword: PASSWORD });
    const second = await registerUser(uniqueEmail('admin'));
    await sql`update users set role = 'ADMIN' where id = ${second.id}`;
    const withAnother = await removeMe(first, { currentPassword: PASSWORD });

    expect(alone.status).toBe(409);
    expect(alone.body.error.code).toBe('LAST_ADMIN');
    expect(withAnother.status).toBe(204);
  });

  it('needs the current password in a JSON body and a bearer token', async () => {
    const user = await registerUser();

    const noBody = await invoke(deleteMe, {
      method: 'DELETE',
      resource: '/api/v1/users/me',
      headers: bearer(user.accessToken),
    });
    const extra = await removeMe(user, { currentPassword: PASSWORD, force: true });
    const anonymous = await invoke(deleteMe, {
      method: 'DELETE',
      resource: '/api/v1/users/me',
      body: { currentPassword: PASSWORD },
    });

    expect(noBody.status).toBe(400);
    expect(extra.status).toBe(400);
    expect(anonymous.status).toBe(401);
    expect((await invoke(me, { headers: bearer(user.accessToken) })).status).toBe(200);
  });
});

describe('email change', () => {
  it('waits for the link: a confirmation to the new address, a notice to the old one', async () => {
    const user = await registerUser();
    const elsewhere = (await attempt(freshNetwork(), user.email, PASSWORD)).body.data.tokens;
    const email = uniqueEmail('moved');

    const reply = await patchMe(user, { email, currentPassword: PASSWORD });

    expect(reply.status).toBe(200);
    expect(reply.body.data).toMatchObject({ email: user.email, pendingEmail: email });
    const [link] = smtp.to(email);
    const [notice] = smtp.to(user.email).filter((mail) => mail.subject.includes('change'));
    expect(link?.subject).toBe('Confirm your new email address');
    expect(notice?.subject).toBe('A change of your email address was requested');
    // The notice carries only the link that cancels the change, never the one that confirms it.
    expect(notice?.text).not.toContain('confirm-email-change');
    expect(notice?.text).toMatch(/^https:\/\/app\.example\.test\/cancel-email-change#token=[\w-]{43}\r?$/m);
    expect((await attempt(freshNetwork(), user.email, PASSWORD)).status).toBe(200);

    const confirmed = await post(confirm, '/api/v1/auth/email/confirm', {
      token: tokenIn(link, 'confirm-email-change'),
    });

    expect(confirmed.status).toBe(200);
    expect(confirmed.body.data.user).toMatchObject({ email, pendingEmail: null, emailVerified: true });
    expect((await invoke(me, { headers: bearer(elsewhere.accessToken) })).status).toBe(401);
    expect((await attempt(freshNetwork(), user.email, PASSWORD)).status).toBe(401);
    expect((await attempt(freshNetwork(), email, PASSWORD)).status).toBe(200);
  });

  it('answers the same and sends no link when the new address belongs to another account', async () => {
    const user = await registerUser();
    const free = await patchMe(await registerUser(), { email: uniqueEmail('free'), currentPassword: PASSWORD });
    const other = await registerUser();
    smtp.mails.length = 0;

    const taken = await patchMe(user, { email: other.email, currentPassword: PASSWORD });

    expect(taken.status).toBe(free.status);
    expect(Object.keys(taken.body.data)).toEqual(Object.keys(free.body.data));
    expect(Object.keys(taken.headers).sort()).toEqual(Object.keys(free.headers).sort());
    expect(taken.body.data).toMatchObject({ email: user.email, pendingEmail: other.email });
    expect(smtp.to(other.email)).toEqual([]);
    expect(smtp.to(user.email).map((mail) => mail.subject)).toEqual(['A change of your email address was requested']);
  });

  it('answers 409 when the address was taken between the request and the confirmation', async () => {
    const user = await registerUser();
    const email = uniqueEmail('contested');
    await patchMe(user, { email, currentPassword: PASSWORD });
    const token = tokenIn(smtp.to(email)[0], 'confirm-email-change');
    await registerUser(email);

    const reply = await post(confirm, '/api/v1/auth/email/confirm', { token });

    expect(reply.status).toBe(409);
    expect(reply.body.error.code).toBe('EMAIL_ALREADY_EXISTS');
    expect((await invoke(me, { headers: bearer(user.accessToken) })).body.data.email).toBe(user.email);
  });

  it('ends the earlier link on a new request, and the current email again cancels the change', async () => {
    const user = await registerUser();
    const [first, second] = [uniqueEmail('first'), uniqueEmail('second')];
    await patchMe(user, { email: first, currentPassword: PASSWORD });
    await patchMe(user, { email: second, currentPassword: PASSWORD });
    const firstToken = tokenIn(smtp.to(first)[0], 'confirm-email-change');
    const secondToken = tokenIn(smtp.to(second)[0], 'confirm-email-change');

    const stale = await post(confirm, '/api/v1/auth/email/confirm', { token: firstToken });
    const cancelled = await patchMe(user, { email: user.email.toUpperCase(), currentPassword: PASSWORD });
    const afterCancel = await post(confirm, '/api/v1/auth/email/confirm', { token: secondToken });

    expect(stale.body.error.code).toBe('INVALID_ONE_TIME_TOKEN');
    expect(cancelled.body.data).toMatchObject({ email: user.email, pendingEmail: null });
    expect(afterCancel.body.error.code).toBe('INVALID_ONE_TIME_TOKEN');
  });

  it('takes a link that only confirms: an email-change token cannot reset a password', async () => {
    const user = await registerUser();
    const email = uniqueEmail('kind');
    await patchMe(user, { email, currentPassword: PASSWORD });
    const token = tokenIn(smtp.to(email)[0], 'confirm-email-change');

    const reply = await post(reset, '/api/v1/auth/password/reset', { token, password: 'a fresh passphrase' });

    expect(reply.body.error.code).toBe('INVALID_ONE_TIME_TOKEN');
  });
});

describe('the start-up admin', () => {
  it('promotes an existing account only when ADMIN_PASSWORD is its password', async () => {
    const user = await registerUser(uniqueEmail('ops-admin'));

    const refused = await ensureAdmin(user.email, 'not the owner passphrase');
    const roleAfterRefusal = (await invoke(me, { headers: bearer(user.accessToken) })).body.data.role;
    const promoted = await ensureAdmin(user.email, PASSWORD);

    expect(refused).toBe('refused');
    expect(roleAfterRefusal).toBe('USER');
    expect(promoted).toBe('promoted');
    expect((await invoke(me, { headers: bearer(user.accessToken) })).body.data).toMatchObject({
      role: 'ADMIN',
      emailVerified: true,
    });
  });
});
