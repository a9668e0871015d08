import { route } from '#lib/http.ts';
import { ok } from '#lib/responses.ts';
import { getUser } from '#lib/users.ts';
import { idPath } from '#lib/validation.ts';

/** GET /api/v1/users/{id} (admin). */
export const handler = route({ auth: 'admin', path: idPath }, async function user({ path }) {
  return ok(await getUser(path.id));
});
