import { declareRoute } from '#lib/http/declaration.ts';
import { dataEnvelope } from '#lib/http/envelopes.ts';
import { CreateTaskBody, CreateTaskHeaders, Task } from '#lib/tasks/schemas.ts';

export const declaration = declareRoute({
  method: 'POST',
  path: '/api/v1/tasks',
  function: 'tasks-create',
  operationId: 'createTask',
  tag: 'Tasks',
  summary: 'Create a task',
  description:
    'Send an `Idempotency-Key` to make retries safe: a repeat with the same key and body within 24 hours gets ' +
    'the first answer again (with `Idempotent-Replayed: true`) and creates nothing; the same key with another ' +
    'body is a 422; a repeat while the first is still running is a 409. Failed requests are not stored.',
  auth: 'user',
  headers: CreateTaskHeaders,
  body: CreateTaskBody,
  success: {
    status: 201,
    description: 'The new task; `Location` is its URL.',
    schema: dataEnvelope(Task),
    location: true,
    etag: true,
    replayable: true,
  },
  errors: ['TASK_LIMIT_REACHED', 'IDEMPOTENCY_KEY_IN_USE', 'IDEMPOTENCY_KEY_REUSED'],
});
