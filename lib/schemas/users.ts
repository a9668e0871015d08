import * as v from 'valibot';
import { paginationQuery, text } from '../validation.ts';
import { email, givenPassword, newPassword } from './auth.ts';

/** Request schemas of the user routes. */

export const role = v.picklist(['USER', 'ADMIN'], 'must be USER or ADMIN');

export const UpdateMeBody = v.pipe(
  v.strictObject({ email: v.optional(email), password: v.optional(newPassword), currentPassword: givenPassword }),
  v.check((body) => body.email !== undefined || body.password !== undefined, 'must change email or password'),
);

export const ListUsersQuery = v.strictObject({
  ...paginationQuery,
  q: v.optional(text({ min: 1, max: 254, trim: true })),
  role: v.optional(role),
});

export const UpdateUserBody = v.strictObject({ role });
