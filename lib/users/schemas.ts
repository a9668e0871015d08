import * as v from 'valibot';
import { ROLES } from '#db/roles.ts';
import type { users } from '#db/schema.ts';
import { Tokens } from '#lib/auth/schemas.ts';
import { emailRule, paginationQuery, resourceId, text, timestamp } from '#lib/core/schema.ts';

/** Request and response schemas of the user routes. */

/** The roles the database knows (its `user_role` enum): one list for the column, the schemas and the types. */
export const role = v.picklist(ROLES, 'must be USER or ADMIN');

export type Role = v.InferOutput<typeof role>;

export const ListUsersQuery = v.strictObject({
  ...paginationQuery,
  q: v.optional(v.pipe(text({ min: 1, max: 254, trim: true }), v.description('text in the email, any case'))),
  role: v.optional(role),
});

export const UpdateUserBody = v.strictObject({ role });

/** A user as the API shows it: never the password hash. */
export const User = v.strictObject({
  id: resourceId,
  email: v.pipe(v.string(), ...emailRule, v.examples(['ada@example.com'])),
  emailVerified: v.pipe(v.boolean(), v.description('the owner confirmed the address through an emailed link')),
  pendingEmail: v.pipe(
    v.nullable(v.pipe(v.string(), ...emailRule)),
    v.description('a new address waiting for its confirmation link; `email` stays in force until then'),
  ),
  role,
  createdAt: timestamp,
  updatedAt: timestamp,
});

export type User = v.InferOutput<typeof User>;

/** What register and login answer with: the account and its first tokens. */
export const SignedIn = v.strictObject({ user: User, tokens: Tokens });

export type UserRow = typeof users.$inferSelect;

/** The public shape of a user (the User schema): never the hash. */
export function toUser(
  row: Pick<UserRow, 'id' | 'email' | 'emailVerifiedAt' | 'pendingEmail' | 'role' | 'createdAt' | 'updatedAt'>,
): User {
  return {
    id: row.id,
    email: row.email,
    emailVerified: row.emailVerifiedAt !== null,
    pendingEmail: row.pendingEmail,
    role: row.role,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
