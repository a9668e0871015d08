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
import { handler as confirm } from '../../functions/auth-email-confirm.ts';
import { handler as login } from '../../functions/auth-login.ts';
import { handler as logoutAll } from '../../functions/auth-logout-all.ts';
import { handler as forgot } from '../../functions/auth-password-forgot.ts';
import { handler as reset } from '../../functions/auth-password-reset.ts';
import { handler as me } from '../../functions/users-me-get.ts';
import { handler as updateMe } from '../../functions/users-me-update.ts';
import { bearer, PASSWORD, type Registered, registerUser, uniqueEmail } from '../helpers/auth.ts';
import { invoke, type Reply } from '../helpers/lambda.ts';
import { tokenIn } from '../helpers/smtp.ts';

/**
 * A change of credentials ends what an attacker could have started before it: a password change,
 * a reset, a confirmed email change and logout-all end every unused link of the account and its
 * pending email, and a link issued before answers exactly as an unknown token does.
 */

const { sql } = database();

const NEW_PASSWORD = 'a brand new passphrase';

type Handler = Parameters<typeof invoke>[0];
const post = (handler: Handler, resource: string, body?: unknown, headers: Record<string, string> = {}) =>
  invoke(handler, { method: 'POST', resource, body, headers });
const patchMe = (user: Registered, body: unknown) =>
  invoke(updateMe, { method: 'PATCH', resource: '/api/v1/users/me', headers: bearer(user.accessToken), body });
const confirmLink = (token: string) => post(confirm, '/api/v1/auth/email/confirm', { token });
const resetWith = (token: string, password = NEW_PASSWORD) =>
  post(reset, '/api/v1/auth/password/reset', { token, password });

/** Delivers what the outbox holds, then the token of the newest `page` link mailed to `address`. */
async function linkTo(address: string, page: string): Promise<string> {
  await deliverEmails();
  return tokenIn(smtp.to(address).at(-1), page);
}

async function resetLinkFor(email: string): Promise<string> {
  expect((await post(forgot, '/api/v1/auth/password/forgot', { email })).status).toBe(202);
  return linkTo(email, 'reset-password');
}

/**
 * An email change parked on the account by someone who once had its password, to an address
 * of theirs: the link that would make it the account's email, from their own inbox.
 */
async function parkChange(user: Registered): Promise<{ address: string; token: string }> {
  const address = uniqueEmail('attacker');
  const reply = await patchMe(user, { email: address, currentPassword: user.password });
  expect(reply.body.data.pendingEmail).toBe(address);
  return { address, token: await linkTo(address, 'confirm-email-change') };
}

/** A reply as a client sees it, less the request id. */
const comparable = (reply: Reply) => ({
  status: reply.status,
  error: { ...reply.body.error, requestId: 'any' },
  headers: { ...reply.headers, 'x-request-id': 'any' },
});

/** Asserts a link is refused exactly as an unknown token is. */
async function expectDeadLink(send: (token: string) => Promise<Reply>, token: string) {
  const stale = await send(token);
  const unknown = await send('q3J0c2VjcmV0LXRva2VuLWZyb20tdGhlLWVtYWlsLWxpbms');
  expect(stale.body.error?.code).toBe('INVALID_ONE_TIME_TOKEN');
  expect(comparable(stale)).toEqual(comparable(unknown));
}

const accountOf = async (id: string) => {
  const [row] = await sql<{ email: string; pending_email: string | null }[]>`
    select email, pending_email from users where id = ${id}`;
  return row;
};

describe('a credential change ends a parked email change', () => {
  it('a password change: the link answers as an unknown token and pendingEmail is null', async () => {
    const user = await registerUser();
    const parked = await parkChange(user);

    const changed = await patchMe(user, { password: NEW_PASSWORD, currentPassword: PASSWORD });

    expect(changed.status).toBe(200);
    expect(changed.body.data.pendingEmail).toBeNull();
    await expectDeadLink(confirmLink, parked.token);
    expect(await accountOf(user.id)).toEqual({ email: user.email, pending_email: null });
    // The session that changed the password goes on, and shows the change ended.
    const mine = await invoke(me, { headers: bearer(user.accessToken) });
    expect(mine.body.data).toMatchObject({ email: user.email, pendingEmail: null });
  });

  it('a password reset: the link answers as an unknown token and pendingEmail is null', async () => {
    const user = await registerUser();
    const parked = await parkChange(user);

    const reply = await resetWith(await resetLinkFor(user.email));

    expect(reply.status).toBe(200);
    expect(reply.body.data.user).toMatchObject({ email: user.email, pendingEmail: null });
    await expectDeadLink(confirmLink, parked.token);
    expect(await accountOf(user.id)).toEqual({ email: user.email, pending_email: null });
  });

  it('logout-all: the link answers as an unknown token and pendingEmail is null', async () => {
    const user = await registerUser();
    const parked = await parkChange(user);

    const reply = await post(logoutAll, '/api/v1/auth/logout-all', undefined, bearer(user.accessToken));

    expect(reply.status).toBe(204);
    await expectDeadLink(confirmLink, parked.token);
    expect(await accountOf(user.id)).toEqual({ email: user.email, pending_email: null });
  });

  it('keeps the change asked for in the same request as a new password', async () => {
    const user = await registerUser();
    await parkChange(user);
    const mine = uniqueEmail('mine');

    const reply = await patchMe(user, { email: mine, password: NEW_PASSWORD, currentPassword: PASSWORD });
    const confirmed = await confirmLink(await linkTo(mine, 'confirm-email-change'));

    expect(reply.body.data.pendingEmail).toBe(mine);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.data.user).toMatchObject({ email: mine, pendingEmail: null });
  });
});

describe('a confirmed email change', () => {
  it('ends the reset and verification links mailed to the old address', async () => {
    const user = await registerUser();
    const verifyLink = await linkTo(user.email, 'verify-email');
    const resetLink = await resetLinkFor(user.email);
    const next = uniqueEmail('moved');
    await patchMe(user, { email: next, currentPassword: PASSWORD });

    const confirmed = await confirmLink(await linkTo(next, 'confirm-email-change'));

    expect(confirmed.status).toBe(200);
    await expectDeadLink(resetWith, resetLink);
    await expectDeadLink(confirmLink, verifyLink);
    expect((await accountOf(user.id))?.email).toBe(next);
    // A link asked for after the change works.
    expect((await resetWith(await resetLinkFor(next))).status).toBe(200);
  });
});

describe('squatting', () => {
  it('a change parked before the owner took the account back by a reset cannot take it from them', async () => {
    // Someone registers the victim's address first and parks a change to an address of theirs.
    const victimEmail = uniqueEmail('victim');
    const squatter = await registerUser(victimEmail);
    const parked = await parkChange(squatter);

    // The victim, who owns the mailbox, resets the password and uses the account.
    const taken = await resetWith(await resetLinkFor(victimEmail), 'the victim chose this one');
    expect(taken.status).toBe(200);

    await expectDeadLink(confirmLink, parked.token);
    expect(await accountOf(squatter.id)).toEqual({ email: victimEmail, pending_email: null });
    const signIn = await post(login, '/api/v1/auth/login', { email: parked.address, password: PASSWORD });
    expect(signIn.status).toBe(401);
  });
});
