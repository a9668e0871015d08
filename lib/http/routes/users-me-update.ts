import { declareRoute } from '#lib/http/declaration.ts';
import { dataEnvelope } from '#lib/http/envelopes.ts';
import { UpdateMeBody, User } from '#lib/users/schemas.ts';

export const declaration = declareRoute({
  method: 'PATCH',
  path: '/api/v1/users/me',
  function: 'users-me-update',
  operationId: 'updateMe',
  tag: 'Users',
  summary: 'Change my email or password',
  description:
    'Needs the current password (401 `INVALID_CREDENTIALS` when wrong). A new password ends every other ' +
    'session of the account.',
  auth: 'user',
  body: UpdateMeBody,
  success: { status: 200, description: 'The updated account.', schema: dataEnvelope(User) },
  errors: ['INVALID_CREDENTIALS', 'EMAIL_ALREADY_EXISTS'],
});
