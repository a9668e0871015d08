import { beforeEach, describe, expect, it } from 'vitest';
import { database } from '#lib/infra/database.ts';
import { deliverEmails, enqueueEmail, LEASE_SECONDS, MAX_ATTEMPTS } from '#lib/mail/outbox.ts';
import { TEMPLATES, type Template } from '#lib/mail/templates.ts';
import { handler as mailSender } from '../../functions/mail-sender.ts';
import { lambdaContext, scheduledEvent } from '../helpers/lambda.ts';
import { captureLogs } from '../helpers/logs.ts';
import { smtpCatcher, tokenIn } from '../helpers/smtp.ts';

const smtp = await smtpCatcher();
process.env.APP_URL = 'https://app.example.test';
process.env.MAIL_FROM = 'Tasks <no-reply@example.test>';

const { db, sql } = database();

beforeEach(async () => {
  await sql`delete from email_outbox`;
});

const schedule = scheduledEvent('taskapi-mail-sender');

const TOKEN = 'Zm9yLXRoZS10ZXN0LW9ubHktbm90LWEtcmVhbC10b2tlbg';

/** Queues a verification email; its id. */
async function enqueue(
  recipient = 'ada@example.com',
  token = TOKEN,
  template: Template = 'verify_email',
): Promise<string> {
  const id = await db.transaction((tx) => enqueueEmail(tx, { recipient, template, payload: { token } }));
  if (!id) throw new Error('the per-recipient cap refused the email');
  return id;
}

/** Makes every waiting row due now, as if its backoff had passed. */
const timePasses = () => sql`update email_outbox set next_attempt_at = now() where sent_at is null`;

