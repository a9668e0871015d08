import { LoginBody } from '#lib/auth/schemas.ts';
import { declareRoute } from '#lib/http/declaration.ts';
import { dataEnvelope } from '#lib/http/envelopes.ts';
import { SignedIn } from '#lib/users/schemas.ts';

export const declaration = declareRoute({
  method: 'POST',
  path: '/api/v1/auth/login',
  function: 'auth-login',
  operationId: 'login',
  tag: 'Auth',
  summary: 'Log in',
  description: 'Starts a session. An unknown email and a wrong password get the same answer, in about the same time.',
  auth: 'none',
  rateLimit: 'login',
  handlerRateLimits: ['loginFailures', 'loginFailuresEmail'],
  body: LoginBody,
  success: { status: 200, description: 'The account and a new token pair.', schema: dataEnvelope(SignedIn) },
  errors: ['INVALID_CREDENTIALS'],
});
