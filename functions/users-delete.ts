import { noContent } from '#lib/http/responses.ts';
import { route } from '#lib/http/route.ts';
import { declaration } from '#lib/http/routes/users-delete.ts';
import { deleteUser } from '#lib/users/users.ts';

/** The user, their tasks and sessions go in one step. */
export const handler = route(declaration, async function removeUser({ auth, params, ip, userAgent }) {
  await deleteUser(auth, params.id, { ip, userAgent });
  return noContent();
});
