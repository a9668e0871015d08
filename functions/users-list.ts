import { paginated } from '#lib/http/responses.ts';
import { route } from '#lib/http/route.ts';
import { declaration } from '#lib/http/routes/users-list.ts';
import { listUsers } from '#lib/users/users.ts';

export const handler = route(declaration, async function users({ query }) {
  const { items, total } = await listUsers(query);
  return paginated(items, total, query);
});
