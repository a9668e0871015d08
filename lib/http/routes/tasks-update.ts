import { declareRoute } from '#lib/http/declaration.ts';
import { dataEnvelope } from '#lib/http/envelopes.ts';
import { idPath } from '#lib/http/validation.ts';
import { Task, UpdateTaskBody } from '#lib/tasks/schemas.ts';

export const declaration = declareRoute({
  method: 'PATCH',
  path: '/api/v1/tasks/{id}',
  function: 'tasks-update',
  operationId: 'updateTask',
  tag: 'Tasks',
  summary: 'Update a task',
  description: 'Changes only the given fields; `description: null` clears it. Admins can change any task.',
  auth: 'user',
  params: idPath,
  body: UpdateTaskBody,
  success: { status: 200, description: 'The updated task.', schema: dataEnvelope(Task) },
});
