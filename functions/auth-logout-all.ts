import { revokeAllSessions } from '#lib/auth/sessions.ts';
import { noContent } from '#lib/http/responses.ts';
import { route } from '#lib/http/route.ts';
import { declaration } from '#lib/http/routes/auth-logout-all.ts';
import { database } from '#lib/infra/database.ts';

export const handler = route(declaration, async function logoutAll({ auth }) {
  await revokeAllSessions(database().db, auth.userId, 'logout_all');
  return noContent();
});
