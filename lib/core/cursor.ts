import { createHmac, timingSafeEqual } from 'node:crypto';
import { validationError } from '#lib/core/errors.ts';
import { config } from '#lib/infra/config.ts';

/**
 * Opaque cursors (list pages, delta sync): base64url JSON and an HMAC over it, keyed from
 * JWT_SECRET for this one purpose. The payload names the caller and the query it continues, so
 * a forged, altered, foreign or malformed cursor is a 400, never a 500 nor another user's rows.
 */

let key: Buffer | undefined;
const cursorKey = () => {
  key ??= createHmac('sha256', config().JWT_SECRET).update('taskapi cursor v1').digest();
  return key;
};

const mac = (payload: string) => createHmac('sha256', cursorKey()).update(payload).digest().subarray(0, 18);

export function signCursor(value: object): string {
  const payload = Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${payload}.${mac(payload).toString('base64url')}`;
}

/** The payload of a cursor this server issued, or a 400 naming `parameter`. */
export function readCursor(cursor: string, parameter: string): Record<string, unknown> {
  const invalid = () =>
    validationError([{ path: parameter, message: 'is not a cursor this API issued for this query' }]);
  const [payload, signature, ...rest] = cursor.split('.');
  if (!payload || !signature || rest.length > 0) throw invalid();
  const given = Buffer.from(signature, 'base64url');
  const expected = mac(payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
  try {
    const value: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Falls through: a signed payload that is not an object is still not a cursor.
  }
  throw invalid();
}
