import * as common from '@zxcvbn-ts/language-common';
import * as v from 'valibot';
import { describe, expect, it, vi } from 'vitest';

// Counts Argon2 work (the library's calls, passed through): a refusal must not pay for a hash.
const argon2Calls = vi.hoisted(() => ({ hash: 0 }));
vi.mock('@node-rs/argon2', async (importOriginal) => {
  const original = await importOriginal<typeof import('@node-rs/argon2')>();
  return {
    ...original,
    hash: (...args: Parameters<typeof original.hash>) => {
      argon2Calls.hash++;
      return original.hash(...args);
    },
  };
});

import { hash as argon2Hash } from '@node-rs/argon2';
import { estimateStrength, newPassword } from '#lib/auth/new-password.ts';
import { ARGON2_OPTIONS } from '#lib/auth/passwords.ts';
import { database } from '#lib/infra/database.ts';
import { deliverEmails } from '#lib/mail/outbox.ts';
import { handler as login } from '../../functions/auth-login.ts';
import { handler as forgot } from '../../functions/auth-password-forgot.ts';
import { handler as reset } from '../../functions/auth-password-reset.ts';
import { handler as register } from '../../functions/auth-register.ts';
import { handler as updateMe } from '../../functions/users-me-update.ts';
import { bearer, PASSWORD, registerUser, uniqueEmail } from '../helpers/auth.ts';
import { invoke } from '../helpers/lambda.ts';
import { smtpCatcher, tokenIn } from '../helpers/smtp.ts';

const smtp = await smtpCatcher();

const { sql } = database();

type Handler = Parameters<typeof invoke>[0];
const post = (handler: Handler, body: unknown) => invoke(handler, { method: 'POST', body });
const signIn = (email: string, password: string) => post(login, { email, password });
const registerWith = (password: string) => post(register, { email: uniqueEmail('pw'), password });

/** Typed with ligatures and full-width letters; its NFKC form is plain ASCII. */
const TYPED = 'ﬁreﬂy ﬁeld ｌａｎｔｅｒｎ';
const NORMAL = 'firefly field lantern';

describe('new passwords', () => {
  it.each([
    ['Qwerty123!', 'is too easy to guess; choose a longer one, such as a few unrelated words'],
    ['Summer2026!', 'is too easy to guess; choose a longer one, such as a few unrelated words'],
    ['01234567', 'is too easy to guess; choose a longer one, such as a few unrelated words'],
    ['abababab', 'is too easy to guess; choose a longer one, such as a few unrelated words'],
    ['P@ssw0rd2024', 'is too easy to guess; choose a longer one, such as a few unrelated words'],
    [`${'\u200b'.repeat(7)}a`, 'must not contain invisible or control characters'],
  ])('refuse %j as too weak with a 400 naming the password', async (password, message) => {
    const reply = await registerWith(password);

    expect(reply.status).toBe(400);
    expect(reply.body.error.details).toEqual([{ path: 'password', message }]);
  });

  it.each([
    ['a zero-width space', 'correct horse\u200b battery staple'],
    ['a zero-width joiner', 'correct horse\u200d battery staple'],
    ['a right-to-left override', 'correct horse \u202ebattery staple'],
    ['a bidirectional isolate', 'correct horse \u2066battery\u2069 staple'],
    ['a byte order mark', '\ufeffcorrect horse battery staple'],
    ['a soft hyphen', 'correct horse bat\u00adtery staple'],
    ['a tab', 'correct horse\tbattery staple'],
    ['a line break', 'correct horse\nbattery staple'],
    ['a Hangul filler', 'correct horse\u3164battery staple'],
    ['a tag character', 'correct horse battery staple\u{e0041}'],
  ])('refuse a password with %s, saying so', async (_, password) => {
    const reply = await registerWith(password);

    expect(reply.status).toBe(400);
    expect(reply.body.error.details).toEqual([
      { path: 'password', message: 'must not contain invisible or control characters' },
    ]);
  });

  it('accept the test suite\u2019s passwords and emoji with variation selectors', async () => {
    for (const password of [PASSWORD, 'correct horse battery', 'a long unguessable passphrase', '❤️ my cat sleeps ☀️']) {
      expect(v.safeParse(newPassword, password).success, password).toBe(true);
    }
  });

  it('refuse every 100th of the 10,000 most common passwords, as the exact-match list did', () => {
    const list = common.dictionary['passwords-common'].filter((password) => password.length >= 8).slice(0, 10_000);
    const accepted = list
      .filter((_, index) => index % 100 === 0)
      .filter((password) => v.safeParse(newPassword, password).success);

    expect(list).toHaveLength(10_000);
    expect(accepted).toEqual([]);
  });

  it('judge a 128-character password quickly, whatever its shape', () => {
    estimateStrength('warm up: the first check builds the estimator');
    const shapes = [
      Array.from({ length: 128 }, (_, i) => String.fromCharCode(33 + ((i * 7919) % 90))).join(''),
      '1234567890'.repeat(13).slice(0, 128),
      '4@8(6<3€9!1|0$5+7%2'.repeat(7).slice(0, 128),
      'Zq8#mW2$pL9!vR4&tY7*'.repeat(7).slice(0, 128),
      'p@55w0rd'.repeat(16),
    ];

    for (const password of shapes) {
      const times = [1, 2, 3].map(() => {
        const started = performance.now();
        estimateStrength(password);
        return performance.now() - started;
      });
      // With the library's defaults these took 2 to 3 s each; bounded, tens of milliseconds (the
      // fastest of three, so a busy machine does not decide).
      expect(Math.min(...times), password).toBeLessThan(250);
    }
  });

  it('apply to a password change and a reset too', async () => {
    const user = await registerUser();
    const change = await invoke(updateMe, {
      method: 'PATCH',
      headers: bearer(user.accessToken),
      body: { password: 'Summer2026!', currentPassword: PASSWORD },
    });
    expect((await post(forgot, { email: user.email })).status).toBe(202);
    await deliverEmails();
    const token = tokenIn(smtp.to(user.email).at(-1), 'reset-password');
    const weakReset = await post(reset, { token, password: 'Qwerty123!' });
    const strongReset = await post(reset, { token, password: 'a sturdy new passphrase' });

    expect(change.status).toBe(400);
    expect(weakReset.status).toBe(400);
    expect(weakReset.body.error.details.map((detail: { path: string }) => detail.path)).toEqual(['password']);
    expect(strongReset.status).toBe(200);
  });
});

