import { declareRoute } from '#lib/http/declaration.ts';
import { pageEnvelope } from '#lib/http/envelopes.ts';
import { ListUsersQuery, User } from '#lib/users/schemas.ts';

export const declaration = declareRoute({
  method: 'GET',
  path: '/api/v1/users',
  function: 'users-list',
  operationId: 'listUsers',
  tag: 'Users',
  summary: 'List users (admin)',
  description: 'Oldest first. `q` matches the email, `role` filters.',
  auth: 'admin',
  speculative: true,
  query: ListUsersQuery,
  success: { status: 200, description: 'One page of users.', schema: pageEnvelope(User) },
});
