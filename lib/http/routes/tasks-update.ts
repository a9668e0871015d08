import { idPath } from '#lib/core/schema.ts';
import { declareRoute } from '#lib/http/declaration.ts';
import { dataEnvelope } from '#lib/http/envelopes.ts';
import { ChangeTaskHeaders, Task, UpdateTaskBody } from '#lib/tasks/schemas.ts';

export const declaration = declareRoute({
  method: 'PATCH',
  path: '/api/v1/tasks/{id}',
  function: 'tasks-update',
  operationId: 'updateTask',
  tag: 'Tasks',
  summary: 'Update a task',
  description:
    'Changes only the given fields; `description: null` clears it. Admins can change any task. With ' +
    '`If-Match: <the ETag you read>` the change happens only if nobody changed the task since (else 412).',
  auth: 'user',
  params: idPath,
  headers: ChangeTaskHeaders,
  body: UpdateTaskBody,
  success: { status: 200, description: 'The updated task.', schema: dataEnvelope(Task), etag: true },
  errors: ['PRECONDITION_FAILED'],
});
