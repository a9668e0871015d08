import { AppError } from '#lib/errors.ts';
import { route } from '#lib/http.ts';
import { paginated } from '#lib/responses.ts';
import { ListTasksQuery } from '#lib/schemas/tasks.ts';
import { listTasks } from '#lib/tasks.ts';

/**
 * GET /api/v1/tasks: the caller's tasks, paginated, filtered and sorted. Admins may ask for
 * one user's tasks (`userId`) or everyone's (`scope=all`); anyone else doing so gets 403.
 */
export const handler = route({ auth: 'user', query: ListTasksQuery }, async function tasks({ auth, query }) {
  const { userId, scope, ...filter } = query;
  if ((userId || scope) && auth.role !== 'ADMIN') {
    throw new AppError('INSUFFICIENT_PERMISSIONS', 'Only administrators can list other users\u2019 tasks');
  }
  if (userId && scope) {
    throw new AppError('VALIDATION_ERROR', 'The request is not valid', {
      details: [{ path: 'scope', message: 'cannot be combined with userId' }],
    });
  }
  const ownerId = scope === 'all' ? undefined : (userId ?? auth.userId);
  const { items, total } = await listTasks({ ...filter, ownerId });
  return paginated(items, total, query);
});
