import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { validationError } from '#lib/core/errors.ts';
import { derivedKey } from '#lib/core/keys.ts';

/**
 * Opaque cursors (list pages, delta sync): the payload as JSON, encrypted and authenticated with
 * AES-256-GCM under a key of their own (`derivedKey('cursor')`), a random 96-bit nonce each.
 * A client sees random bytes: not the position, not the sync horizon (the server's transaction
 * ids, which would show how fast the whole service writes). The payload names the caller and
 * the query it continues, so a forged, altered, foreign or malformed cursor is a 400, never a
 * 500 nor another user's rows.
 *
 * Layout, base64url: a version byte (also the associated data), the nonce, the ciphertext, the
 * 16-byte tag. Cursors of the earlier, signed-only format hold a `.`, which base64url never
 * does: they are refused (see `isSignedOnlyCursor`).
 */

const VERSION = Buffer.from([1]);
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export function sealCursor(value: object): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', derivedKey('cursor'), nonce);
  cipher.setAAD(VERSION);
  const sealed = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return Buffer.concat([VERSION, nonce, sealed, cipher.getAuthTag()]).toString('base64url');
}

/** The payload of a cursor this server issued, or a 400 naming `parameter`. */
export function readCursor(cursor: string, parameter: string): Record<string, unknown> {
  const invalid = () =>
    validationError([{ path: parameter, message: 'is not a cursor this API issued for this query' }]);
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  const bytes = Buffer.from(cursor, 'base64url');
  if (bytes.length <= 1 + NONCE_BYTES + TAG_BYTES || bytes[0] !== VERSION[0]) throw invalid();
  try {
    const decipher = createDecipheriv('aes-256-gcm', derivedKey('cursor'), bytes.subarray(1, 1 + NONCE_BYTES));
    decipher.setAAD(VERSION);
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    const plain = Buffer.concat([decipher.update(bytes.subarray(1 + NONCE_BYTES, -TAG_BYTES)), decipher.final()]);
    const value: unknown = JSON.parse(plain.toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Falls through: a failed tag (forged or altered) and a payload that is not an object alike.
  }
  throw invalid();
}

/**
 * Whether `cursor` has the shape of the signed-only cursors issued before they were encrypted
 * (base64url JSON, a dot, a signature). Not verified: it only chooses which refusal to give.
 */
export const isSignedOnlyCursor = (cursor: string) => /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(cursor);
