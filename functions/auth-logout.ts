import { route } from '#lib/http.ts';
import { noContent } from '#lib/responses.ts';
import { LogoutBody } from '#lib/schemas/auth.ts';
import { revokeSession, revokeSessionOfRefreshToken } from '#lib/sessions.ts';

/** POST /api/v1/auth/logout: ends the caller's session (and the given refresh token's, if theirs). */
export const handler = route(
  { auth: 'user', body: LogoutBody, bodyOptional: true },
  async function logout({ auth, body }) {
    await revokeSession(auth.userId, auth.sessionId, 'logout');
    if (body.refreshToken) await revokeSessionOfRefreshToken(auth.userId, body.refreshToken, 'logout');
    return noContent();
  },
);
