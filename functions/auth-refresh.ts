import { route } from '#lib/http.ts';
import { ok } from '#lib/responses.ts';
import { RefreshBody } from '#lib/schemas/auth.ts';
import { rotateRefreshToken } from '#lib/sessions.ts';

/** POST /api/v1/auth/refresh: spends the refresh token and issues a new pair. */
export const handler = route(
  { auth: 'none', rateLimit: 'refresh', body: RefreshBody },
  async function refresh({ body }) {
    return ok({ tokens: await rotateRefreshToken(body.refreshToken) });
  },
);
