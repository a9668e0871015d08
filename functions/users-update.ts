import { ok } from '#lib/http/responses.ts';
import { route } from '#lib/http/route.ts';
import { declaration } from '#lib/http/routes/users-update.ts';
import { setRole } from '#lib/users/users.ts';

/** Never demotes the last admin. */
export const handler = route(declaration, async function updateUser({ auth, params, body, ip, userAgent }) {
  return ok(await setRole(auth, params.id, body.role, { ip, userAgent }));
});
