import { ok } from '#lib/http/responses.ts';
import { route } from '#lib/http/route.ts';
import { declaration } from '#lib/http/routes/tasks-update.ts';
import { updateTask } from '#lib/tasks/tasks.ts';

export const handler = route(declaration, async function update({ auth, params, body }) {
  return ok(await updateTask(auth, params.id, body));
});
