import { AppError } from '#lib/core/errors.ts';
import { cursorPage, paginated } from '#lib/http/responses.ts';
import { route } from '#lib/http/route.ts';
import { declaration } from '#lib/http/routes/tasks-list.ts';
import { decodeListCursor, encodeListCursor } from '#lib/tasks/pages.ts';
import { listTaskKeyset, listTasks } from '#lib/tasks/tasks.ts';

/**
 * Admins may ask for one user's tasks (`userId`) or everyone's (`scope=all`); anyone else gets 403.
 * `limit` or `cursor` asks for keyset pages; otherwise offset pages, as before.
 */
export const handler = route(declaration, async function tasks({ auth, query }) {
  const { userId, scope, page, pageSize, limit, cursor, ...rest } = query;
  if ((userId || scope) && auth.role !== 'ADMIN') {
    throw new AppError('INSUFFICIENT_PERMISSIONS', 'Only administrators can list other users\u2019 tasks');
  }
  if (userId && scope) {
    throw new AppError('VALIDATION_ERROR', 'The request is not valid', {
      details: [{ path: 'scope', message: 'cannot be combined with userId' }],
    });
  }
  const filter = { ...rest, ownerId: scope === 'all' ? undefined : (userId ?? auth.userId) };
  if (limit !== undefined || cursor !== undefined) {
    const size = limit ?? 20;
    const after = cursor === undefined ? undefined : decodeListCursor(cursor, auth.userId, filter);
    const { items, next } = await listTaskKeyset(filter, size, after);
    return cursorPage(items, size, next ? encodeListCursor(auth.userId, filter, next) : null);
  }
  const pagination = { page: page ?? 1, pageSize: pageSize ?? 20 };
  const { items, total } = await listTasks({ ...filter, ...pagination });
  return paginated(items, total, pagination);
});
