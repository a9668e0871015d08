import { describe, expect, it, vi } from 'vitest';
import { database } from '#lib/infra/database.ts';
import { deliverEmails, MAX_ATTEMPTS } from '#lib/mail/outbox.ts';
import { handler as confirm } from '../../functions/auth-email-confirm.ts';
import { handler as resend } from '../../functions/auth-email-resend.ts';
import { handler as forgot } from '../../functions/auth-password-forgot.ts';
import { handler as reset } from '../../functions/auth-password-reset.ts';
import { handler as register } from '../../functions/auth-register.ts';
import { handler as updateMe } from '../../functions/users-me-update.ts';
import { bearer, PASSWORD, type Registered, registerUser, uniqueEmail } from '../helpers/auth.ts';
import { invoke, type Reply } from '../helpers/lambda.ts';
import { captureLogs } from '../helpers/logs.ts';
import { smtpCatcher, tokenIn } from '../helpers/smtp.ts';

/**
 * Mail that cannot be used as a weapon or an oracle (docs/account-emails.md): per recipient at
 * most 3 emails of one kind an hour, whoever asks; no request waits for the mail server; the
 * answer's time does not tell whether an address has an account; no usable link at rest.
 */

const smtp = await smtpCatcher();
process.env.APP_URL = 'https://app.example.test';

const { sql } = database();

const patchMe = (user: Registered, body: unknown): Promise<Reply> =>
  invoke(updateMe, { method: 'PATCH', resource: '/api/v1/users/me', headers: bearer(user.accessToken), body });
const post = (handler: typeof forgot, resource: string, body?: unknown, headers: Record<string, string> = {}) =>
  invoke(handler, { method: 'POST', resource, body, headers });
const forgotFor = (email: string) => post(forgot, '/api/v1/auth/password/forgot', { email });
const resendFor = (user: Registered) => post(resend, '/api/v1/auth/email/resend', undefined, bearer(user.accessToken));

const subjects = (address: string) => smtp.to(address).map((mail) => mail.subject);

/** The median of interleaved samples of each request: a burst of load slows all of them alike. */
async function interleavedMedians(samples: number, requests: (() => Promise<unknown>)[]): Promise<number[]> {
  const times = requests.map(() => [] as number[]);
  for (let i = 0; i < samples; i++) {
    for (const [index, request] of requests.entries()) {
      const started = performance.now();
      await request();
      times[index]?.push(performance.now() - started);
    }
  }
  return times.map((list) => list.sort((a, b) => a - b)[Math.floor(samples / 2)] ?? 0);
}

