import * as v from 'valibot';
import { oneTimeToken } from '#lib/auth/schemas.ts';
import { declareRoute } from '#lib/http/declaration.ts';
import { dataEnvelope } from '#lib/http/envelopes.ts';
import { User } from '#lib/users/schemas.ts';

export const declaration = declareRoute({
  method: 'POST',
  path: '/api/v1/auth/email/confirm',
  function: 'auth-email-confirm',
  operationId: 'confirmEmail',
  tag: 'Account',
  summary: 'Confirm an email address',
  description:
    'Spends the token of a verification link (`/verify-email#token=…`), which marks the address verified, ' +
    'or of an email-change link (`/confirm-email-change#token=…`), which makes the pending address the ' +
    "account's email and ends every session of the account (409 `EMAIL_ALREADY_EXISTS` if another account " +
    'took the address meanwhile). Tokens are single use; verification and email-change tokens live 24 hours.',
  auth: 'none',
  body: v.strictObject({ token: oneTimeToken }),
  success: {
    status: 200,
    description: 'The account as it is now.',
    schema: dataEnvelope(v.strictObject({ user: User })),
  },
  errors: ['INVALID_ONE_TIME_TOKEN', 'EMAIL_ALREADY_EXISTS'],
});
