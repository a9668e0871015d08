import * as v from 'valibot';
import { declareRoute } from '#lib/http/declaration.ts';
import { cursorPageEnvelope, pageEnvelope } from '#lib/http/envelopes.ts';
import { ListTasksQuery, Task } from '#lib/tasks/schemas.ts';

export const declaration = declareRoute({
  method: 'GET',
  path: '/api/v1/tasks',
  function: 'tasks-list',
  operationId: 'listTasks',
  tag: 'Tasks',
  summary: 'List tasks',
  description:
    "The caller's tasks, paginated, filtered and sorted. Admins may list one user's tasks (`userId`) or " +
    "everyone's (`scope=all`, not combined with `userId`); anyone else using either gets 403.\n\n" +
    'Two kinds of pages: offset pages (`page`, `pageSize`; `meta.total`) and, for infinite scroll, cursor pages ' +
    '(`limit`, then `cursor=<meta.nextCursor>` with the same filters and sort), which never skip or repeat a task ' +
    'when tasks are added or removed between pages. A cursor that this API did not issue for this caller and ' +
    'query is a 400.',
  auth: 'user',
  speculative: true,
  query: ListTasksQuery,
  success: {
    status: 200,
    description: 'One page of tasks: offset pages, or cursor pages with `limit`/`cursor`.',
    schema: v.union([pageEnvelope(Task), cursorPageEnvelope(Task)]),
  },
  errors: ['INSUFFICIENT_PERMISSIONS'],
});