describe('per-recipient caps', () => {
  it('queues at most 3 mails to an address that 20 email-change requests name, from any number of accounts', async () => {
    const [first, second] = [await registerUser(), await registerUser()];
    const victim = uniqueEmail('victim');

    const replies: Reply[] = [];
    for (let i = 0; i < 20; i++)
      replies.push(await patchMe(i % 2 ? second : first, { email: victim, currentPassword: PASSWORD }));
    await deliverEmails();

    expect(replies.map((reply) => reply.status)).toEqual(Array(20).fill(200));
    expect(replies.map((reply) => reply.body.data.pendingEmail)).toEqual(Array(20).fill(victim));
    expect(subjects(victim)).toEqual(Array(3).fill('Confirm your new email address'));
    // The notice to each account's address is a kind of its own, capped alike.
    expect(subjects(first.email).filter((subject) => subject.includes('change'))).toHaveLength(3);
    expect(subjects(second.email).filter((subject) => subject.includes('change'))).toHaveLength(3);
  });

  it('ends no link already mailed to the same new address when a request is beyond the cap', async () => {
    const user = await registerUser();
    const next = uniqueEmail('next');
    for (let i = 0; i < 5; i++) await patchMe(user, { email: next, currentPassword: PASSWORD });
    await deliverEmails();

    const last = tokenIn(smtp.to(next).at(-1), 'confirm-email-change');
    const reply = await post(confirm, '/api/v1/auth/email/confirm', { token: last });

    expect(reply.status).toBe(200);
    expect(reply.body.data.user).toMatchObject({ email: next, pendingEmail: null });
  });

  it('queues at most 3 verification mails to one address however often it is resent; the last link works', async () => {
    const user = await registerUser();

    const statuses: number[] = [];
    for (let i = 0; i < 15; i++) statuses.push((await resendFor(user)).status);
    await deliverEmails();

    expect(statuses).toEqual(Array(15).fill(202));
    expect(subjects(user.email)).toEqual(Array(3).fill('Confirm your email address'));
    const last = tokenIn(smtp.to(user.email).at(-1), 'verify-email');
    expect((await post(confirm, '/api/v1/auth/email/confirm', { token: last })).status).toBe(200);
  });

  it('counts a registration of the address again after the account was deleted', async () => {
    const email = uniqueEmail('again');
    for (let i = 0; i < 5; i++) {
      const reply = await post(register, '/api/v1/auth/register', { email, password: PASSWORD });
      expect(reply.status).toBe(201);
      await sql`delete from users where id = ${reply.body.data.user.id}`;
    }
    await deliverEmails();

    expect(subjects(email)).toHaveLength(3);
  });

  it('ends no reset link already mailed when a forgot-password request is beyond the cap', async () => {
    const user = await registerUser();
    for (let i = 0; i < 5; i++) expect((await forgotFor(user.email)).status).toBe(202);
    await deliverEmails();

    const resets = smtp.to(user.email).filter((mail) => mail.subject === 'Reset your password');
    expect(resets).toHaveLength(3);
    const token = tokenIn(resets.at(-1), 'reset-password');
    expect(
      (await post(reset, '/api/v1/auth/password/reset', { token, password: 'a brand new passphrase' })).status,
    ).toBe(200);
  });

  it('holds when requests for one address run at once on separate instances', async () => {
    const user = await registerUser();
    const handlers: (typeof forgot)[] = [];
    for (let i = 0; i < 8; i++) {
      vi.resetModules();
      handlers.push((await import('../../functions/auth-password-forgot.ts')).handler);
    }
    // Each instance opens its connection first, as a warm one has it.
    await Promise.all(handlers.map((handler) => invoke(handler, { method: 'POST', body: 'warm-up', contract: false })));

    const replies = await Promise.all(
      handlers.map((handler, i) =>
        invoke(handler, {
          method: 'POST',
          resource: '/api/v1/auth/password/forgot',
          body: { email: user.email },
          sourceIp: `198.51.100.${i + 1}`,
        }),
      ),
    );

    expect(replies.map((reply) => reply.status)).toEqual(Array(8).fill(202));
    const [row] = await sql`
      select count(*)::int as queued from email_outbox where recipient = ${user.email} and template = 'reset_password'`;
    expect(row?.queued).toBe(3);
  });
});

describe('the same writes whether or not an address has an account', () => {
  it('an email change to a taken address leaves a row the sender closes without a message', async () => {
    const [user, other] = [await registerUser(), await registerUser()];
    smtp.mails.length = 0;

    await patchMe(user, { email: other.email, currentPassword: PASSWORD });
    const [row] = await sql`
      select recipient, payload from email_outbox where recipient = ${other.email} and template = 'confirm_email_change'`;
    await deliverEmails();

    expect(Object.keys(row?.payload ?? {})).toEqual(['sealed']);
    expect(smtp.to(other.email)).toEqual([]);
    const [closed] = await sql`
      select sent_at is not null as closed, payload from email_outbox
      where recipient = ${other.email} and template = 'confirm_email_change'`;
    expect(closed).toEqual({ closed: true, payload: {} });
  });
});

describe('no request waits for the mail server', () => {
  it('answers register, resend, forgot-password and the email change before a slow mail server took any mail', async () => {
    smtp.slowness.ms = 3_000;
    const email = uniqueEmail('slow');
    const timed = async (request: () => Promise<Reply>) => {
      const started = performance.now();
      const reply = await request();
      return { status: reply.status, ms: performance.now() - started, mailsByThen: smtp.mails.length, reply };
    };

    const registered = await timed(() => post(register, '/api/v1/auth/register', { email, password: PASSWORD }));
    const user = { ...registered.reply.body.data.user, accessToken: registered.reply.body.data.tokens.accessToken };
    const resent = await timed(() => resendFor(user));
    const forgotten = await timed(() => forgotFor(email));
    const changed = await timed(() => patchMe(user, { email: uniqueEmail('new'), currentPassword: PASSWORD }));

    for (const answer of [registered, resent, forgotten, changed]) {
      expect(answer.mailsByThen).toBe(0);
      expect(answer.ms).toBeLessThan(smtp.slowness.ms);
    }
    expect([registered, resent, forgotten, changed].map((answer) => answer.status)).toEqual([201, 202, 202, 200]);
    // The sender delivers them: two verifications (register's, the resend's), a reset, a notice
    // and a confirmation.
    smtp.slowness.ms = 0;
    expect(await deliverEmails()).toEqual({ sent: 5, failed: 0 });
  });
});

