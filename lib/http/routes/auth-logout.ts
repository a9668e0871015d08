import { LogoutBody } from '#lib/auth/schemas.ts';
import { declareRoute } from '#lib/http/declaration.ts';

export const declaration = declareRoute({
  method: 'POST',
  path: '/api/v1/auth/logout',
  function: 'auth-logout',
  operationId: 'logout',
  tag: 'Auth',
  summary: 'Log out',
  description:
    "Ends the caller's session at once, and the session of the given refresh token if it is the caller's. " +
    'The body is optional.',
  auth: 'user',
  body: LogoutBody,
  bodyOptional: true,
  success: { status: 204, description: 'Logged out.' },
});
