import { describe, expect, it } from 'vitest';
import { database } from '#lib/infra/database.ts';
import { deliverEmails } from '#lib/mail/outbox.ts';
import { handler as confirm } from '../../functions/auth-email-confirm.ts';
import { handler as resend } from '../../functions/auth-email-resend.ts';
import { handler as login } from '../../functions/auth-login.ts';
import { handler as forgot } from '../../functions/auth-password-forgot.ts';
import { handler as reset } from '../../functions/auth-password-reset.ts';
import { handler as register } from '../../functions/auth-register.ts';
import { handler as me } from '../../functions/users-me-get.ts';
import { bearer, PASSWORD, registerUser, uniqueEmail } from '../helpers/auth.ts';
import { invoke } from '../helpers/lambda.ts';
import { smtpCatcher, tokenIn } from '../helpers/smtp.ts';

const smtp = await smtpCatcher();
process.env.APP_URL = 'https://app.example.test';

const { sql } = database();

const post = (handler: typeof confirm, body?: unknown, headers: Record<string, string> = {}, ip?: string) =>
  invoke(handler, { method: 'POST', body, headers, ...(ip ? { sourceIp: ip } : {}) });

const NEW_PASSWORD = 'a brand new passphrase';

/** Asks for a reset and lets the scheduled sender deliver it; returns the mailed token. */
async function resetTokenFor(email: string): Promise<string> {
  expect((await post(forgot, { email })).status).toBe(202);
  await deliverEmails();
  return tokenIn(smtp.to(email).at(-1), 'reset-password');
}

describe('email verification', () => {
  it('register mails a verification link through the sender; the user starts unverified', async () => {
    const email = uniqueEmail('new');
    const reply = await post(register, { email, password: PASSWORD });
    await deliverEmails();

    expect(reply.body.data.user.emailVerified).toBe(false);
    const mails = smtp.to(email);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.subject).toBe('Confirm your email address');
    expect(mails[0]?.text).toMatch(/https:\/\/app\.example\.test\/verify-email#token=[\w-]{43}\r?\n/);
    expect(mails[0]?.html).toContain('https://app.example.test/verify-email#token=');
  });

  it('POST /auth/email/confirm with the token marks the address verified, once', async () => {
    const user = await registerUser();
    const token = tokenIn(smtp.to(user.email)[0], 'verify-email');

    const reply = await post(confirm, { token });

    expect(reply.status).toBe(200);
    expect(reply.body.data.user).toMatchObject({ id: user.id, email: user.email, emailVerified: true });
    expect((await invoke(me, { headers: bearer(user.accessToken) })).body.data.emailVerified).toBe(true);
    const again = await post(confirm, { token });
    expect(again.status).toBe(400);
    expect(again.body.error.code).toBe('INVALID_ONE_TIME_TOKEN');
  });

  it('answers 400 INVALID_ONE_TIME_TOKEN to an unknown, expired or reset token', async () => {
    const user = await registerUser();
    const verify = tokenIn(smtp.to(user.email)[0], 'verify-email');
    const resetToken = await resetTokenFor(user.email);
    await sql`update one_time_tokens set expires_at = now() - interval '1 second'
              where user_id = ${user.id} and kind = 'verify_email'`;

    for (const token of ['x'.repeat(43), verify, resetToken]) {
      const reply = await post(confirm, { token });
      expect(reply.status).toBe(400);
      expect(reply.body.error.code).toBe('INVALID_ONE_TIME_TOKEN');
    }
  });

  it('POST /auth/email/resend answers 202 with a new link that ends the earlier one', async () => {
    const user = await registerUser();
    const first = tokenIn(smtp.to(user.email)[0], 'verify-email');

    const reply = await post(resend, undefined, bearer(user.accessToken));
    await deliverEmails();

    expect(reply.status).toBe(202);
    expect(reply.raw).toBe('');
    const second = tokenIn(smtp.to(user.email)[1], 'verify-email');
    expect(second).not.toBe(first);
    expect((await post(confirm, { token: first })).status).toBe(400);
    expect((await post(confirm, { token: second })).status).toBe(200);
  });

  it('POST /auth/email/resend sends nothing once the address is verified, and needs a bearer token', async () => {
    const user = await registerUser();
    await post(confirm, { token: tokenIn(smtp.to(user.email)[0], 'verify-email') });

    expect((await post(resend, undefined, bearer(user.accessToken))).status).toBe(202);
    await deliverEmails();
    expect(smtp.to(user.email)).toHaveLength(1);
    expect((await post(resend)).status).toBe(401);
  });
});

