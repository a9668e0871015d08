import { describe, expect, it } from 'vitest';
import { PASSWORD, uniqueEmail } from '../helpers/auth.ts';
import { call } from '../helpers/http.ts';
import { serverDatabase } from '../helpers/server-db.ts';

const db = serverDatabase();

describe('the audit log over HTTP', () => {
  it('shows an admin the login a user just made', async () => {
    const adminEmail = uniqueEmail('audit-admin');
    const admin = await call('POST', '/api/v1/auth/register', { body: { email: adminEmail, password: PASSWORD } });
    await db`update users set role = 'ADMIN' where id = ${admin.body.data.user.id}`;
    const email = uniqueEmail('audited');
    const user = (await call('POST', '/api/v1/auth/register', { body: { email, password: PASSWORD } })).body.data.user;

    const login = await call('POST', '/api/v1/auth/login', {
      body: { email, password: PASSWORD },
      headers: { 'user-agent': 'audit-e2e' },
    });
    expect(login.status).toBe(200);

    const listed = await call('GET', `/api/v1/admin/audit-events?userId=${user.id}&type=login.succeeded`, {
      headers: { Authorization: `Bearer ${admin.body.data.tokens.accessToken}` },
    });
    expect(listed.status).toBe(200);
    expect(listed.body.meta.total).toBe(1);
    expect(listed.body.data[0]).toMatchObject({
      type: 'login.succeeded',
      actorUserId: user.id,
      subjectUserId: user.id,
      userAgent: 'audit-e2e',
      ip: expect.any(String),
    });
    expect(listed.raw).not.toContain(PASSWORD);
    expect(listed.raw).not.toContain(login.body.data.tokens.refreshToken);
  });
});
