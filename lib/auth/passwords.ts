import type { Algorithm } from '@node-rs/argon2';

/**
 * The native addon is imported on first use, not at the top: a route's bundle then ships it
 * only when the route can reach a hash or a verification (see serverless.yml).
 */
const argon2 = () => import('@node-rs/argon2');

/**
 * Argon2id at OWASP's minimum (19 MiB, 2 passes, 1 lane), set explicitly because the
 * library's defaults are below it.
 */
export const ARGON2_OPTIONS = {
  // Algorithm.Argon2id; the package exports it as a const enum, which type stripping cannot inline.
  algorithm: 2 as Algorithm.Argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

/**
 * The hash of a random password nobody knows, with the same parameters: logins for unknown
 * emails verify against it so they cost as much as a wrong password for a real account.
 */
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$rpC2wP+fGs9OelNAZ3JKZQ$MTukt7r7GNCcdsMjNAoQfEUlG5PkN8yaPlxqG/tgu6A';

/**
 * Passwords are compared in Unicode NFKC form: the same password typed on another keyboard or
 * system (composed or decomposed accents, full-width letters, ligatures) is the same password.
 */
export const normalisePassword = (password: string) => password.normalize('NFKC');

export async function hashPassword(password: string): Promise<string> {
  const { hash } = await argon2();
  return hash(normalisePassword(password), ARGON2_OPTIONS);
}

/** A malformed stored hash counts as a mismatch rather than an error. */
async function matches(passwordHash: string, password: string): Promise<boolean> {
  const { verify } = await argon2();
  try {
    return await verify(passwordHash, password, ARGON2_OPTIONS);
  } catch {
    return false;
  }
}

/**
 * Hashes made before passwords were normalised hold the password as it was typed: when the NFKC
 * form does not match, the typed form is tried too, so those accounts still sign in (typed as
 * before). That second Argon2 verification happens only for input that NFKC changes, whatever
 * the account, so its time tells nothing about the account (the dummy verification does the
 * same). Such a hash is not rewritten at sign-in: it is replaced when the password is next set
 * (change or reset), which stores the NFKC form.
 */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  const normal = normalisePassword(password);
  if (await matches(passwordHash, normal)) return true;
  return normal !== password && matches(passwordHash, password);
}

/** Spends the same time as a real verification and always fails. */
export async function verifyAgainstDummy(password: string): Promise<false> {
  await verifyPassword(DUMMY_HASH, password);
  return false;
}

/**
 * Whether a new password contains the local part of the account's email (4+ characters), the
 * first guess of anyone who knows the address. Needs the account, so the schema cannot check it.
 */
export function passwordMentionsEmail(password: string, ...emails: (string | undefined)[]): boolean {
  const lowered = password.toLowerCase();
  return emails.some((email) => {
    const local = email?.trim().toLowerCase().split('@')[0] ?? '';
    return local.length >= 4 && lowered.includes(local);
  });
}
