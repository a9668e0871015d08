import { noContent } from '#lib/http/responses.ts';
import { route } from '#lib/http/route.ts';
import { declaration } from '#lib/http/routes/users-me-delete.ts';
import { deleteOwnAccount } from '#lib/users/users.ts';

/** In-app account deletion, proven by the current password. */
export const handler = route(declaration, async function deleteMe({ auth, body, ip, userAgent, rateLimit }) {
  await deleteOwnAccount(auth, body.currentPassword, { ip, userAgent }, rateLimit);
  return noContent();
});
