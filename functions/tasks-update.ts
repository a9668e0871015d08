import { etagOf } from '#lib/core/conditional.ts';
import { ok } from '#lib/http/responses.ts';
import { route } from '#lib/http/route.ts';
import { declaration } from '#lib/http/routes/tasks-update.ts';
import { updateTask } from '#lib/tasks/tasks.ts';

export const handler = route(declaration, async function update({ auth, params, body, headers }) {
  const task = await updateTask(auth, params.id, body, headers['if-match']);
  return ok(task, { ETag: etagOf(task.version) });
});
