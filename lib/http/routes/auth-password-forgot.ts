import * as v from 'valibot';
import { email } from '#lib/auth/schemas.ts';
import { declareRoute } from '#lib/http/declaration.ts';

export const declaration = declareRoute({
  method: 'POST',
  path: '/api/v1/auth/password/forgot',
  function: 'auth-password-forgot',
  operationId: 'forgotPassword',
  tag: 'Account',
  summary: 'Ask for a password reset link',
  description:
    'Mails a reset link (`/reset-password#token=…`, valid 30 minutes) to the address if it has an account, ' +
    'at most 3 an hour per address (beyond that nothing is sent and the last link keeps working). The answer ' +
    'is the same, in about the same time, whether or not the address has an account.',
  auth: 'none',
  rateLimit: 'passwordForgot',
  body: v.strictObject({ email }),
  success: { status: 202, description: 'Taken: a link is on its way if the address has an account.' },
});
