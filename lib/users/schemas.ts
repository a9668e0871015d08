import * as v from 'valibot';
import { userRole } from '#db/schema.ts';
import { newPassword } from '#lib/auth/new-password.ts';
import { email, givenPassword, Tokens } from '#lib/auth/schemas.ts';
import { resourceId, timestamp } from '#lib/http/envelopes.ts';
import { paginationQuery, text } from '#lib/http/validation.ts';

/** Request and response schemas of the user routes. */

/** The roles the database knows (its `user_role` enum): one list for the column, the schemas and the types. */
export const role = v.picklist(userRole.enumValues, 'must be USER or ADMIN');

export type Role = v.InferOutput<typeof role>;

export const ListUsersQuery = v.strictObject({
  ...paginationQuery,
  q: v.optional(v.pipe(text({ min: 1, max: 254, trim: true }), v.description('text in the email, any case'))),
  role: v.optional(role),
});

export const UpdateUserBody = v.strictObject({ role });

export const UpdateMeBody = v.pipe(
  v.strictObject({
    email: v.optional(email),
    password: v.optional(newPassword),
    currentPassword: v.pipe(givenPassword, v.description('proves it is you')),
  }),
  v.check((body) => body.email !== undefined || body.password !== undefined, 'must change email or password'),
  v.description('at least one of email and password; a new password ends every other session'),
);

/** A user as the API shows it: never the password hash. */
export const User = v.strictObject({
  id: resourceId,
  email: v.pipe(v.string(), v.email(), v.examples(['ada@example.com'])),
  role,
  createdAt: timestamp,
  updatedAt: timestamp,
});

export type User = v.InferOutput<typeof User>;

/** What register and login answer with: the account and its first tokens. */
export const SignedIn = v.strictObject({ user: User, tokens: Tokens });
