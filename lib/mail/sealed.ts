import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { derivedKey } from '#lib/core/keys.ts';

/**
 * Outbox payloads at rest (a link's token until the email is sent): AES-256-GCM under a key of
 * their own derived from JWT_SECRET, a random 96-bit nonce per row, and the row's template and
 * recipient as associated data. A copy of the table (a backup, a read-only credential) holds no
 * usable link, and a payload opens only on the row it was written for: moved to another
 * recipient's row by someone who can write the table, it fails to open and is never sent.
 * Stored in the jsonb column as `{ "sealed": base64url(nonce ‖ ciphertext ‖ tag) }`.
 */

const PURPOSE = 'taskapi email-outbox payload v1';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** What an outbox row carries: the template's values, or null for a row that stands for no email. */
export type Contents = Record<string, string> | null;

export interface Sealed {
  sealed: string;
}

export const isSealed = (payload: Record<string, unknown>): payload is { sealed: string } =>
  typeof payload.sealed === 'string';

const associatedData = (row: { template: string; recipient: string }) =>
  Buffer.from(`${row.template}\n${row.recipient}`, 'utf8');

export function seal(contents: Contents, row: { template: string; recipient: string }): Sealed {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', derivedKey(PURPOSE), nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(row));
  const body = Buffer.concat([cipher.update(JSON.stringify(contents), 'utf8'), cipher.final()]);
  return { sealed: Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64url') };
}

/** The contents of a sealed payload; throws if it was altered, moved or sealed under another secret. */
export function unseal(payload: Sealed, row: { template: string; recipient: string }): Contents {
  const bytes = Buffer.from(payload.sealed, 'base64url');
  if (bytes.length < NONCE_BYTES + TAG_BYTES) throw new Error('sealed payload too short');
  const decipher = createDecipheriv('aes-256-gcm', derivedKey(PURPOSE), bytes.subarray(0, NONCE_BYTES), {
    authTagLength: TAG_BYTES,
  });
  decipher.setAAD(associatedData(row));
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  const text = Buffer.concat([
    decipher.update(bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES)),
    decipher.final(),
  ]).toString('utf8');
  return JSON.parse(text) as Contents;
}
