import { route } from '#lib/http.ts';
import { ok } from '#lib/responses.ts';
import { UpdateUserBody } from '#lib/schemas/users.ts';
import { setRole } from '#lib/users.ts';
import { idPath } from '#lib/validation.ts';

/** PATCH /api/v1/users/{id} (admin): change a role; never demotes the last admin. */
export const handler = route(
  { auth: 'admin', path: idPath, body: UpdateUserBody },
  async function updateUser({ path, body }) {
    return ok(await setRole(path.id, body.role));
  },
);
