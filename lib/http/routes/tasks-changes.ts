import { declareRoute } from '#lib/http/declaration.ts';
import { dataEnvelope } from '#lib/http/envelopes.ts';
import { TaskChanges, TaskChangesQuery } from '#lib/tasks/schemas.ts';

export const declaration = declareRoute({
  method: 'GET',
  path: '/api/v1/tasks/changes',
  function: 'tasks-changes',
  operationId: 'listTaskChanges',
  tag: 'Tasks',
  summary: 'Delta sync: what changed since',
  description:
    "The caller's task changes since `since`, oldest first: `upsert` with the task as it is now, or `delete` " +
    'with the id. Without `since`, every live task. Apply them and call again with `nextSince` while `hasMore` ' +
    'is true; a change committed meanwhile is never skipped. Deleted tasks are reported for `TOMBSTONE_TTL` ' +
    '(default 30 days): a `since` older than that is a 410, and the client syncs again from scratch.',
  auth: 'user',
  speculative: true,
  query: TaskChangesQuery,
  success: { status: 200, description: 'One batch of changes.', schema: dataEnvelope(TaskChanges) },
  errors: ['SYNC_CURSOR_EXPIRED'],
});
