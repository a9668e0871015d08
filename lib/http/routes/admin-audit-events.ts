import { AuditEvent, ListAuditEventsQuery } from '#lib/audit/schemas.ts';
import { declareRoute } from '#lib/http/declaration.ts';
import { pageEnvelope } from '#lib/http/envelopes.ts';

export const declaration = declareRoute({
  method: 'GET',
  path: '/api/v1/admin/audit-events',
  function: 'admin-audit-events',
  operationId: 'listAuditEvents',
  tag: 'Audit',
  summary: 'List audit events (admin)',
  description:
    'Newest first. `userId` matches the account an event is about (`subjectUserId`), `type` one event type, ' +
    '`since` (inclusive) and `until` (exclusive) the time; `since` later than `until` is a 400. ' +
    'Events are kept `AUDIT_RETENTION` (default 365 days).',
  auth: 'admin',
  speculative: true,
  query: ListAuditEventsQuery,
  success: { status: 200, description: 'One page of audit events.', schema: pageEnvelope(AuditEvent) },
});
