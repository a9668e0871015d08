import * as v from 'valibot';
import { newPassword } from '#lib/auth/new-password.ts';
import { email, givenPassword } from '#lib/auth/schemas.ts';
import { declareRoute } from '#lib/http/declaration.ts';
import { dataEnvelope } from '#lib/http/envelopes.ts';
import { User } from '#lib/users/schemas.ts';

/** Defined here, with the only route that takes it: it carries the common-password list. */
const UpdateMeBody = v.pipe(
  v.strictObject({
    email: v.optional(email),
    password: v.optional(newPassword),
    currentPassword: v.pipe(givenPassword, v.description('proves it is you')),
  }),
  v.check((body) => body.email !== undefined || body.password !== undefined, 'must change email or password'),
  v.description('at least one of email and password; a new password ends every other session'),
);

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
