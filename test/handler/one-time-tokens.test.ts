import { describe, expect, it } from 'vitest';
import { consumeOneTimeToken, issueOneTimeToken } from '#lib/auth/one-time-tokens.ts';
import { database } from '#lib/infra/database.ts';
import { registerUser } from '../helpers/auth.ts';

const { db, sql } = database();

const issue = (userId: string, kind: 'verify_email' | 'reset_password' | 'change_email', newEmail?: string) =>
  db.transaction((tx) => issueOneTimeToken(tx, userId, kind, newEmail));
const consume = (token: string, kind: 'verify_email' | 'reset_password' | 'change_email') =>
  db.transaction((tx) => consumeOneTimeToken(tx, token, kind));

describe('one-time tokens', () => {
  it('are 256 random bits in URL-safe base64, stored only as a hash', async () => {
    const user = await registerUser();

    const token = await issue(user.id, 'verify_email');

    expect(token).toMatch(/^[\w-]{43}$/);
    const rows = await sql`select token_hash from one_time_tokens where user_id = ${user.id}`;
    expect(rows.map((row) => row.token_hash)).not.toContain(token);
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('are single use', async () => {
    const user = await registerUser();
    const token = await issue(user.id, 'reset_password');

    await expect(consume(token, 'reset_password')).resolves.toEqual({
      userId: user.id,
      kind: 'reset_password',
      newEmail: null,
    });
    await expect(consume(token, 'reset_password')).rejects.toMatchObject({ code: 'INVALID_ONE_TIME_TOKEN' });
  });

  it('are of one kind: a reset token cannot verify and a verification token cannot reset', async () => {
    const user = await registerUser();
    const reset = await issue(user.id, 'reset_password');
    const verify = await issue(user.id, 'verify_email');

    await expect(consume(reset, 'verify_email')).rejects.toMatchObject({ code: 'INVALID_ONE_TIME_TOKEN' });
    await expect(consume(verify, 'reset_password')).rejects.toMatchObject({ code: 'INVALID_ONE_TIME_TOKEN' });
    await expect(consume(reset, 'reset_password')).resolves.toMatchObject({ userId: user.id });
  });

  it('expire: 30 minutes for a reset, 24 hours for verification and email change', async () => {
    const user = await registerUser();
    await issue(user.id, 'reset_password');
    await issue(user.id, 'verify_email');
    await issue(user.id, 'change_email', 'new@example.com');

    const rows = await sql`
      select kind, extract(epoch from expires_at - created_at)::int as ttl, new_email
      from one_time_tokens where user_id = ${user.id} and used_at is null order by kind`;
    expect(rows.map((row) => [row.kind, row.ttl, row.new_email])).toEqual(
      expect.arrayContaining([
        ['reset_password', 1800, null],
        ['verify_email', 86_400, null],
        ['change_email', 86_400, 'new@example.com'],
      ]),
    );
  });

  it('past their expiry are refused', async () => {
    const user = await registerUser();
    const token = await issue(user.id, 'reset_password');
    await sql`update one_time_tokens set expires_at = now() - interval '1 second' where user_id = ${user.id}`;

    await expect(consume(token, 'reset_password')).rejects.toMatchObject({ code: 'INVALID_ONE_TIME_TOKEN' });
  });

  it('end the earlier tokens of the same kind, and only of that kind', async () => {
    const user = await registerUser();
    const first = await issue(user.id, 'verify_email');
    const reset = await issue(user.id, 'reset_password');
    const second = await issue(user.id, 'verify_email');

    await expect(consume(first, 'verify_email')).rejects.toMatchObject({ code: 'INVALID_ONE_TIME_TOKEN' });
    await expect(consume(second, 'verify_email')).resolves.toMatchObject({ userId: user.id });
    await expect(consume(reset, 'reset_password')).resolves.toMatchObject({ userId: user.id });
  });

  it('refuse unknown values', async () => {
    await expect(consume('not-a-token', 'verify_email')).rejects.toMatchObject({ code: 'INVALID_ONE_TIME_TOKEN' });
  });

  it('go with their user', async () => {
    const user = await registerUser();
    await issue(user.id, 'verify_email');

    await sql`delete from users where id = ${user.id}`;

    expect(await sql`select 1 from one_time_tokens where user_id = ${user.id}`).toHaveLength(0);
  });
});
