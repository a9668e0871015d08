import { idPath } from '#lib/core/schema.ts';
import { declareRoute } from '#lib/http/declaration.ts';
import { dataEnvelope } from '#lib/http/envelopes.ts';
import { GetTaskHeaders, Task } from '#lib/tasks/schemas.ts';

export const declaration = declareRoute({
  method: 'GET',
  path: '/api/v1/tasks/{id}',
  function: 'tasks-get',
  operationId: 'getTask',
  tag: 'Tasks',
  summary: 'Get a task',
  description:
    "Another user's task is not found (404, never 403); admins can read any task. The answer's `ETag` is the " +
    "task's version; send it back as `If-None-Match` to get 304 with no body while the task is unchanged.",
  auth: 'user',
  speculative: true,
  params: idPath,
  headers: GetTaskHeaders,
  success: { status: 200, description: 'The task.', schema: dataEnvelope(Task), etag: true, notModified: true },
});
