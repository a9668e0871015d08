import { logoutAll } from '#lib/auth/credentials.ts';
import { noContent } from '#lib/http/responses.ts';
import { route } from '#lib/http/route.ts';
import { declaration } from '#lib/http/routes/auth-logout-all.ts';

export const handler = route(declaration, async function logoutEverywhere({ auth, ip, userAgent }) {
  await logoutAll(auth, { ip, userAgent });
  return noContent();
});
