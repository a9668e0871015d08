import { idPath } from '#lib/core/schema.ts';
import { declareRoute } from '#lib/http/declaration.ts';

export const declaration = declareRoute({
  method: 'DELETE',
  path: '/api/v1/auth/sessions/{id}',
  function: 'auth-sessions-delete',
  operationId: 'endSession',
  tag: 'Auth',
  summary: 'End one of my sessions',
  description: "Another user's session, or one that already ended, is not found.",
  auth: 'user',
  params: idPath,
  success: { status: 204, description: 'The session ended.' },
});