describe('the email outbox', () => {
  it('delivers a committed email once, with the link verbatim in the text part and an HTML part', async () => {
    const id = await enqueue();

    expect(await deliverEmails([id])).toEqual({ sent: 1, failed: 0 });
    expect(await deliverEmails([id])).toEqual({ sent: 0, failed: 0 });

    expect(smtp.mails).toHaveLength(1);
    const [mail] = smtp.mails;
    expect(mail?.to).toEqual(['ada@example.com']);
    expect(mail?.from).toBe('no-reply@example.test');
    expect(mail?.subject).toBe('Confirm your email address');
    expect(mail?.text).toContain(`https://app.example.test/verify-email#token=${TOKEN}`);
    expect(tokenIn(mail, 'verify-email')).toBe(TOKEN);
    expect(mail?.html).toContain(`href="https://app.example.test/verify-email#token=${TOKEN}"`);
  });

  it('forgets the token once the email is sent', async () => {
    const id = await enqueue();
    await deliverEmails([id]);

    const [row] = await sql`
      select sent_at is not null as sent, attempts, payload, last_error from email_outbox where id = ${id}`;
    expect(row).toEqual({ sent: true, attempts: 1, payload: {}, last_error: null });
  });

  it('sends nothing for a change that rolled back', async () => {
    await expect(
      db.transaction(async (tx) => {
        await enqueueEmail(tx, { recipient: 'ada@example.com', template: 'verify_email', payload: { token: TOKEN } });
        throw new Error('the change fails after the email was written');
      }),
    ).rejects.toThrow('the change fails');

    expect(await mailSender(schedule, lambdaContext())).toEqual({ sent: 0, failed: 0 });
    expect(smtp.mails).toHaveLength(0);
    expect(await sql`select 1 from email_outbox`).toHaveLength(0);
  });

  it('keeps an email while the mail server is down and delivers it once when it is back', async () => {
    const logs = captureLogs();
    await smtp.stop();
    const id = await enqueue();

    expect(await deliverEmails([id])).toEqual({ sent: 0, failed: 1 });
    const [failed] =
      await sql`select attempts, last_error, sent_at, next_attempt_at > now() as later from email_outbox`;
    expect(failed).toMatchObject({ attempts: 1, sent_at: null, later: true });
    expect(failed?.last_error).toMatch(/ECONNREFUSED/);
    // The sender leaves it alone during its backoff, and keeps failing while the server is down.
    expect(await mailSender(schedule, lambdaContext())).toEqual({ sent: 0, failed: 0 });
    await timePasses();
    expect(await mailSender(schedule, lambdaContext())).toEqual({ sent: 0, failed: 1 });

    await smtp.start();
    await timePasses();
    expect(await mailSender(schedule, lambdaContext())).toEqual({ sent: 1, failed: 0 });
    await timePasses();
    expect(await mailSender(schedule, lambdaContext())).toEqual({ sent: 0, failed: 0 });

    expect(smtp.mails).toHaveLength(1);
    const [sent] = await sql`select attempts, last_error, sent_at from email_outbox`;
    expect(sent).toMatchObject({ attempts: 3, last_error: null });
    expect(logs().join('')).toContain('email delivery failed; will retry');
    expect(logs().join('')).not.toContain(TOKEN);
    expect(logs().join('')).not.toContain('ada@example.com');
  });

  it('backs off exponentially between attempts', async () => {
    captureLogs();
    await smtp.stop();
    await enqueue();
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      await timePasses();
      await deliverEmails();
      const [row] = await sql`select extract(epoch from next_attempt_at - now())::int as delay from email_outbox`;
      delays.push(row?.delay);
    }
    await smtp.start();

    expect(delays.map((delay) => Math.round(delay / 30))).toEqual([1, 2, 4, 8]);
  });

  it('gives up after a bounded number of attempts, keeping the row with its last error, and logs it', async () => {
    const logs = captureLogs();
    await smtp.stop();
    const id = await enqueue();
    await sql`update email_outbox set attempts = ${MAX_ATTEMPTS - 1} where id = ${id}`;

    expect(await deliverEmails()).toEqual({ sent: 0, failed: 1 });
    await smtp.start();
    await timePasses();
    expect(await mailSender(schedule, lambdaContext())).toEqual({ sent: 0, failed: 0 });

    const [row] = await sql`select attempts, last_error, sent_at from email_outbox where id = ${id}`;
    expect(row).toMatchObject({
      attempts: MAX_ATTEMPTS,
      sent_at: null,
      last_error: expect.stringMatching(/ECONNREFUSED/),
    });
    const line = logs().find((entry) => entry.includes('giving up'));
    expect(JSON.parse(line ?? '{}')).toMatchObject({ level: 'ERROR', outboxId: id, attempts: MAX_ATTEMPTS });
    expect(smtp.mails).toHaveLength(0);
  });

  it('leaves an email whose immediate delivery was cut off mid-way to the scheduled sender', async () => {
    const id = await enqueue();
    // What a request frozen or killed between claiming the row and sending it leaves behind.
    await sql`
      update email_outbox set attempts = 1, next_attempt_at = now() + make_interval(secs => ${LEASE_SECONDS})
      where id = ${id}`;

    expect(await mailSender(schedule, lambdaContext())).toEqual({ sent: 0, failed: 0 });
    await timePasses();
    expect(await mailSender(schedule, lambdaContext())).toEqual({ sent: 1, failed: 0 });
    expect(smtp.mails).toHaveLength(1);
  });

  it('sends each email once when senders run at the same time', async () => {
    const recipients = Array.from({ length: 20 }, (_, i) => `user${i}@example.com`);
    for (const recipient of recipients) await enqueue(recipient);

    const results = await Promise.all([deliverEmails(), deliverEmails(), deliverEmails()]);

    expect(results.reduce((sum, result) => sum + result.sent, 0)).toBe(20);
    expect(smtp.mails.map((mail) => mail.to[0]).sort()).toEqual([...recipients].sort());
  });
});

describe('the emails', () => {
  const pages = {
    verify_email: 'verify-email',
    reset_password: 'reset-password',
    confirm_email_change: 'confirm-email-change',
    email_change_notice: 'cancel-email-change',
  } as const;

  it.each(TEMPLATES)(
    '%s says what happened and what to do if it was not the reader, in a text and an HTML part',
    async (template) => {
      const logs = captureLogs();
      const id = await enqueue('ada@example.com', TOKEN, template);
      expect(await deliverEmails([id])).toEqual({ sent: 1, failed: 0 });
      await mailSender(schedule, lambdaContext());

      const [mail] = smtp.mails;
      // Line ends as written, whatever the wire's CRLF.
      const text = mail?.text.replace(/\r\n/g, '\n') ?? '';
      expect(mail?.subject.length).toBeGreaterThan(10);
      expect(text).toMatch(/^Someone /);
      expect(text.trimEnd()).toMatch(/\nIf (you did not|this was not you)[^\n]+$/);
      expect(mail?.html).toMatch(/^<!DOCTYPE html>/);
      const page = pages[template];
      if (page) {
        // The link verbatim on a line of its own, and the only place the token appears.
        const link = `https://app.example.test/${page}#token=${TOKEN}`;
        expect(text.split('\n')).toContain(link);
        expect(text.split(TOKEN)).toHaveLength(2);
        expect(mail?.html).toContain(`href="${link}"`);
      } else {
        expect(text).not.toContain('http');
      }
      expect(logs().join('')).not.toContain(TOKEN);
    },
  );
});
