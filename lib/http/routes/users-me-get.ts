import { declareRoute } from '#lib/http/declaration.ts';
import { dataEnvelope } from '#lib/http/envelopes.ts';
import { User } from '#lib/users/schemas.ts';

export const declaration = declareRoute({
  method: 'GET',
  path: '/api/v1/users/me',
  function: 'users-me-get',
  operationId: 'getMe',
  tag: 'Users',
  summary: 'Get my profile',
  auth: 'user',
  speculative: true,
  success: { status: 200, description: "The caller's account.", schema: dataEnvelope(User) },
});
