import { ok } from '#lib/http/responses.ts';
import { route } from '#lib/http/route.ts';
import { declaration } from '#lib/http/routes/tasks-get.ts';
import { getTask } from '#lib/tasks/tasks.ts';

export const handler = route(declaration, async function task({ auth, params }) {
  return ok(await getTask(auth, params.id));
});
