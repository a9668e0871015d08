import * as v from 'valibot';
import { newPassword } from '#lib/auth/new-password.ts';
import { email } from '#lib/auth/schemas.ts';
import { declareRoute } from '#lib/http/declaration.ts';
import { dataEnvelope } from '#lib/http/envelopes.ts';
import { SignedIn } from '#lib/users/schemas.ts';

/** Defined here, with the only route that takes it: it carries the password-strength dictionaries. */
const RegisterBody = v.strictObject({ email, password: newPassword });

export const declaration = declareRoute({
  method: 'POST',
  path: '/api/v1/auth/register',
  function: 'auth-register',
  operationId: 'register',
  tag: 'Auth',
  summary: 'Register an account',
  description:
    'Creates a `USER` account and signs it in: the answer holds its first token pair. A verification link is ' +
    'mailed to the address (at most 3 verification emails an hour to one address).',
  auth: 'none',
  rateLimit: 'register',
  body: RegisterBody,
  success: {
    status: 201,
    description: 'The account and its tokens; `Location` is the profile.',
    schema: dataEnvelope(SignedIn),
    location: true,
  },
  errors: ['EMAIL_ALREADY_EXISTS'],
});
