import * as v from 'valibot';
import { newPassword } from '#lib/auth/new-password.ts';
import { email, givenPassword } from '#lib/auth/schemas.ts';
import { declareRoute } from '#lib/http/declaration.ts';
import { dataEnvelope } from '#lib/http/envelopes.ts';
import { User } from '#lib/users/schemas.ts';

/** Defined here, with the only route that takes it: it carries the password-strength dictionaries. */
const UpdateMeBody = v.pipe(
  v.strictObject({
    email: v.optional(email),
    password: v.optional(newPassword),
    currentPassword: v.pipe(givenPassword, v.description('proves it is you')),
  }),
  v.check((body) => body.email !== undefined || body.password !== undefined, 'must change email or password'),
  v.metadata({ anyOf: [{ required: ['email'] }, { required: ['password'] }] }),
  v.description(
    'at least one of email and password; a new password ends every other session, a new email waits for its confirmation',
  ),
);

export const declaration = declareRoute({
  method: 'PATCH',
  path: '/api/v1/users/me',
  function: 'users-me-update',
  operationId: 'updateMe',
  tag: 'Users',
  summary: 'Change my email or password',
  description:
    'Needs the current password (401 `INVALID_CREDENTIALS` when wrong; wrong ones count as failed logins of the ' +
    'account, so past `RATE_LIMIT_LOGIN_FAILURES` the answer is 429 even with the right one). A new password ' +
    'takes effect at once and ends every other session. A new email does not: the answer shows it as ' +
    '`pendingEmail`, a confirmation link goes to it (none when another account has it, with the same answer) and ' +
    "a notice to the current address; `POST /auth/email/confirm` with the link's token makes it the email. " +
    'Sending the current email again cancels a pending change. One address gets at most 3 confirmation links ' +
    'and 3 notices an hour, whoever asks: beyond that the answer is the same and nothing is sent to it.',
  auth: 'user',
  handlerRateLimits: ['loginFailures', 'loginFailuresEmail'],
  body: UpdateMeBody,
  success: { status: 200, description: 'The updated account.', schema: dataEnvelope(User) },
  errors: ['INVALID_CREDENTIALS'],
});
