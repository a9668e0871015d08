import * as v from 'valibot';
import { isCommonPassword } from '../passwords.ts';
import { text } from '../validation.ts';

/** Request schemas of the auth routes: the one source for their types and validation. */

export const email = v.pipe(text({ max: 254, trim: true }), v.toLowerCase(), v.email('must be a valid email address'));

/** 8 to 128 code points, any characters, never trimmed, not on the common-password list. */
export const newPassword = v.pipe(
  text({ min: 8, max: 128 }),
  v.check((password) => !isCommonPassword(password), 'is too common; choose a less guessable password'),
);

/** A password being checked rather than set: only the length cap, so no hash ever runs on a huge input. */
export const givenPassword = text({ min: 1, max: 128 });

export const RegisterBody = v.strictObject({ email, password: newPassword });

export const LoginBody = v.strictObject({ email, password: givenPassword });

const refreshToken = v.pipe(text({ min: 1, max: 512 }), v.regex(/^[A-Za-z0-9_-]+$/, 'is not a refresh token'));

export const RefreshBody = v.strictObject({ refreshToken });

export const LogoutBody = v.strictObject({ refreshToken: v.optional(refreshToken) });
