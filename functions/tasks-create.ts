import { route } from '#lib/http.ts';
import { created } from '#lib/responses.ts';
import { CreateTaskBody } from '#lib/schemas/tasks.ts';
import { createTask } from '#lib/tasks.ts';

/** POST /api/v1/tasks: 201 with a Location header for the new task. */
export const handler = route({ auth: 'user', body: CreateTaskBody }, async function create({ auth, body }) {
  const task = await createTask(auth.userId, body);
  return created(task, `/api/v1/tasks/${task.id}`);
});
