import * as v from 'valibot';
import commonPasswords from '../data/common-passwords.json' with { type: 'json' };
import { text } from '../validation.ts';
import { email, givenPassword } from './auth.ts';

/**
 * The bodies that set a password, apart from the other schemas: they carry the 10,000-entry
 * common-password list (about 110 KB), which then ships only in the functions that need it.
 */

const COMMON = new Set<string>(commonPasswords);

const isCommonPassword = (password: string) => COMMON.has(password.toLowerCase());

/** 8 to 128 code points, any characters, never trimmed, not on the common-password list. */
export const newPassword = v.pipe(
  text({ min: 8, max: 128 }),
  v.check((password) => !isCommonPassword(password), 'is too common; choose a less guessable password'),
  v.description(
    '8 to 128 characters, any characters, never trimmed; one of the 10,000 most common passwords is refused',
  ),
  v.examples(['correct horse battery staple']),
);

export const RegisterBody = v.strictObject({ email, password: newPassword });

export const UpdateMeBody = v.pipe(
  v.strictObject({
    email: v.optional(email),
    password: v.optional(newPassword),
    currentPassword: v.pipe(givenPassword, v.description('proves it is you')),
  }),
  v.check((body) => body.email !== undefined || body.password !== undefined, 'must change email or password'),
  v.description('at least one of email and password; a new password ends every other session'),
);
