import * as v from 'valibot';
import { givenPassword } from '#lib/auth/schemas.ts';
import { declareRoute } from '#lib/http/declaration.ts';

const DeleteMeBody = v.pipe(
  v.strictObject({ currentPassword: v.pipe(givenPassword, v.description('proves it is you')) }),
  v.description('the current password, counted like a login attempt when wrong'),
);

export const declaration = declareRoute({
  method: 'DELETE',
  path: '/api/v1/users/me',
  function: 'users-me-delete',
  operationId: 'deleteMe',
  tag: 'Users',
  summary: 'Delete my account',
  description:
    'Deletes the account with its tasks and sessions; every token of it stops working at once. Needs the ' +
    'current password (401 `INVALID_CREDENTIALS` when wrong; wrong ones count as failed logins of the account, ' +
    'so past `RATE_LIMIT_LOGIN_FAILURES` the answer is 429 even with the right one). The last admin cannot ' +
    'delete itself (409 `LAST_ADMIN`).',
  auth: 'user',
  handlerRateLimits: ['loginFailures', 'loginFailuresEmail'],
  body: DeleteMeBody,
  success: { status: 204, description: 'The account is gone.' },
  errors: ['INVALID_CREDENTIALS', 'LAST_ADMIN'],
});
