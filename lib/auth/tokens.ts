import { createHash, randomBytes, webcrypto } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { AppError } from '#lib/core/errors.ts';
import { config, secret } from '#lib/infra/config.ts';
import type { Role } from '#lib/users/schemas.ts';

/**
 * Access tokens are short-lived JWTs (HS256, pinned); refresh tokens are opaque random values
 * of which only a SHA-256 hash is stored.
 */

// A WebCrypto key imported once: jose works on CryptoKeys and would otherwise import the key
// (from bytes or a KeyObject) on every signature and verification, a third of its cost.
let signingKey: Promise<webcrypto.CryptoKey> | undefined;
const key = () => {
  signingKey ??= webcrypto.subtle.importKey(
    'raw',
    Buffer.from(secret('JWT_SECRET')),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign', 'verify'],
  );
  return signingKey;
};
const ISSUER = 'taskapi';
const AUDIENCE = 'taskapi-api';
const ALGORITHM = 'HS256';
/** Tolerated clock skew between Lambda instances, in seconds. */
const CLOCK_TOLERANCE = 5;

/** User and session ids are UUIDs; anything else in a token must not reach a uuid column. */
const UUID = /^[\da-f]{8}(?:-[\da-f]{4}){3}-[\da-f]{12}$/i;

export interface AccessClaims {
  userId: string;
  role: Role;
  sessionId: string;
}

export async function signAccessToken(claims: AccessClaims): Promise<string> {
  return new SignJWT({ role: claims.role, sid: claims.sessionId, typ: 'access' })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setSubject(claims.userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${config().ACCESS_TOKEN_TTL}s`)
    .sign(await key());
}

/** Verifies signature, algorithm, issuer, audience and a required `exp`; maps failures to 401 codes. */
export async function verifyAccessToken(token: string): Promise<AccessClaims> {
  try {
    const { payload } = await jwtVerify(token, await key(), {
      algorithms: [ALGORITHM],
      issuer: ISSUER,
      audience: AUDIENCE,
      requiredClaims: ['exp', 'iat', 'sub', 'sid'],
      clockTolerance: CLOCK_TOLERANCE,
    });
    const { sub, sid, role, typ } = payload;
    if (
      typ !== 'access' ||
      typeof sub !== 'string' ||
      typeof sid !== 'string' ||
      !UUID.test(sub) ||
      !UUID.test(sid) ||
      (role !== 'USER' && role !== 'ADMIN')
    ) {
      throw new AppError('TOKEN_INVALID', 'The access token is not valid');
    }
    return { userId: sub, role, sessionId: sid };
  } catch (error) {
    if (error instanceof AppError) throw error;
    if (error instanceof errors.JWTExpired) throw new AppError('TOKEN_EXPIRED', 'The access token has expired');
    throw new AppError('TOKEN_INVALID', 'The access token is not valid');
  }
}

/** 256 bits from the CSPRNG, URL-safe. */
export const newRefreshToken = () => randomBytes(32).toString('base64url');

export const hashRefreshToken = (token: string) => createHash('sha256').update(token).digest('hex');
