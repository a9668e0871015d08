import { idPath } from '#lib/core/schema.ts';
import { declareRoute } from '#lib/http/declaration.ts';
import { ChangeTaskHeaders } from '#lib/tasks/schemas.ts';

export const declaration = declareRoute({
  method: 'DELETE',
  path: '/api/v1/tasks/{id}',
  function: 'tasks-delete',
  operationId: 'deleteTask',
  tag: 'Tasks',
  summary: 'Delete a task',
  description:
    'Admins can delete any task. With `If-Match: <the ETag you read>` it happens only if nobody changed the ' +
    'task since (else 412). The task then answers 404 everywhere; delta sync reports it as a delete.',
  auth: 'user',
  params: idPath,
  headers: ChangeTaskHeaders,
  success: { status: 204, description: 'The task is gone.' },
  errors: ['PRECONDITION_FAILED'],
});
