import { declareRoute } from '#lib/http/declaration.ts';
import { dataEnvelope } from '#lib/http/envelopes.ts';
import { CreateTaskBody, Task } from '#lib/tasks/schemas.ts';

export const declaration = declareRoute({
  method: 'POST',
  path: '/api/v1/tasks',
  function: 'tasks-create',
  operationId: 'createTask',
  tag: 'Tasks',
  summary: 'Create a task',
  auth: 'user',
  body: CreateTaskBody,
  success: {
    status: 201,
    description: 'The new task; `Location` is its URL.',
    schema: dataEnvelope(Task),
    location: true,
  },
});
