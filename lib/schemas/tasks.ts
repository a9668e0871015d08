import * as v from 'valibot';
import { booleanParam, paginationQuery, text, uuid } from '../validation.ts';

/** Request schemas of the task routes. */

const title = text({ min: 1, max: 200, trim: true });
const description = v.nullable(text({ max: 10_000 }));
const completed = v.boolean('must be true or false');

export const CreateTaskBody = v.strictObject({
  title,
  description: v.optional(description, null),
  completed: v.optional(completed, false),
});

export const UpdateTaskBody = v.pipe(
  v.strictObject({ title: v.optional(title), description: v.optional(description), completed: v.optional(completed) }),
  v.check((body) => Object.keys(body).length > 0, 'must contain at least one of title, description, completed'),
);

export const TASK_SORTS = ['createdAt', '-createdAt', 'updatedAt', '-updatedAt', 'title', '-title'] as const;

export const ListTasksQuery = v.strictObject({
  ...paginationQuery,
  completed: v.optional(booleanParam),
  q: v.optional(text({ min: 1, max: 200, trim: true })),
  sort: v.optional(v.picklist(TASK_SORTS, `must be one of ${TASK_SORTS.join(', ')}`), '-createdAt'),
  /** Admins only: one user's tasks. */
  userId: v.optional(uuid),
  /** Admins only: everyone's tasks. */
  scope: v.optional(v.picklist(['all'], 'must be all')),
});

export type TaskSort = (typeof TASK_SORTS)[number];
