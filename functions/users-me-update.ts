import { route } from '#lib/http.ts';
import { ok } from '#lib/responses.ts';
import { UpdateMeBody } from '#lib/schemas/new-password.ts';
import { updateProfile } from '#lib/users.ts';

/** PATCH /api/v1/users/me: change email or password, proven by the current password. */
export const handler = route({ auth: 'user', body: UpdateMeBody }, async function updateMe({ auth, body }) {
  return ok(await updateProfile(auth, body));
});
