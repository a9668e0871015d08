import * as v from 'valibot';
import { idempotencyKey, ifMatch, ifNoneMatch } from '#lib/core/conditional.ts';
import { booleanParam, documentedAs, resourceId, text, timestamp, uuid } from '#lib/core/schema.ts';

/** Request and response schemas of the task routes. */

const title = v.pipe(text({ min: 1, max: 200, trim: true }), v.description('trimmed'), v.examples(['Buy milk']));
const description = v.pipe(
  v.nullable(text({ max: 10_000 })),
  v.description('`null` for none; on update, `null` clears it'),
  v.examples(['2 litres, semi-skimmed']),
);
const completed = v.boolean('must be true or false');

export const CreateTaskBody = v.strictObject({
  title,
  description: v.optional(description, null),
  completed: v.optional(completed, false),
});

export const UpdateTaskBody = v.pipe(
  v.strictObject({ title: v.optional(title), description: v.optional(description), completed: v.optional(completed) }),
  v.check((body) => Object.keys(body).length > 0, 'must contain at least one of title, description, completed'),
  v.metadata({ minProperties: 1 }),
  v.description('only the given fields change; at least one is required'),
);

export const TASK_SORTS = ['createdAt', '-createdAt', 'updatedAt', '-updatedAt', 'title', '-title'] as const;

/** A whole number in a query string, within a range, or absent (the handler knows the default). */
const optionalInteger = (min: number, max: number, fallback: string) =>
  v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d{1,9}$/, `must be a whole number from ${min} to ${max}`),
      documentedAs<string>({ type: 'integer', minimum: min, maximum: max, description: fallback }),
      v.transform(Number),
      v.minValue(min, `must be a whole number from ${min} to ${max}`),
      v.maxValue(max, `must be a whole number from ${min} to ${max}`),
    ),
  );

/**
 * What a cursor is made of (base64url and a dot, lib/http/cursor.ts), in the schema so the
 * document says so: 2,048 characters of anything would not fit in a URL that API Gateway or
 * Node accepts (a 2,048-emoji cursor is a 24 KB request line), and such a request never reaches
 * the API to get its 400 in the envelope.
 */
const CURSOR = /^[A-Za-z0-9_.-]*$/;

const cursor = v.pipe(
  v.string(),
  v.maxLength(2048, 'is not a cursor this API issued for this query'),
  v.regex(CURSOR, 'is not a cursor this API issued for this query'),
  v.description('`meta.nextCursor` of the previous page, with the same filters and sort'),
);

export const ListTasksQuery = v.pipe(
  v.strictObject({
    page: optionalInteger(1, 1_000_000, 'offset pages: the page, from 1 (default 1); not with `cursor` or `limit`'),
    pageSize: optionalInteger(1, 100, 'offset pages: items per page (default 20); not with `cursor` or `limit`'),
    limit: optionalInteger(1, 100, 'cursor pages: items per page (default 20); the answer has `meta.nextCursor`'),
    cursor: v.optional(cursor),
    completed: v.optional(booleanParam),
    q: v.optional(
      v.pipe(
        text({ min: 2, max: 200, trim: true }),
        v.description('text in the title or description, any case; at least 2 characters (served by an index)'),
      ),
    ),
    sort: v.optional(
      v.pipe(
        v.picklist(TASK_SORTS, `must be one of ${TASK_SORTS.join(', ')}`),
        v.description('a leading `-` sorts descending'),
      ),
      '-createdAt',
    ),
    /** Admins only: one user's tasks. */
    userId: v.optional(v.pipe(uuid, v.description('admins only: this user\u2019s tasks; not with `scope` (400)'))),
    /** Admins only: everyone's tasks. */
    scope: v.optional(
      v.pipe(
        v.picklist(['all'], 'must be all'),
        v.description('admins only: everyone\u2019s tasks; not with `userId` (400)'),
      ),
    ),
  }),
  // Offset and cursor pages do not mix: a cursor already says where the page starts.
  v.forward(
    v.check(
      (query) =>
        (query.cursor === undefined && query.limit === undefined) || (query.page ?? query.pageSize) === undefined,
      'cannot be combined with page or pageSize',
    ),
    ['cursor'],
  ),
);

export type TaskSort = (typeof TASK_SORTS)[number];

export const Task = v.strictObject({
  id: resourceId,
  title: v.pipe(v.string(), v.examples(['Buy milk'])),
  description: v.pipe(v.nullable(v.string()), v.examples(['2 litres, semi-skimmed'])),
  completed: v.boolean(),
  userId: v.pipe(resourceId, v.description('the owner')),
  version: v.pipe(
    v.number(),
    v.integer(),
    v.minValue(1),
    v.description('1 on create, one more on every change; the `ETag` is this number, quoted'),
    v.examples([1]),
  ),
  createdAt: timestamp,
  updatedAt: timestamp,
});

export type Task = v.InferOutput<typeof Task>;

export const CreateTaskHeaders = v.object({ 'idempotency-key': v.optional(idempotencyKey) });
export const GetTaskHeaders = v.object({ 'if-none-match': v.optional(ifNoneMatch) });
export const ChangeTaskHeaders = v.object({ 'if-match': v.optional(ifMatch) });

export const TaskChangesQuery = v.strictObject({
  since: v.optional(
    v.pipe(
      v.string(),
      v.maxLength(2048, 'is not a cursor this API issued'),
      v.regex(CURSOR, 'is not a cursor this API issued'),
      v.description('`nextSince` of your last sync; absent: from the beginning (every live task)'),
    ),
  ),
  limit: optionalInteger(1, 500, 'changes per answer at most (default 100)'),
});

export const TaskChange = v.variant('type', [
  v.strictObject({ type: v.literal('upsert'), task: Task }),
  v.strictObject({
    type: v.literal('delete'),
    id: resourceId,
    deletedAt: timestamp,
  }),
]);

export type TaskChange = v.InferOutput<typeof TaskChange>;

export const TaskChanges = v.strictObject({
  changes: v.pipe(v.array(TaskChange), v.description('oldest first; a task at most once, in its latest state')),
  nextSince: v.pipe(v.string(), v.description('pass as `since` next time; opaque')),
  hasMore: v.pipe(
    v.boolean(),
    v.description(
      'true: call again with `nextSince` now (more changes, or changes still committing); ' +
        'false: your copy is up to date as of this answer',
    ),
  ),
});
