import { etagOf } from '#lib/core/conditional.ts';
import { fingerprintOf, idempotent } from '#lib/http/idempotency.ts';
import { created } from '#lib/http/responses.ts';
import { route } from '#lib/http/route.ts';
import { declaration } from '#lib/http/routes/tasks-create.ts';
import { createTask } from '#lib/tasks/tasks.ts';

/** With an Idempotency-Key, a retry of the same request replays the first answer instead of creating again. */
export const handler = route(declaration, async function create({ auth, body, headers }) {
  const key = headers['idempotency-key'];
  if (key === undefined) {
    const task = await createTask(auth.userId, body);
    return created(task, `/api/v1/tasks/${task.id}`, { ETag: etagOf(task.version) });
  }
  const fingerprint = fingerprintOf(declaration.method, declaration.path, body);
  return idempotent({ userId: auth.userId, key, fingerprint }, async (tx) => {
    const task = await createTask(auth.userId, body, tx);
    return created(task, `/api/v1/tasks/${task.id}`, { ETag: etagOf(task.version) });
  });
});
