import { declareRoute } from '#lib/http/declaration.ts';

export const declaration = declareRoute({
  method: 'POST',
  path: '/api/v1/auth/logout-all',
  function: 'auth-logout-all',
  operationId: 'logoutAll',
  tag: 'Auth',
  summary: 'Log out everywhere',
  description: 'Ends every session of the caller, this one included.',
  auth: 'user',
  success: { status: 204, description: 'Every session ended.' },
});
