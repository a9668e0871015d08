import { type Algorithm, hash, verify } from '@node-rs/argon2';

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

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

/** A malformed stored hash counts as a mismatch rather than an error. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password, ARGON2_OPTIONS);
  } catch {
    return false;
  }
}
