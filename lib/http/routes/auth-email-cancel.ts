import * as v from 'valibot';
import { oneTimeToken } from '#lib/auth/schemas.ts';
import { declareRoute } from '#lib/http/declaration.ts';
import { dataEnvelope } from '#lib/http/envelopes.ts';
import { User } from '#lib/users/schemas.ts';

export const declaration = declareRoute({
  method: 'POST',
  path: '/api/v1/auth/email/cancel',
  function: 'auth-email-cancel',
  operationId: 'cancelEmailChange',
  tag: 'Account',
  summary: 'Cancel an email change',
  description:
    'Spends the token of the cancel link (`/cancel-email-change#token=…`) in the notice mailed to the address ' +
    'in force when a change of email was asked for. The change ends (`pendingEmail` becomes null) and, since ' +
    'whoever asked knew the password, so does every session and every other pending link of the account; ' +
    'nobody is signed in (no tokens): sign in again, then change the password. The link lives 24 hours and ' +
    'ends with the change: once the change is confirmed, cancelled, replaced by a newer one or ended by a ' +
    'credential change, it answers 400 `INVALID_ONE_TIME_TOKEN`, as an unknown token does.',
  auth: 'none',
  body: v.strictObject({ token: oneTimeToken }),
  success: {
    status: 200,
    description: 'The account as it is now, its email unchanged and `pendingEmail` null.',
    schema: dataEnvelope(v.strictObject({ user: User })),
  },
  errors: ['INVALID_ONE_TIME_TOKEN'],
});
