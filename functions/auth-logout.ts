import { logout } from '#lib/auth/sessions.ts';
import { noContent } from '#lib/http/responses.ts';
import { route } from '#lib/http/route.ts';
import { declaration } from '#lib/http/routes/auth-logout.ts';

/** Ends the caller's session, and the given refresh token's if it is theirs. */
export const handler = route(declaration, async function logoutUser({ auth, body, ip, userAgent }) {
  await logout(auth, body.refreshToken, { ip, userAgent });
  return noContent();
});
