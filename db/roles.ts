/**
 * The user roles (the `user_role` enum), apart from the schema so that the request schemas, and
 * the tools that load every route declaration, get them without loading drizzle.
 */
export const ROLES = ['USER', 'ADMIN'] as const;
