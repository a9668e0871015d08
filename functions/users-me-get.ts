import { route } from '#lib/http.ts';
import { ok } from '#lib/responses.ts';
import { getUser } from '#lib/users.ts';

/** GET /api/v1/users/me: the caller's own account. */
export const handler = route({ auth: 'user' }, async function me({ auth }) {
  return ok(await getUser(auth.userId));
});
