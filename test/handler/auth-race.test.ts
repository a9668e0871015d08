import { describe, expect, it, vi } from 'vitest';
import { database } from '#lib/infra/database.ts';

const { sql } = database();

import { registerUser } from '../helpers/auth.ts';
import { invoke } from '../helpers/lambda.ts';

type Handler = typeof import('../../functions/auth-refresh.ts')['handler'];

/** Fresh module instances: invoke() knows their route by resource. */
const REFRESH = '/api/v1/auth/refresh';

/** Separate module instances: separate connections, like separate warm Lambda instances. */
async function refreshInstances(count: number): Promise<Handler[]> {
  const handlers: Handler[] = [];
  for (let i = 0; i < count; i++) {
    vi.resetModules();
    handlers.push((await import('../../functions/auth-refresh.ts')).handler);
  }
  return handlers;
}

describe('concurrent refreshes of one token', () => {
  it('leave exactly one live chain in the database, 20 instances at once', async () => {
    const instances = await refreshInstances(20);
    // One warm-up call per instance so each has its connection open, as a warm Lambda would.
    await Promise.all(
      instances.map((handler) =>
        invoke(handler, { method: 'POST', resource: REFRESH, body: { refreshToken: 'warm-up' } }),
      ),
    );
    const account = await registerUser();

    const replies = await Promise.all(
      instances.map((handler) =>
        invoke(handler, { method: 'POST', resource: REFRESH, body: { refreshToken: account.refreshToken } }),
      ),
    );

    expect(replies.map((reply) => reply.status)).toEqual(Array(20).fill(200));
    const [chains] = await sql`select
        count(*) filter (where t.used_at is null)::int as live,
        count(*)::int as issued,
        bool_or(s.revoked_at is not null) as revoked
      from refresh_tokens t join sessions s on s.id = t.session_id where s.user_id = ${account.id}`;
    expect(chains).toEqual({ live: 1, issued: 21, revoked: false });
  });
});
