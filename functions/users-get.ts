import { ok } from '#lib/http/responses.ts';
import { route } from '#lib/http/route.ts';
import { declaration } from '#lib/http/routes/users-get.ts';
import { getUser } from '#lib/users/users.ts';

export const handler = route(declaration, async function user({ params }) {
  return ok(await getUser(params.id));
});
