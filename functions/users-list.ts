import { route } from '#lib/http.ts';
import { paginated } from '#lib/responses.ts';
import { ListUsersQuery } from '#lib/schemas/users.ts';
import { listUsers } from '#lib/users.ts';

/** GET /api/v1/users (admin): paginated, `q` matches email, `role` filters. */
export const handler = route({ auth: 'admin', query: ListUsersQuery }, async function users({ query }) {
  const { items, total } = await listUsers(query);
  return paginated(items, total, query);
});
