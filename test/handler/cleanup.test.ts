import { describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  // The longest window decides how long a row can matter: an hour here.
  process.env.RATE_LIMIT_REGISTER = '5/1h';
  process.env.RATE_LIMIT_LOGIN = '10/15m';
});

import { database } from '#lib/infra/database.ts';

const { sql } = database();

import { CLEANUP_BATCH_SIZE } from '#lib/infra/database.ts';
import { handler as cleanup } from '../../functions/cleanup.ts';
import { lambdaContext, scheduledEvent } from '../helpers/lambda.ts';
import { captureLogs } from '../helpers/logs.ts';

const schedule = scheduledEvent('taskapi-cleanup');

describe('the scheduled clean-up', () => {
  it('deletes every window older than the longest rule, in batches, and keeps the rest', async () => {
    captureLogs();
    const expired = CLEANUP_BATCH_SIZE * 2 + 500;
    await sql`
      insert into rate_limits (key, window_start, count)
      select 'register:3600:ip:' || i, now() - interval '61 minutes' - make_interval(secs => i), 1
      from generate_series(1, ${expired}::int) as i`;
    await sql`
      insert into rate_limits (key, window_start, count) values
        ('register:3600:ip:198.51.100.1', now() - interval '59 minutes', 3),
        ('login:900:ip:198.51.100.1', now(), 1)`;

    const result = await cleanup(schedule, lambdaContext());

    expect(result).toMatchObject({ deleted: expired });
    const rows = await sql<{ key: string }[]>`select key from rate_limits order by key`;
    expect(rows.map((row) => row.key)).toEqual(['login:900:ip:198.51.100.1', 'register:3600:ip:198.51.100.1']);
  });

  it('stops between batches when the invocation is nearly out of time', async () => {
    captureLogs();
    await sql`
      insert into rate_limits (key, window_start, count)
      select 'login:900:ip:' || i, now() - interval '2 hours', 1
      from generate_series(1, ${CLEANUP_BATCH_SIZE * 2}::int) as i`;

    const result = await cleanup(schedule, lambdaContext(1000));

    expect(result).toMatchObject({ deleted: CLEANUP_BATCH_SIZE });
  });

  it('deletes one-time tokens, sessions and refresh tokens 7 days after they ended, and old emails', async () => {
    captureLogs();
    const [user] = await sql`insert into users (email, password_hash) values ('cleanup@example.com', 'x') returning id`;
    await sql`
      insert into one_time_tokens (token_hash, kind, user_id, expires_at, used_at) values
        ('live', 'verify_email', ${user?.id}, now() + interval '1 hour', null),
        ('used-recently', 'verify_email', ${user?.id}, now() + interval '1 hour', now()),
        ('used-long-ago', 'verify_email', ${user?.id}, now() - interval '7 days', now() - interval '8 days'),
        ('expired-recently', 'reset_password', ${user?.id}, now() - interval '1 second', null),
        ('expired-long-ago', 'reset_password', ${user?.id}, now() - interval '8 days', null)`;
    await sql`
      insert into email_outbox (recipient, template, payload, attempts, sent_at, created_at) values
        ('a@example.com', 'waiting', '{}', 0, null, now() - interval '8 days'),
        ('b@example.com', 'sent-recently', '{}', 1, now() - interval '6 days', now() - interval '6 days'),
        ('c@example.com', 'sent-long-ago', '{}', 1, now() - interval '8 days', now() - interval '8 days'),
        ('d@example.com', 'given-up-recently', '{}', 8, null, now() - interval '8 days'),
        ('e@example.com', 'given-up-long-ago', '{}', 8, null, now() - interval '31 days')`;
    await sql`
      insert into sessions (user_agent, user_id, expires_at, revoked_at) values
        ('live', ${user?.id}, now() + interval '1 day', null),
        ('revoked-recently', ${user?.id}, now() + interval '1 day', now() - interval '6 days'),
        ('revoked-long-ago', ${user?.id}, now() + interval '1 day', now() - interval '8 days'),
        ('expired-long-ago', ${user?.id}, now() - interval '8 days', null)`;
    const [live] = await sql`select id from sessions where user_agent = 'live'`;
    await sql`
      insert into refresh_tokens (token_hash, session_id, expires_at, used_at) values
        ('current', ${live?.id}, now() + interval '1 day', null),
        ('spent-recently', ${live?.id}, now() + interval '1 day', now() - interval '1 hour'),
        ('spent-and-expired-long-ago', ${live?.id}, now() - interval '1 day', now() - interval '8 days'),
        ('unused-expired-long-ago', ${live?.id}, now() - interval '8 days', null)`;

    const result = await cleanup(schedule, lambdaContext());

    expect(result).toMatchObject({ tokens: 2, emails: 2, sessions: 2, refreshTokens: 2 });
    expect((await sql`select token_hash from one_time_tokens order by 1`).map((row) => row.token_hash)).toEqual([
      'expired-recently',
      'live',
      'used-recently',
    ]);
    expect((await sql`select template from email_outbox order by template`).map((row) => row.template)).toEqual([
      'given-up-recently',
      'sent-recently',
      'waiting',
    ]);
    expect((await sql`select user_agent from sessions order by 1`).map((row) => row.user_agent)).toEqual([
      'live',
      'revoked-recently',
    ]);
    expect((await sql`select token_hash from refresh_tokens order by 1`).map((row) => row.token_hash)).toEqual([
      'current',
      'spent-recently',
    ]);
  });
});
