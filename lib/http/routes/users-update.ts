import { idPath } from '#lib/core/schema.ts';
import { declareRoute } from '#lib/http/declaration.ts';
import { dataEnvelope } from '#lib/http/envelopes.ts';
import { UpdateUserBody, User } from '#lib/users/schemas.ts';

export const declaration = declareRoute({
  method: 'PATCH',
  path: '/api/v1/users/{id}',
  function: 'users-update',
  operationId: 'updateUser',
  tag: 'Users',
  summary: "Change a user's role (admin)",
  description: 'Demoting the last admin is refused (409 `LAST_ADMIN`).',
  auth: 'admin',
  params: idPath,
  body: UpdateUserBody,
  success: { status: 200, description: 'The updated user.', schema: dataEnvelope(User) },
  errors: ['LAST_ADMIN'],
});
