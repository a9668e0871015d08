import { ok } from '#lib/http/responses.ts';
import { route } from '#lib/http/route.ts';
import { declaration } from '#lib/http/routes/users-me-update.ts';
import { updateProfile } from '#lib/users/users.ts';

/** Email or password, proven by the current password. */
export const handler = route(declaration, async function updateMe({ auth, body, ip, userAgent, rateLimit }) {
  return ok(await updateProfile(auth, body, { ip, userAgent }, rateLimit));
});
