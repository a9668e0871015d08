import { idPath } from '#lib/core/schema.ts';
import { declareRoute } from '#lib/http/declaration.ts';

export const declaration = declareRoute({
  method: 'DELETE',
  path: '/api/v1/users/{id}',
  function: 'users-delete',
  operationId: 'deleteUser',
  tag: 'Users',
  summary: 'Delete a user (admin)',
  description:
    "The user's tasks and sessions go with it; their tokens stop working at once. Deleting the last admin " +
    'is refused (409 `LAST_ADMIN`).',
  auth: 'admin',
  params: idPath,
  success: { status: 204, description: 'The user is gone.' },
  errors: ['LAST_ADMIN'],
});
