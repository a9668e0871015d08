import { createHash } from 'node:crypto';
import { readCursor, sealCursor } from '#lib/core/cursor.ts';
import { validationError } from '#lib/core/errors.ts';
import type { KeysetPosition, TaskListFilter } from '#lib/tasks/tasks.ts';

/**
 * Cursors of GET /tasks keyset pages. Each names (by a hash) the caller and the exact query it
 * continues, so a cursor replayed by another user or with other filters or sort is a 400, and
 * carries the last row's position. The encryption (lib/core/cursor.ts) hides it and makes it
 * tamper-proof.
 */

const queryOf = (viewerId: string, filter: TaskListFilter) =>
  createHash('sha256')
    .update(JSON.stringify([viewerId, filter.ownerId ?? '*', filter.completed ?? null, filter.q ?? null, filter.sort]))
    .digest('base64url')
    .slice(0, 22);

export const encodeListCursor = (viewerId: string, filter: TaskListFilter, position: KeysetPosition) =>
  sealCursor({ q: queryOf(viewerId, filter), k: position.key, i: position.id });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function decodeListCursor(cursor: string, viewerId: string, filter: TaskListFilter): KeysetPosition {
  const payload = readCursor(cursor, 'cursor');
  const { q, k, i } = payload;
  if (q !== queryOf(viewerId, filter)) {
    throw validationError([
      { path: 'cursor', message: 'belongs to another query: keep the filters and sort it came with' },
    ]);
  }
  const timestampKey = filter.sort.replace('-', '') !== 'title';
  if (typeof k !== 'string' || typeof i !== 'string' || !UUID.test(i) || (timestampKey && !/^-?\d{1,19}$/.test(k))) {
    throw validationError([{ path: 'cursor', message: 'is not a cursor this API issued for this query' }]);
  }
  return { key: k, id: i };
}
