import { createHmac, hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { emailHash } from '#lib/audit/audit.ts';
import { derivedKey } from '#lib/core/keys.ts';
import { normaliseEmail } from '#lib/core/schema.ts';
import { secret } from '#lib/infra/config.ts';
import { emailSubject } from '#lib/infra/rate-limit.ts';

/** Every HMAC or cipher has a key of its own, derived from JWT_SECRET with HKDF-SHA256. */

const hmac = (key: Buffer | string, email: string) =>
  createHmac('sha256', key).update(normaliseEmail(email)).digest('base64url');

describe('derived keys', () => {
  it('are HKDF-SHA256 of JWT_SECRET with the purpose as info: 32 bytes, one per purpose', () => {
    const jwtSecret = secret('JWT_SECRET');

    expect(derivedKey('cursor')).toEqual(Buffer.from(hkdfSync('sha256', jwtSecret, '', 'cursor', 32)));
    expect(derivedKey('cursor')).toHaveLength(32);
    expect(derivedKey('cursor')).not.toEqual(derivedKey('audit email'));
    expect(derivedKey('cursor').toString('latin1')).not.toContain(jwtSecret);
  });

  it('key the rate limits\u2019 email hash, not the raw JWT_SECRET', () => {
    const email = 'Ada@Example.com';

    expect(emailSubject(email)).toBe(`email:${hmac(derivedKey('rate-limit email'), email)}`);
    expect(emailSubject(email)).not.toBe(`email:${hmac(secret('JWT_SECRET'), email)}`);
  });

  it('key the audit log\u2019s email hash with another key than the rate limits\u2019', () => {
    const email = 'ada@example.com';

    expect(emailHash(email)).toBe(hmac(derivedKey('audit email'), email));
    expect(`email:${emailHash(email)}`).not.toBe(emailSubject(email));
  });
});
