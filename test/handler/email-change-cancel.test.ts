import { describe, expect, it, vi } from 'vitest';

// Config is read once, at first use: the rules and the mail server must be in place before any import.
const smtp = await vi.hoisted(async () => {
  process.env.RATE_LIMIT_PASSWORD_FORGOT = 'off';
  process.env.RATE_LIMIT_API = 'off';
  process.env.APP_URL = 'https://app.example.test';
  const { smtpCatcher } = await import('../helpers/smtp.ts');
  return smtpCatcher();
});

import { database } from '#lib/infra/database.ts';
import { deliverEmails } from '#lib/mail/outbox.ts';
import { handler as cancel } from '../../functions/auth-email-cancel.ts';
import { handler as confirm } from '../../functions/auth-email-confirm.ts';
import { handler as login } from '../../functions/auth-login.ts';
import { handler as forgot } from '../../functions/auth-password-forgot.ts';
import { handler as reset } from '../../functions/auth-password-reset.ts';
import { handler as me } from '../../functions/users-me-get.ts';
import { handler as updateMe } from '../../functions/users-me-update.ts';
import { bearer, PASSWORD, type Registered, registerUser, uniqueEmail } from '../helpers/auth.ts';
import { invoke, type Reply } from '../helpers/lambda.ts';
import { tokenIn } from '../helpers/smtp.ts';

/**
 * The notice mailed to the address in force on an email change carries a one-click cancel link,
 * posted to POST /auth/email/cancel: it ends the change and every session and pending link of
 * the account, and signs nobody in.
 */

const { sql } = database();

const IP = '198.51.100.77';
type Handler = Parameters<typeof invoke>[0];
const post = (handler: Handler, resource: string, body?: unknown) =>
  invoke(handler, { method: 'POST', resource, body, sourceIp: IP });
const patchMe = (user: Registered, body: unknown) =>
  invoke(updateMe, { method: 'PATCH', resource: '/api/v1/users/me', headers: bearer(user.accessToken), body });
const cancelLink = (token: string) => post(cancel, '/api/v1/auth/email/cancel', { token });
const confirmLink = (token: string) => post(confirm, '/api/v1/auth/email/confirm', { token });

const sessionOf = (accessToken: string): string =>
  JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString()).sid;

const NOTICE = 'A change of your email address was requested';

/** Asks for a change to a fresh address; the notice's cancel token and the new address's confirm token. */
async function askChange(user: Registered, address = uniqueEmail('next')) {
  const reply = await patchMe(user, { email: address, currentPassword: PASSWORD });
  expect(reply.status).toBe(200);
  await deliverEmails();
  const notice = smtp
    .to(user.email)
    .filter((mail) => mail.subject === NOTICE)
    .at(-1);
  const confirmation = smtp.to(address).find((mail) => mail.subject === 'Confirm your new email address');
  return {
    address,
    notice,
    cancelToken: tokenIn(notice, 'cancel-email-change'),
    confirmToken: confirmation ? tokenIn(confirmation, 'confirm-email-change') : undefined,
  };
}

/** Asserts a link is refused exactly as an unknown token is (less the request id). */
async function expectDeadLink(send: (token: string) => Promise<Reply>, token: string) {
  const comparable = (reply: Reply) => ({
    status: reply.status,
    error: { ...reply.body.error, requestId: 'any' },
    headers: { ...reply.headers, 'x-request-id': 'any' },
  });
  const stale = await send(token);
  expect(stale.body.error?.code).toBe('INVALID_ONE_TIME_TOKEN');
  expect(comparable(stale)).toEqual(comparable(await send('q3J0c2VjcmV0LXRva2VuLWZyb20tdGhlLWVtYWlsLWxpbms')));
}

describe('POST /api/v1/auth/email/cancel', () => {
  it('ends the change and every session, signs nobody in, and records email.change_cancelled', async () => {
    const user = await registerUser();
    const other = await post(login, '/api/v1/auth/login', { email: user.email, password: PASSWORD });
    const change = await askChange(user);
    const text = change.notice?.text.replace(/\r\n/g, '\n') ?? '';
    expect(text.split('\n')).toContain(`https://app.example.test/cancel-email-change#token=${change.cancelToken}`);
    expect(change.notice?.html).toContain(`href="https://app.example.test/cancel-email-change#token=`);

    const reply = await cancelLink(change.cancelToken);

    expect(reply.status).toBe(200);
    expect(Object.keys(reply.body.data)).toEqual(['user']);
    expect(reply.body.data.user).toMatchObject({ id: user.id, email: user.email, pendingEmail: null });
    expect(reply.headers['cache-control']).toBe('no-store');
    await expectDeadLink(confirmLink, change.confirmToken ?? '');
    for (const token of [user.accessToken, other.body.data.tokens.accessToken]) {
      expect((await invoke(me, { headers: bearer(token) })).status).toBe(401);
    }
    const [row] = await sql<{ pending_email: string | null }[]>`select pending_email from users where id = ${user.id}`;
    expect(row?.pending_email).toBeNull();
    const events = await sql<{ actor_user_id: string; ip: string; details: Record<string, unknown> }[]>`
      select actor_user_id, ip, details from audit_events
      where subject_user_id = ${user.id} and type = 'email.change_cancelled'`;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor_user_id: user.id, ip: IP });
    const sessions = [user.accessToken, other.body.data.tokens.accessToken].map(sessionOf);
    expect([...((events[0]?.details.revokedSessionIds as string[] | undefined) ?? [])].sort()).toEqual(sessions.sort());
    expect(JSON.stringify(events)).not.toContain(change.address);
    // Single use.
    await expectDeadLink(cancelLink, change.cancelToken);
  });

  it('is a credential change: a reset link mailed before it ends too', async () => {
    const user = await registerUser();
    expect((await post(forgot, '/api/v1/auth/password/forgot', { email: user.email })).status).toBe(202);
    await deliverEmails();
    const resetToken = tokenIn(smtp.to(user.email).at(-1), 'reset-password');
    const change = await askChange(user);

    expect((await cancelLink(change.cancelToken)).status).toBe(200);

    await expectDeadLink(
      (token) => post(reset, '/api/v1/auth/password/reset', { token, password: 'a brand new passphrase' }),
      resetToken,
    );
  });

  it('works when the new address belongs to another account, and answers the same', async () => {
    const user = await registerUser();
    const owner = await registerUser();
    const change = await askChange(user, owner.email);
    expect(change.confirmToken).toBeUndefined();

    const reply = await cancelLink(change.cancelToken);

    expect(reply.status).toBe(200);
    expect(reply.body.data.user).toMatchObject({ email: user.email, pendingEmail: null });
  });

  it('ends with its change: replaced by a newer request, cancelled by the current email, or confirmed', async () => {
    const user = await registerUser();
    const first = await askChange(user);
    const second = await askChange(user);
    await expectDeadLink(cancelLink, first.cancelToken);

    await patchMe(user, { email: user.email, currentPassword: PASSWORD });
    await expectDeadLink(cancelLink, second.cancelToken);

    const third = await askChange(user);
    expect((await confirmLink(third.confirmToken ?? '')).status).toBe(200);
    await expectDeadLink(cancelLink, third.cancelToken);
  });

  it('refuses a token of another kind', async () => {
    const user = await registerUser();
    const change = await askChange(user);

    await expectDeadLink(cancelLink, change.confirmToken ?? '');
    await expectDeadLink(confirmLink, change.cancelToken);
    expect((await confirmLink(change.confirmToken ?? '')).status).toBe(200);
  });
});
