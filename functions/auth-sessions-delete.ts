import { endSession } from '#lib/auth/sessions.ts';
import { noContent } from '#lib/http/responses.ts';
import { route } from '#lib/http/route.ts';
import { declaration } from '#lib/http/routes/auth-sessions-delete.ts';

export const handler = route(declaration, async function deleteSession({ auth, params, ip, userAgent }) {
  await endSession(auth, params.id, { ip, userAgent });
  return noContent();
});
