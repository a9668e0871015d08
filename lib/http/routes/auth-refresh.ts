import { RefreshBody, Refreshed } from '#lib/auth/schemas.ts';
import { declareRoute } from '#lib/http/declaration.ts';
import { dataEnvelope } from '#lib/http/envelopes.ts';

export const declaration = declareRoute({
  method: 'POST',
  path: '/api/v1/auth/refresh',
  function: 'auth-refresh',
  operationId: 'refresh',
  tag: 'Auth',
  summary: 'Refresh the tokens',
  description:
    'Spends the refresh token and issues a new pair. The same token again within 10 seconds (a retry, a ' +
    'second tab) gets a new pair too; later, it counts as theft and the whole session is revoked ' +
    '(401 `TOKEN_INVALID`); so is the same token within those 10 seconds from another client network (IPv4 ' +
    'address, IPv6 /64). Counted per session (`RATE_LIMIT_REFRESH`), per client IP for a token of no session.',
  auth: 'none',
  // Counted by the handler, which must first find the token's session.
  rateLimit: 'none',
  handlerRateLimits: ['refresh'],
  body: RefreshBody,
  success: { status: 200, description: 'A new token pair.', schema: dataEnvelope(Refreshed) },
  errors: ['TOKEN_INVALID', 'TOKEN_EXPIRED'],
});
