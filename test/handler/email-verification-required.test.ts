import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.EMAIL_VERIFICATION = 'required';
});

import { allowsUnverified } from '#lib/http/declaration.ts';
import { database } from '#lib/infra/database.ts';
import { handler as login } from '../../functions/auth-login.ts';
import { handler as listTasks } from '../../functions/tasks-list.ts';
import { DECLARATIONS } from '../../scripts/routes.ts';
import { bearer, PASSWORD, registerUser } from '../helpers/auth.ts';
import type { Handler } from '../helpers/hostile.ts';
import { invoke } from '../helpers/lambda.ts';

const { sql } = database();

const bearerRoutes = DECLARATIONS.filter((declaration) => declaration.auth !== 'none');

async function signIn(email: string): Promise<string> {
  const reply = await invoke(login, {
    method: 'POST',
    resource: '/api/v1/auth/login',
    body: { email, password: PASSWORD },
  });
  return reply.body.data.tokens.accessToken;
}

describe('EMAIL_VERIFICATION=required', () => {
  it('answers 403 EMAIL_NOT_VERIFIED on every bearer route but /auth/* and /users/me', async () => {
    // An admin, so that admin routes get past the role check to the verification one.
    const user = await registerUser();
    await sql`update users set role = 'ADMIN' where id = ${user.id}`;

    const outcomes: Record<string, { allowed: boolean; code: string | undefined }> = {};
    for (const declaration of bearerRoutes) {
      const { handler } = (await import(`../../functions/${declaration.function}.ts`)) as { handler: Handler };
      const reply = await invoke(handler, {
        method: declaration.method,
        resource: declaration.path,
        headers: bearer(await signIn(user.email)),
        pathParameters: declaration.params ? { id: randomUUID() } : undefined,
        body: declaration.body ? {} : undefined,
      });
      outcomes[declaration.function] = { allowed: allowsUnverified(declaration), code: reply.body?.error?.code };
    }

    for (const [name, { allowed, code }] of Object.entries(outcomes)) {
      if (allowed) expect(code, name).not.toBe('EMAIL_NOT_VERIFIED');
      else expect(code, name).toBe('EMAIL_NOT_VERIFIED');
    }
    expect(Object.values(outcomes).filter((outcome) => !outcome.allowed).length).toBeGreaterThan(5);
    expect(Object.values(outcomes).filter((outcome) => outcome.allowed).length).toBeGreaterThan(5);
  });

  it('lets the caller in once the address is confirmed', async () => {
    const user = await registerUser();
    const before = await invoke(listTasks, { resource: '/api/v1/tasks', headers: bearer(user.accessToken) });
    await sql`update users set email_verified_at = now() where id = ${user.id}`;

    const after = await invoke(listTasks, { resource: '/api/v1/tasks', headers: bearer(user.accessToken) });

    expect(before.status).toBe(403);
    expect(before.body.error.message).toMatch(/confirm your email/i);
    expect(after.status).toBe(200);
  });
});
