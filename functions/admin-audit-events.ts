import { listAuditEvents } from '#lib/audit/audit.ts';
import { paginated } from '#lib/http/responses.ts';
import { route } from '#lib/http/route.ts';
import { declaration } from '#lib/http/routes/admin-audit-events.ts';

export const handler = route(declaration, async function auditEvents({ query }) {
  const { items, total } = await listAuditEvents(query);
  return paginated(items, total, query);
});
