import * as v from 'valibot';
import { Session } from '#lib/auth/schemas.ts';
import { paginationQuery } from '#lib/core/schema.ts';
import { declareRoute } from '#lib/http/declaration.ts';
import { pageEnvelope } from '#lib/http/envelopes.ts';

export const declaration = declareRoute({
  method: 'GET',
  path: '/api/v1/auth/sessions',
  function: 'auth-sessions-list',
  operationId: 'listSessions',
  tag: 'Auth',
  summary: 'List my sessions',
  description:
    "The caller's live sessions, most recently used first, a page at a time; `current` marks this one. " +
    '`ip` and `userAgent` are those of the latest login or refresh. An account has at most ' +
    '`MAX_SESSIONS_PER_USER` (default 50): a new login beyond it ends the least recently used.',
  auth: 'user',
  speculative: true,
  query: v.strictObject({ ...paginationQuery }),
  success: { status: 200, description: 'One page of live sessions.', schema: pageEnvelope(Session) },
});
