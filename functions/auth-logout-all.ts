import { db } from '#db/client.ts';
import { route } from '#lib/http.ts';
import { noContent } from '#lib/responses.ts';
import { revokeAllSessions } from '#lib/sessions.ts';

/** POST /api/v1/auth/logout-all: ends every session of the caller, this one included. */
export const handler = route({ auth: 'user' }, async function logoutAll({ auth }) {
  await revokeAllSessions(db, auth.userId, 'logout_all');
  return noContent();
});
