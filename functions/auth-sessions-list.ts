import { route } from '#lib/http.ts';
import { ok } from '#lib/responses.ts';
import { listSessions } from '#lib/sessions.ts';

/** GET /api/v1/auth/sessions: the caller's live sessions, most recently used first. */
export const handler = route({ auth: 'user' }, async function sessions({ auth }) {
  return ok(await listSessions(auth.userId, auth.sessionId));
});
