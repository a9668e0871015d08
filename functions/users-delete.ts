import { route } from '#lib/http.ts';
import { noContent } from '#lib/responses.ts';
import { deleteUser } from '#lib/users.ts';
import { idPath } from '#lib/validation.ts';

/** DELETE /api/v1/users/{id} (admin): the user, their tasks and sessions go in one step. */
export const handler = route({ auth: 'admin', path: idPath }, async function removeUser({ path }) {
  await deleteUser(path.id);
  return noContent();
});
