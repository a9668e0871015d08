import { noContent } from '#lib/http/responses.ts';
import { route } from '#lib/http/route.ts';
import { declaration } from '#lib/http/routes/tasks-delete.ts';
import { deleteTask } from '#lib/tasks/tasks.ts';

export const handler = route(declaration, async function remove({ auth, params, headers }) {
  await deleteTask(auth, params.id, headers['if-match']);
  return noContent();
});
