import { route } from '#lib/http.ts';
import { noContent } from '#lib/responses.ts';
import { deleteTask } from '#lib/tasks.ts';
import { idPath } from '#lib/validation.ts';

/** DELETE /api/v1/tasks/{id}. */
export const handler = route({ auth: 'user', path: idPath }, async function remove({ auth, path }) {
  await deleteTask(auth, path.id);
  return noContent();
});
