import { ZxcvbnFactory, type ZxcvbnResult } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';
import * as v from 'valibot';
import { normalisePassword } from '#lib/auth/passwords.ts';
import { documentedAs, text } from '#lib/core/schema.ts';

/**
 * The rule for a password being set (register, reset, change). It carries the strength
 * estimator's dictionaries (about 1.5 MB), so only the routes that set a password import it:
 * their bodies are defined in their declarations (lib/http/routes/auth-register.ts,
 * auth-password-reset.ts, users-me-update.ts), not beside the other schemas, which every auth
 * and user route loads. (esbuild keeps any top-level schema of a module it bundles, used or not.)
 */

/**
 * Invisible characters: controls (Cc: line breaks, tabs, escapes), format characters (Cf:
 * zero-width spaces and joiners, bidirectional controls, soft hyphens), line and paragraph
 * separators, unassigned code points (their normal form may change once assigned) and the other
 * default-ignorable ones (Hangul fillers, the combining grapheme joiner). Variation selectors
 * stay: phones add them to emoji. Such a password looks like another, or like less than it is.
 */
const INVISIBLE =
  /[\p{Cc}\p{Cf}\p{Cn}\p{Zl}\p{Zp}]|(?![\u{FE00}-\u{FE0F}\u{E0100}-\u{E01EF}])\p{Default_Ignorable_Code_Point}/u;

/** One character repeated (`aaaaaaaa`, eight spaces), counted in code points. */
const isOneCharacter = (password: string) => new Set(password).size === 1;

/** zxcvbn's score, 0 to 4: 3 is "safely unguessable" (about 10^8 guesses and more). */
export const MIN_STRENGTH = 3;

/**
 * zxcvbn judges the first 64 characters (a prefix can only be underrated, never overrated), and stops
 * unmunging l33t after 4 substitutions: its matching grows faster than the length, and a
 * 128-character password took seconds with the defaults (docs/security.md, the measured times).
 */
const ESTIMATED_LENGTH = 64;

let estimator: ZxcvbnFactory | undefined;

/** Built on first use, not at import: ranking the dictionaries takes a few hundred milliseconds. */
export function estimateStrength(password: string): ZxcvbnResult {
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...english.dictionary },
    graphs: common.adjacencyGraphs,
    translations: english.translations,
    maxLength: ESTIMATED_LENGTH,
    l33tMaxSubstitutions: 4,
  });
  return estimator.check(password);
}

/** Why a password is too weak, or undefined when it is strong enough. */
function weakness(password: string): string | undefined {
  const { score, sequence } = estimateStrength(password);
  if (score >= MIN_STRENGTH) return undefined;
  const [only] = sequence;
  const listed = sequence.length === 1 && only?.pattern === 'dictionary' && only.dictionaryName === 'passwords-common';
  return listed
    ? 'is too common; choose a less guessable password'
    : 'is too easy to guess; choose a longer one, such as a few unrelated words';
}

const DESCRIPTION =
  'Unicode NFKC-normalised first (the form that is stored and compared, so `ﬁ` and `fi` are one ' +
  'password), then 8 to 128 characters, any characters, never trimmed. Refused: control, format and ' +
  'other invisible characters (zero-width spaces and joiners, bidirectional controls, line breaks), ' +
  'one character repeated, the word `taskapi`, the email\u2019s local part (4+ characters), and a ' +
  'password the zxcvbn estimator (common passwords, English words and names, keyboard patterns, ' +
  `dates, sequences) scores below ${MIN_STRENGTH} of 4, judged on its first ${ESTIMATED_LENGTH} characters.`;

/**
 * The schema checks what the password alone shows; the local-part rule needs the account, so the
 * routes check it with `passwordMentionsEmail` (lib/auth/passwords.ts).
 */
export const newPassword = v.pipe(
  v.string('must be a string'),
  documentedAs<string>({
    type: 'string',
    minLength: 8,
    maxLength: 128,
    description: DESCRIPTION,
    examples: ['correct horse battery staple'],
  }),
  v.transform(normalisePassword),
  text({ min: 8, max: 128 }),
  v.check((password) => !INVISIBLE.test(password), 'must not contain invisible or control characters'),
  v.check((password) => !isOneCharacter(password), 'is one character repeated; choose a less guessable password'),
  v.check((password) => !/taskapi/i.test(password), 'contains the name of this service; choose another password'),
  v.rawCheck(({ dataset, addIssue }) => {
    const message = dataset.typed ? weakness(dataset.value) : undefined;
    if (message) addIssue({ message });
  }),
);
