import { rotateRefreshToken } from '#lib/auth/sessions.ts';
import { ok } from '#lib/http/responses.ts';
import { route } from '#lib/http/route.ts';
import { declaration } from '#lib/http/routes/auth-refresh.ts';

export const handler = route(declaration, async function refresh({ body, ip, userAgent, rateLimit }) {
  return ok({ tokens: await rotateRefreshToken(body.refreshToken, { ip, userAgent }, rateLimit) });
});
