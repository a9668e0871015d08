import { created } from '#lib/http/responses.ts';
import { route } from '#lib/http/route.ts';
import { declaration } from '#lib/http/routes/tasks-create.ts';
import { createTask } from '#lib/tasks/tasks.ts';

export const handler = route(declaration, async function create({ auth, body }) {
  const task = await createTask(auth.userId, body);
  return created(task, `/api/v1/tasks/${task.id}`);
});
