import { ok } from '#lib/http/responses.ts';
import { route } from '#lib/http/route.ts';
import { declaration } from '#lib/http/routes/tasks-changes.ts';
import { taskChanges } from '#lib/tasks/changes.ts';

export const handler = route(declaration, async function changes({ auth, query }) {
  return ok(await taskChanges(auth.userId, query.since, query.limit ?? 100));
});
