import * as v from 'valibot';
import { emailRule, resourceId, text, timestamp } from '#lib/core/schema.ts';

/** Request and response schemas of the auth routes: the one source for their types, validation and documentation. */

export const email = v.pipe(
  text({ max: 254, trim: true }),
  v.toLowerCase(),
  ...emailRule,
  v.description('trimmed and lower-cased; unique regardless of case; matches the pattern after trimming'),
  v.examples(['ada@example.com']),
);

/** A password being checked rather than set: only the length cap, so no hash ever runs on a huge input. */
export const givenPassword = v.pipe(text({ min: 1, max: 128 }), v.examples(['correct horse battery staple']));

export const LoginBody = v.strictObject({ email, password: givenPassword });

const refreshToken = v.pipe(
  text({ min: 1, max: 512 }),
  v.regex(/^[A-Za-z0-9_-]+$/, 'is not a refresh token'),
  v.description('the refreshToken of the latest token pair'),
);

/** The token of an emailed link, as the app read it from the link's fragment. */
export const oneTimeToken = v.pipe(
  text({ min: 1, max: 512 }),
  v.regex(/^[A-Za-z0-9_-]+$/, 'is not a link token'),
  v.description("the `token` from the emailed link's fragment (`#token=…`)"),
  v.examples(['q3J0c2VjcmV0LXRva2VuLWZyb20tdGhlLWVtYWlsLWxpbms']),
);

export const RefreshBody = v.strictObject({ refreshToken });

export const LogoutBody = v.strictObject({ refreshToken: v.optional(refreshToken) });

const seconds = (description: string, example: number) =>
  v.pipe(v.number(), v.integer(), v.minValue(0), v.description(description), v.examples([example]));

export const Tokens = v.strictObject({
  accessToken: v.pipe(v.string(), v.description('a JWT; send it as `Authorization: Bearer <accessToken>`')),
  refreshToken: v.pipe(
    v.string(),
    v.description('opaque; spend it once at POST /api/v1/auth/refresh for a new pair'),
    v.examples(['Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXg']),
  ),
  tokenType: v.literal('Bearer'),
  expiresIn: seconds('seconds until the access token expires', 900),
  refreshExpiresIn: seconds('seconds until the refresh token expires', 604_800),
});

export type Tokens = v.InferOutput<typeof Tokens>;

export const Refreshed = v.strictObject({ tokens: Tokens });

/** A live login session of the caller. */
export const Session = v.strictObject({
  id: resourceId,
  createdAt: timestamp,
  lastUsedAt: timestamp,
  expiresAt: v.pipe(timestamp, v.description('the absolute end of the session; refreshing never extends it')),
  userAgent: v.pipe(v.nullable(v.string()), v.examples(['Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X)'])),
  ip: v.pipe(v.nullable(v.string()), v.examples(['203.0.113.10'])),
  current: v.pipe(v.boolean(), v.description('whether this is the session of the calling access token')),
});

export type Session = v.InferOutput<typeof Session>;
