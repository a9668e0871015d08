import { describe, expect, it } from 'vitest';
import { captureLogs } from '../helpers/logs.ts';

// Before anything loads the logger or the metrics: EMF on (TEST_ENV turns it off for the other
// files), info lines on, a lockout after two failed logins, and an instance Lambda started on
// demand (Powertools counts a cold start only then).
process.env.POWERTOOLS_METRICS_DISABLED = 'false';
process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'on-demand';
process.env.LOG_LEVEL = 'info';
process.env.RATE_LIMIT_LOGIN_FAILURES = '2/15m';
const { invoke } = await import('../helpers/lambda.ts');
const { PASSWORD, registerUser, uniqueEmail } = await import('../helpers/auth.ts');
const { handler: health } = await import('../../functions/health.ts');
const { handler: login } = await import('../../functions/auth-login.ts');
const { handler: refresh } = await import('../../functions/auth-refresh.ts');
const { handler: updateMe } = await import('../../functions/users-me-update.ts');
const { database } = await import('#lib/infra/database.ts');
const { EVENT_METRICS } = await import('#lib/infra/metrics.ts');

interface Emf {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[];
  };
  [key: string]: unknown;
}

const records = (lines: string[]) =>
  lines.flatMap((chunk) => chunk.split('\n')).flatMap((line) => (line.trim() ? [JSON.parse(line)] : []));

/** The EMF documents among the lines, each checked against the format's rules. */
function emfOf(lines: string[]): Emf[] {
  const documents = records(lines).filter((record) => '_aws' in record) as Emf[];
  for (const document of documents) {
    expect(Number.isInteger(document._aws.Timestamp)).toBe(true);
    for (const directive of document._aws.CloudWatchMetrics) {
      expect(directive.Namespace).toBe('taskapi/local');
      for (const set of directive.Dimensions) {
        expect(set.length).toBeLessThanOrEqual(30);
        for (const dimension of set) expect(typeof document[dimension], dimension).toBe('string');
      }
      for (const metric of directive.Metrics) {
        const value = document[metric.Name];
        expect(typeof value === 'number' || Array.isArray(value), metric.Name).toBe(true);
        expect(metric.Unit).toMatch(/^(Count|Milliseconds)$/);
      }
    }
  }
  return documents;
}

/** The documents that carry `metric`, with their dimension sets. */
const withMetric = (documents: Emf[], metric: string) =>
  documents.filter((document) =>
    document._aws.CloudWatchMetrics.some((directive) => directive.Metrics.some((entry) => entry.Name === metric)),
  );
const dimensionsOf = (document: Emf) => document._aws.CloudWatchMetrics.flatMap((directive) => directive.Dimensions);

describe('metrics (EMF) and log lines', () => {
  it('counts requests by route and status class, their latency, and one cold start', async () => {
    const lines = captureLogs();

    await invoke(health, { resource: '/api/v1/health' });
    await invoke(health, { resource: '/api/v1/health' });

    const documents = emfOf(lines());
    const requests = withMetric(documents, 'Requests');
    expect(requests).toHaveLength(2);
    for (const document of requests) {
      expect(document).toMatchObject({
        service: 'taskapi',
        route: 'GET /api/v1/health',
        statusClass: '2xx',
        Requests: 1,
      });
      expect(dimensionsOf(document)).toEqual([['service', 'route', 'statusClass']]);
    }
    const latency = withMetric(documents, 'Latency');
    expect(latency).toHaveLength(2);
    expect(latency[0]?.Latency).toBeGreaterThan(0);
    expect(dimensionsOf(latency[0] as Emf)).toEqual([['service', 'route']]);
    expect(withMetric(documents, 'ColdStart')).toHaveLength(1);
  });

  it('counts failed logins, lockouts, rate-limit refusals and refresh reuse, with the service dimension only', async () => {
    const user = await registerUser();
    const lines = captureLogs();
    const email = uniqueEmail('locked');
    for (let attempt = 0; attempt < 3; attempt++) {
      await invoke(login, {
        method: 'POST',
        resource: '/api/v1/auth/login',
        body: { email, password: 'wrong password!' },
      });
    }
    const rotated = await invoke(refresh, {
      method: 'POST',
      resource: '/api/v1/auth/refresh',
      body: { refreshToken: user.refreshToken },
    });
    expect(rotated.status).toBe(200);
    // Spent long enough ago to be past the reuse grace period.
    await database().sql`update refresh_tokens set used_at = used_at - interval '1 minute' where used_at is not null`;
    const reused = await invoke(refresh, {
      method: 'POST',
      resource: '/api/v1/auth/refresh',
      body: { refreshToken: user.refreshToken },
    });
    expect(reused.status).toBe(401);

    const documents = emfOf(lines());
    const total = (metric: string, dimensions = [['service']]) =>
      withMetric(documents, metric)
        .filter((document) => JSON.stringify(dimensionsOf(document)) === JSON.stringify(dimensions))
        .reduce((sum, document) => sum + Number(document[metric]), 0);
    expect(total(EVENT_METRICS['login.failed'])).toBe(2);
    expect(total(EVENT_METRICS['login.locked'])).toBe(1);
    expect(total(EVENT_METRICS['rate_limit.rejected'])).toBe(1);
    expect(total(EVENT_METRICS['rate_limit.rejected'], [['service', 'rule']])).toBe(1);
    expect(
      withMetric(documents, EVENT_METRICS['rate_limit.rejected']).find((document) => 'rule' in document)?.rule,
    ).toBe('loginFailures');
    expect(total(EVENT_METRICS['refresh.reuse_detected'])).toBe(1);
  });

  it('counts a wrong current password as a failed login, as a wrong password at login', async () => {
    const user = await registerUser();
    const lines = captureLogs();

    const reply = await invoke(updateMe, {
      method: 'PATCH',
      resource: '/api/v1/users/me',
      headers: { Authorization: `Bearer ${user.accessToken}` },
      body: { password: 'a brand new passphrase', currentPassword: 'not the password' },
    });

    expect(reply.status).toBe(401);
    const failed = withMetric(emfOf(lines()), EVENT_METRICS['login.failed']);
    expect(failed.reduce((sum, document) => sum + Number(document[EVENT_METRICS['login.failed']]), 0)).toBe(1);
  });

  it('writes one JSON log line per request with its context, and never a secret', async () => {
    const user = await registerUser();
    const lines = captureLogs();

    const reply = await invoke(login, {
      method: 'POST',
      resource: '/api/v1/auth/login',
      body: { email: user.email, password: PASSWORD },
    });
    expect(reply.status).toBe(200);

    const logged = records(lines()).filter((record) => !('_aws' in record));
    const line = logged.find((record) => record.message === 'request');
    expect(line).toMatchObject({
      level: 'INFO',
      service: 'taskapi',
      function_name: 'taskapi-test',
      function_request_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      cold_start: expect.any(Boolean),
      route: 'POST /api/v1/auth/login',
      status: 200,
      latencyMs: expect.any(Number),
    });
    const text = lines().join('\n');
    const { tokens } = reply.body.data;
    for (const secret of [
      PASSWORD,
      tokens.accessToken,
      tokens.refreshToken,
      process.env.JWT_SECRET as string,
      new URL(process.env.DATABASE_URL as string).password || 'no-password-in-url',
    ]) {
      expect(text.includes(secret)).toBe(false);
    }
  });
});