describe("the answer's time", () => {
  it('is about the same for an email change to a free and to a taken address, with a slow mail server', async () => {
    // A mail server that takes a while per message: inside the request, two messages (free)
    // took twice as long as one (taken).
    smtp.slowness.ms = 150;
    const user = await registerUser();
    const taken: string[] = [];
    for (let i = 0; i < 10; i++) taken.push((await registerUser()).email);
    await patchMe(user, { email: uniqueEmail('warm-up'), currentPassword: PASSWORD });

    const [free, other] = await interleavedMedians(9, [
      () => patchMe(user, { email: uniqueEmail('free'), currentPassword: PASSWORD }),
      () => patchMe(user, { email: taken.pop(), currentPassword: PASSWORD }),
    ]);

    const ratio = (other ?? 0) / (free ?? 1);
    const medians = `medians: free ${free?.toFixed(1)} ms, taken ${other?.toFixed(1)} ms`;
    expect(ratio, medians).toBeGreaterThan(0.75);
    expect(ratio, medians).toBeLessThan(1.33);
  });

  it('is about the same for forgot-password of an existing and of an unknown address', async () => {
    const existing: string[] = [];
    for (let i = 0; i < 10; i++) existing.push((await registerUser()).email);
    await forgotFor(uniqueEmail('warm-up'));

    const [known, unknown] = await interleavedMedians(9, [
      () => forgotFor(existing.pop() ?? ''),
      () => forgotFor(uniqueEmail('ghost')),
    ]);

    const ratio = (unknown ?? 0) / (known ?? 1);
    const medians = `medians: existing ${known?.toFixed(1)} ms, unknown ${unknown?.toFixed(1)} ms`;
    expect(ratio, medians).toBeGreaterThan(0.8);
    expect(ratio, medians).toBeLessThan(1.25);
  });
});

describe('the outbox at rest', () => {
  it('holds no usable token: the row of a reset, a verification and an email change is sealed until sent', async () => {
    const user = await registerUser();
    const next = uniqueEmail('next');
    await forgotFor(user.email);
    await resendFor(user);
    await patchMe(user, { email: next, currentPassword: PASSWORD });
    const rows = await sql`select template, payload from email_outbox where sent_at is null order by created_at`;

    await deliverEmails();

    const tokens = [
      tokenIn(
        smtp.to(user.email).find((mail) => mail.subject === 'Reset your password'),
        'reset-password',
      ),
      tokenIn(
        smtp.to(user.email).findLast((mail) => mail.subject === 'Confirm your email address'),
        'verify-email',
      ),
      tokenIn(smtp.to(next)[0], 'confirm-email-change'),
    ];
    expect(rows.map((row) => row.template).sort()).toEqual(
      ['confirm_email_change', 'email_change_notice', 'reset_password', 'verify_email'].sort(),
    );
    const stored = JSON.stringify(rows);
    for (const token of tokens) {
      expect(stored).not.toContain(token);
      expect(stored).not.toContain(Buffer.from(token).toString('base64'));
    }
    for (const row of rows) expect(Object.keys(row.payload)).toEqual(['sealed']);
    expect(await sql`select 1 from email_outbox where payload <> '{}'::jsonb`).toEqual([]);
  });

  it('never sends a sealed payload moved to another recipient: the row is given up', async () => {
    const logs = captureLogs();
    const user = await registerUser();
    smtp.mails.length = 0;
    await forgotFor(user.email);
    const attacker = uniqueEmail('attacker');
    await sql`update email_outbox set recipient = ${attacker} where recipient = ${user.email} and sent_at is null`;

    expect(await deliverEmails()).toEqual({ sent: 0, failed: 1 });

    expect(smtp.mails).toEqual([]);
    const [row] =
      await sql`select attempts, sent_at, payload, last_error from email_outbox where recipient = ${attacker}`;
    expect(row).toMatchObject({ attempts: MAX_ATTEMPTS, sent_at: null, payload: {} });
    expect(row?.last_error).toMatch(/cannot be opened/);
    expect(logs().join('')).toContain('giving up');
  });

  it('still sends a row written before sealing (a plain token), then forgets it', async () => {
    const token = 'd3JpdHRlbi1ieS10aGUtb2xkLWNvZGUtYmVmb3JlLXNlYWxpbmc';
    const [row] = await sql`
      insert into email_outbox (recipient, template, payload)
      values ('legacy@example.com', 'verify_email', ${JSON.stringify({ token })}::jsonb) returning id`;

    expect(await deliverEmails()).toEqual({ sent: 1, failed: 0 });

    expect(tokenIn(smtp.to('legacy@example.com')[0], 'verify-email')).toBe(token);
    expect(await sql`select payload from email_outbox where id = ${row?.id}`).toEqual([{ payload: {} }]);
  });
});
