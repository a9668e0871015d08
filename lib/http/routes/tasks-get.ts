import { declareRoute } from '#lib/http/declaration.ts';
import { dataEnvelope } from '#lib/http/envelopes.ts';
import { idPath } from '#lib/http/validation.ts';
import { Task } from '#lib/tasks/schemas.ts';

export const declaration = declareRoute({
  method: 'GET',
  path: '/api/v1/tasks/{id}',
  function: 'tasks-get',
  operationId: 'getTask',
  tag: 'Tasks',
  summary: 'Get a task',
  description: "Another user's task is not found (404, never 403); admins can read any task.",
  auth: 'user',
  params: idPath,
  success: { status: 200, description: 'The task.', schema: dataEnvelope(Task) },
});
