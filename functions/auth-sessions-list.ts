import { listSessions } from '#lib/auth/sessions.ts';
import { paginated } from '#lib/http/responses.ts';
import { route } from '#lib/http/route.ts';
import { declaration } from '#lib/http/routes/auth-sessions-list.ts';

export const handler = route(declaration, async function sessions({ auth, query }) {
  const { items, total } = await listSessions(auth.userId, auth.sessionId, query);
  return paginated(items, total, query);
});
