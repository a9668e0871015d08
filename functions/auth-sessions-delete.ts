import { route } from '#lib/http.ts';
import { noContent } from '#lib/responses.ts';
import { endSession } from '#lib/sessions.ts';
import { idPath } from '#lib/validation.ts';

/** DELETE /api/v1/auth/sessions/{id}: ends one of the caller's sessions. */
export const handler = route({ auth: 'user', path: idPath }, async function deleteSession({ auth, path }) {
  await endSession(auth.userId, path.id);
  return noContent();
});
