import * as v from 'valibot';
import commonPasswords from '#lib/auth/common-passwords.json' with { type: 'json' };
import { text } from '#lib/core/schema.ts';

/**
 * The rule for a password being set (register, change). It carries the 10,000-entry
 * common-password list (about 110 KB), so only the routes that set a password import it:
 * their bodies are defined in their declarations (lib/http/routes/auth-register.ts,
 * users-me-update.ts), not beside the other schemas, which every auth and user route loads.
 * (esbuild keeps any top-level schema of a module it bundles, used or not.)
 */

const COMMON = new Set<string>(commonPasswords);

const isCommonPassword = (password: string) => COMMON.has(password.toLowerCase());

/** One character repeated (`aaaaaaaa`, eight spaces), counted in code points. */
const isOneCharacter = (password: string) => new Set(password).size === 1;

/**
 * 8 to 128 code points, any characters, never trimmed, not on the common-password list, not one
 * character repeated, not containing the product's name. The rule on the email's local part
 * needs the account, so the routes check it with `passwordMentionsEmail` (lib/auth/passwords.ts).
 */
export const newPassword = v.pipe(
  text({ min: 8, max: 128 }),
  v.check((password) => !isCommonPassword(password), 'is too common; choose a less guessable password'),
  v.check((password) => !isOneCharacter(password), 'is one character repeated; choose a less guessable password'),
  v.check((password) => !/taskapi/i.test(password), 'contains the name of this service; choose another password'),
  v.description(
    "8 to 128 characters, any characters, never trimmed; refused: one of the 10,000 most common passwords, one character repeated, the word `taskapi`, or the email's local part (4+ characters)",
  ),
  v.examples(['correct horse battery staple']),
);