describe('forgotten password', () => {
  it('answers 202 alike for a known and an unknown email; only the known one gets mail', async () => {
    const user = await registerUser();
    const ghost = uniqueEmail('ghost');

    const known = await post(forgot, { email: user.email });
    const unknown = await post(forgot, { email: ghost });
    await deliverEmails();

    const strip = (reply: typeof known) => ({
      status: reply.status,
      raw: reply.raw,
      headers: Object.keys(reply.headers).sort(),
    });
    expect(strip(known)).toEqual(strip(unknown));
    expect(known.status).toBe(202);
    expect(smtp.to(user.email).map((mail) => mail.subject)).toContain('Reset your password');
    expect(smtp.to(ghost)).toHaveLength(0);
    // The unknown address got the same writes: a row the sender closed without a message.
    expect(
      await sql`select sent_at is not null as closed, payload from email_outbox where recipient = ${ghost}`,
    ).toEqual([{ closed: true, payload: {} }]);
  });

  it('takes about as long for an unknown email as for a known one', async () => {
    const user = await registerUser();
    await post(forgot, { email: uniqueEmail('warm-up') }, {}, '198.51.100.99');
    const known: number[] = [];
    const unknown: number[] = [];
    // Interleaved, so a burst of load from other test files slows both alike.
    for (let i = 0; i < 9; i++) {
      for (const [email, times] of [
        [user.email, known],
        [uniqueEmail('ghost'), unknown],
      ] as const) {
        const started = performance.now();
        await post(forgot, { email }, {}, `198.51.100.${i + 1}`);
        times.push(performance.now() - started);
      }
    }
    const median = (times: number[]) => times.sort((a, b) => a - b)[4] ?? 0;

    expect(median(unknown) / median(known)).toBeGreaterThan(0.5);
    expect(median(unknown) / median(known)).toBeLessThan(2);
  });

  it('mails one address at most 3 times an hour', async () => {
    const user = await registerUser();

    for (let i = 0; i < 5; i++)
      expect((await post(forgot, { email: user.email }, {}, `203.0.113.${i + 1}`)).status).toBe(202);
    await deliverEmails();

    expect(smtp.to(user.email).filter((mail) => mail.subject === 'Reset your password')).toHaveLength(3);
  });

  it('reset sets the password, ends every session, marks the email verified and signs in', async () => {
    const user = await registerUser();
    const token = await resetTokenFor(user.email);

    const reply = await post(reset, { token, password: NEW_PASSWORD });

    expect(reply.status).toBe(200);
    expect(reply.body.data.user).toMatchObject({ id: user.id, emailVerified: true });
    expect(reply.body.data.tokens.tokenType).toBe('Bearer');
    expect((await invoke(me, { headers: bearer(user.accessToken) })).status).toBe(401);
    expect((await invoke(me, { headers: bearer(reply.body.data.tokens.accessToken) })).status).toBe(200);
    expect((await post(login, { email: user.email, password: PASSWORD })).status).toBe(401);
    expect((await post(login, { email: user.email, password: NEW_PASSWORD })).status).toBe(200);
    expect((await post(reset, { token, password: NEW_PASSWORD })).body.error.code).toBe('INVALID_ONE_TIME_TOKEN');
  });

  it('reset refuses a verification token, a common password and an expired token', async () => {
    const user = await registerUser();
    const verify = tokenIn(smtp.to(user.email)[0], 'verify-email');
    const token = await resetTokenFor(user.email);

    expect((await post(reset, { token: verify, password: NEW_PASSWORD })).body.error.code).toBe(
      'INVALID_ONE_TIME_TOKEN',
    );
    expect((await post(reset, { token, password: 'Password1' })).body.error.code).toBe('VALIDATION_ERROR');
    await sql`update one_time_tokens set expires_at = now() - interval '1 second' where user_id = ${user.id}`;
    expect((await post(reset, { token, password: NEW_PASSWORD })).body.error.code).toBe('INVALID_ONE_TIME_TOKEN');
  });
});