describe('password normalisation (NFKC)', () => {
  it('stores the NFKC form, so the password typed on another keyboard signs in', async () => {
    const email = uniqueEmail('nfkc');
    expect((await post(register, { email, password: TYPED })).status).toBe(201);

    expect((await signIn(email, NORMAL)).status).toBe(200);
    expect((await signIn(email, TYPED)).status).toBe(200);
    expect((await signIn(email, 'firefly field lanterns')).status).toBe(401);
  });

  it('treat composed and decomposed accents as one password', async () => {
    const email = uniqueEmail('accents');
    const composed = 'crème brûlée à minuit';
    expect((await post(register, { email, password: composed.normalize('NFD') })).status).toBe(201);

    expect((await signIn(email, composed.normalize('NFC'))).status).toBe(200);
  });

  it('still verify a hash made before normalisation, typed as before, until the password is set again', async () => {
    const user = await registerUser();
    const legacy = await argon2Hash(TYPED, ARGON2_OPTIONS);
    await sql`update users set password_hash = ${legacy} where id = ${user.id}`;

    const typed = await signIn(user.email, TYPED);
    const normal = await signIn(user.email, NORMAL);
    const changed = await invoke(updateMe, {
      method: 'PATCH',
      headers: bearer(typed.body.data.tokens.accessToken),
      body: { password: `${TYPED} ２`, currentPassword: TYPED },
    });

    expect(typed.status).toBe(200);
    // The stored form is the typed one: its NFKC form is another password until it is set again.
    expect(normal.status).toBe(401);
    expect(changed.status).toBe(200);
    expect((await signIn(user.email, `${NORMAL} 2`)).status).toBe(200);
    expect((await signIn(user.email, `${TYPED} ２`)).status).toBe(200);
  });
});

describe('POST /auth/password/reset', () => {
  it('checks the token before hashing: an unknown or spent one costs no Argon2 hash', async () => {
    const user = await registerUser();
    expect((await post(forgot, { email: user.email })).status).toBe(202);
    await deliverEmails();
    const token = tokenIn(smtp.to(user.email).at(-1), 'reset-password');

    const before = argon2Calls.hash;
    const unknown = await post(reset, { token: 'A'.repeat(43), password: 'a sturdy new passphrase' });
    const afterUnknown = argon2Calls.hash;
    const used = await post(reset, { token, password: 'a sturdy new passphrase' });
    const afterUse = argon2Calls.hash;
    const spent = await post(reset, { token, password: 'another sturdy passphrase' });

    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('INVALID_ONE_TIME_TOKEN');
    expect(afterUnknown - before).toBe(0);
    expect(used.status).toBe(200);
    expect(afterUse - afterUnknown).toBe(1);
    expect(spent.status).toBe(400);
    expect(spent.body.error.code).toBe('INVALID_ONE_TIME_TOKEN');
    expect(argon2Calls.hash - afterUse).toBe(0);
  });
});
