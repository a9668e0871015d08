import { AppError } from '#lib/http/errors.ts';
import { paginated } from '#lib/http/responses.ts';
import { route } from '#lib/http/route.ts';
import { declaration } from '#lib/http/routes/tasks-list.ts';
import { listTasks } from '#lib/tasks/tasks.ts';

/** Admins may ask for one user's tasks (`userId`) or everyone's (`scope=all`); anyone else gets 403. */
export const handler = route(declaration, async function tasks({ auth, query }) {
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
