import * as v from 'valibot';
import { newPassword } from '#lib/auth/new-password.ts';
import { oneTimeToken } from '#lib/auth/schemas.ts';
import { declareRoute } from '#lib/http/declaration.ts';
import { dataEnvelope } from '#lib/http/envelopes.ts';
import { SignedIn } from '#lib/users/schemas.ts';

/** Defined here, with the route that takes it: it carries the password-strength dictionaries. */
const ResetBody = v.strictObject({ token: oneTimeToken, password: newPassword });

export const declaration = declareRoute({
  method: 'POST',
  path: '/api/v1/auth/password/reset',
  function: 'auth-password-reset',
  operationId: 'resetPassword',
  tag: 'Account',
  summary: 'Set a new password with a reset link',
  description:
    'Spends the token of a reset link: sets the password (the rules of register), ends every session, ' +
    'clears the failed-login count of the email (the way back from a lockout), marks the email verified ' +
    'and signs in.',
  auth: 'none',
  body: ResetBody,
  success: { status: 200, description: 'The account and a new token pair.', schema: dataEnvelope(SignedIn) },
  errors: ['INVALID_ONE_TIME_TOKEN'],
});
