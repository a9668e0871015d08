import * as v from 'valibot';
import { Session } from '#lib/auth/schemas.ts';
import { declareRoute } from '#lib/http/declaration.ts';
import { dataEnvelope } from '#lib/http/envelopes.ts';

export const declaration = declareRoute({
  method: 'GET',
  path: '/api/v1/auth/sessions',
  function: 'auth-sessions-list',
  operationId: 'listSessions',
  tag: 'Auth',
  summary: 'List my sessions',
  description: "The caller's live sessions, most recently used first; `current` marks this one.",
  auth: 'user',
  success: { status: 200, description: 'The live sessions.', schema: dataEnvelope(v.array(Session)) },
});
