import { route } from '#lib/http.ts';
import { ok } from '#lib/responses.ts';
import { UpdateTaskBody } from '#lib/schemas/tasks.ts';
import { updateTask } from '#lib/tasks.ts';
import { idPath } from '#lib/validation.ts';

/** PATCH /api/v1/tasks/{id}: changes only the given fields; `description: null` clears it. */
export const handler = route(
  { auth: 'user', path: idPath, body: UpdateTaskBody },
  async function update({ auth, path, body }) {
    return ok(await updateTask(auth, path.id, body));
  },
);
