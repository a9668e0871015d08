import * as v from 'valibot';
import commonPasswords from '#lib/auth/common-passwords.json' with { type: 'json' };
import { text } from '#lib/http/validation.ts';

/**
 * The rule for a password being set (register, change). It carries the 10,000-entry
 * common-password list (about 110 KB): nothing here runs at import, so a bundle that never
 * reaches `newPassword` leaves the list out (the deploy test checks which bundles hold it).
 */

let common: Set<string> | undefined;

const isCommonPassword = (password: string) => {
  common ??= new Set<string>(commonPasswords);
  return common.has(password.toLowerCase());
};

/** 8 to 128 code points, any characters, never trimmed, not on the common-password list. */
export const newPassword = v.pipe(
  text({ min: 8, max: 128 }),
  v.check((password) => !isCommonPassword(password), 'is too common; choose a less guessable password'),
  v.description(
    '8 to 128 characters, any characters, never trimmed; one of the 10,000 most common passwords is refused',
  ),
  v.examples(['correct horse battery staple']),
);
