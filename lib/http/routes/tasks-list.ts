import { declareRoute } from '#lib/http/declaration.ts';
import { pageEnvelope } from '#lib/http/envelopes.ts';
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
    "everyone's (`scope=all`, not combined with `userId`); anyone else using either gets 403.",
  auth: 'user',
  query: ListTasksQuery,
  success: { status: 200, description: 'One page of tasks.', schema: pageEnvelope(Task) },
  errors: ['INSUFFICIENT_PERMISSIONS'],
});
