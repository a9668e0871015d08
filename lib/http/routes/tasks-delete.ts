import { declareRoute } from '#lib/http/declaration.ts';
import { idPath } from '#lib/http/validation.ts';

export const declaration = declareRoute({
  method: 'DELETE',
  path: '/api/v1/tasks/{id}',
  function: 'tasks-delete',
  operationId: 'deleteTask',
  tag: 'Tasks',
  summary: 'Delete a task',
  description: 'Admins can delete any task.',
  auth: 'user',
  params: idPath,
  success: { status: 204, description: 'The task is gone.' },
});
