import { hkdfSync } from 'node:crypto';
import { secret } from '#lib/infra/config.ts';

/**
 * One key per purpose, derived from JWT_SECRET with HKDF-SHA256 (the purpose is HKDF's `info`):
 * a key used for one thing (encrypting outbox payloads, keying a hash) tells nothing about the
 * secret or about another purpose's key. 32 bytes: an AES-256 or HMAC-SHA256 key. Derived once
 * per purpose while the secret stays the same.
 */

const keys = new Map<string, Buffer>();
let derivedFrom: string | undefined;

export function derivedKey(purpose: string): Buffer {
  const jwtSecret = secret('JWT_SECRET');
  if (derivedFrom !== jwtSecret) {
    keys.clear();
    derivedFrom = jwtSecret;
  }
  let key = keys.get(purpose);
  if (!key) {
    key = Buffer.from(hkdfSync('sha256', jwtSecret, '', purpose, 32));
    keys.set(purpose, key);
  }
  return key;
}
