import * as v from 'valibot';
import { resourceId, timestamp } from '#lib/http/envelopes.ts';
import { booleanParam, paginationQuery, text, uuid } from '#lib/http/validation.ts';

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

export const ListTasksQuery = v.strictObject({
  ...paginationQuery,
  completed: v.optional(booleanParam),
  q: v.optional(
    v.pipe(text({ min: 1, max: 200, trim: true }), v.description('text in the title or description, any case')),
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
});

export type TaskSort = (typeof TASK_SORTS)[number];

export const Task = v.strictObject({
  id: resourceId,
  title: v.pipe(v.string(), v.examples(['Buy milk'])),
  description: v.pipe(v.nullable(v.string()), v.examples(['2 litres, semi-skimmed'])),
  completed: v.boolean(),
  userId: v.pipe(resourceId, v.description('the owner')),
  createdAt: timestamp,
  updatedAt: timestamp,
});

export type Task = v.InferOutput<typeof Task>;
