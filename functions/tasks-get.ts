import { route } from '#lib/http.ts';
import { ok } from '#lib/responses.ts';
import { getTask } from '#lib/tasks.ts';
import { idPath } from '#lib/validation.ts';

/** GET /api/v1/tasks/{id}: another user's task is 404, never 403. */
export const handler = route({ auth: 'user', path: idPath }, async function task({ auth, path }) {
  return ok(await getTask(auth, path.id));
});
