import { etagOf, noneMatchHolds } from '#lib/core/conditional.ts';
import { notModified, ok } from '#lib/http/responses.ts';
import { route } from '#lib/http/route.ts';
import { declaration } from '#lib/http/routes/tasks-get.ts';
import { getTask } from '#lib/tasks/tasks.ts';

/** A client holding the current ETag gets 304 and no body. */
export const handler = route(declaration, async function task({ auth, params, headers }) {
  const found = await getTask(auth, params.id);
  const etag = etagOf(found.version);
  const held = headers['if-none-match'];
  if (held !== undefined && noneMatchHolds(held, etag)) return notModified(etag);
  return ok(found, { ETag: etag });
});
