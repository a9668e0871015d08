import { idPath } from '#lib/core/schema.ts';
import { declareRoute } from '#lib/http/declaration.ts';
import { dataEnvelope } from '#lib/http/envelopes.ts';
import { User } from '#lib/users/schemas.ts';

export const declaration = declareRoute({
  method: 'GET',
  path: '/api/v1/users/{id}',
  function: 'users-get',
  operationId: 'getUser',
  tag: 'Users',
  summary: 'Get a user (admin)',
  auth: 'admin',
  speculative: true,
  params: idPath,
  success: { status: 200, description: 'The user.', schema: dataEnvelope(User) },
});
