import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runMigrations } from '../../db/migrate.ts';
import { ensureDatabase, randomSecret, startEmbeddedPostgres } from '../../scripts/local-db.ts';
import { freePort } from '../../scripts/ports.ts';
import { PASSWORD, uniqueEmail } from '../helpers/auth.ts';
import { invoke, type Reply } from '../helpers/lambda.ts';
import { captureLogs } from '../helpers/logs.ts';

// Each instance is a fresh module (vi.resetModules): invoke() knows its route by resource.
const REGISTER = '/api/v1/auth/register';
const REFRESH = '/api/v1/auth/refresh';
const HEALTH = '/api/v1/health';

/**
 * Faults injected into a PostgreSQL this file starts itself: stopped while requests are in
 * flight, then started again; and its connection slots used up. Few connections
 * (max_connections 20) so the second case is cheap to reach.
 */

const dataDir = mkdtempSync(join(tmpdir(), 'taskapi-faults-pg-'));
const port = await freePort();
const options = {
  dataDir,
  port,
  persistent: true,
  password: randomSecret(),
  settings: { max_connections: '20', superuser_reserved_connections: '0', fsync: 'off' },
};
let server = await startEmbeddedPostgres(options);
const url = await ensureDatabase(server.adminUrl, 'faults');
await runMigrations(url);
process.env.DATABASE_URL = url;
const check = postgres(url, { max: 1, onnotice: () => {} });

afterAll(async () => {
  await check.end({ timeout: 1 });
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

type Handlers = {
  register: Parameters<typeof invoke>[0];
  refresh: Parameters<typeof invoke>[0];
  createTask: Parameters<typeof invoke>[0];
  health: Parameters<typeof invoke>[0];
};

/** A fresh set of handler modules: one warm Lambda instance with its own connection. */
async function instance(): Promise<Handlers> {
  vi.resetModules();
  return {
    register: (await import('../../functions/auth-register.ts')).handler,
    refresh: (await import('../../functions/auth-refresh.ts')).handler,
    createTask: (await import('../../functions/tasks-create.ts')).handler,
    health: (await import('../../functions/health.ts')).handler,
  };
}

interface Outcome {
  reply: Reply;
  ms: number;
}

async function timed(work: Promise<Reply>): Promise<Outcome> {
  const started = performance.now();
  const reply = await work;
  return { reply, ms: performance.now() - started };
}

/** One client's traffic: register, refresh, create a task, again, until told to stop. */
async function traffic(handlers: Handlers, until: () => boolean, outcomes: Outcome[], acknowledged: Set<string>) {
  while (!until()) {
    const email = uniqueEmail('fault');
    const registered = await timed(
      invoke(handlers.register, { method: 'POST', resource: REGISTER, body: { email, password: PASSWORD } }),
    );
    outcomes.push(registered);
    if (registered.reply.status !== 201) continue;
    acknowledged.add(email);
    const { accessToken, refreshToken } = registered.reply.body.data.tokens;
    outcomes.push(await timed(invoke(handlers.refresh, { method: 'POST', resource: REFRESH, body: { refreshToken } })));
    outcomes.push(
      await timed(
        invoke(handlers.createTask, {
          method: 'POST',
          resource: '/api/v1/tasks',
          headers: { Authorization: `Bearer ${accessToken}` },
          body: { title: 'during the fault' },
        }),
      ),
    );
  }
}

describe('the database stopping mid-traffic', () => {
  it('answers 503 or succeeds, never 500 nor after 5 s, leaves no half-written rows, and recovers', async () => {
    captureLogs();
    const instances = await Promise.all([instance(), instance(), instance(), instance()]);
    const outcomes: Outcome[] = [];
    const acknowledged = new Set<string>();
    let stopAt = Number.POSITIVE_INFINITY;
    const clients = instances.map((handlers) => traffic(handlers, () => Date.now() > stopAt, outcomes, acknowledged));

    await new Promise((resolve) => setTimeout(resolve, 1500));
    await server.stop();
    const stoppedAfter = outcomes.length;
    stopAt = Date.now() + 1500;
    await Promise.all(clients);

    const statuses = new Set(outcomes.map((o) => o.reply.status));
    process.stderr.write(
      `database stopped mid-traffic: ${outcomes.length} requests, ${outcomes.filter((o) => o.reply.status === 503).length} answered 503, slowest ${Math.round(Math.max(...outcomes.map((o) => o.ms)))} ms\n`,
    );
    expect(stoppedAfter).toBeGreaterThan(10);
    expect(outcomes.length).toBeGreaterThan(stoppedAfter);
    expect([...statuses].every((status) => [200, 201, 503].includes(status))).toBe(true);
    expect(statuses).toContain(503);
    expect(Math.max(...outcomes.map((o) => o.ms))).toBeLessThan(5000);
    for (const { reply } of outcomes.filter((o) => o.reply.status === 503)) {
      expect(reply.body.error.code).toBe('SERVICE_UNAVAILABLE');
    }

    server = await startEmbeddedPostgres(options);
    // Every registration is whole (user, session, refresh token) or absent.
    const [halfWritten] = await check`select count(*)::int as n from users u
      where not exists (select 1 from sessions s join refresh_tokens t on t.session_id = s.id where s.user_id = u.id)`;
    expect(halfWritten?.n).toBe(0);
    // Every refresh rotated or did not: each live session keeps exactly one live refresh token.
    const [chains] = await check`select count(*)::int as n from sessions s where s.revoked_at is null
      and (select count(*) from refresh_tokens t where t.session_id = s.id and t.used_at is null) <> 1`;
    expect(chains?.n).toBe(0);
    // Nothing acknowledged was lost.
    const stored = await check`select email from users`;
    const emails = new Set(stored.map((row) => row.email));
    expect([...acknowledged].every((email) => emails.has(email))).toBe(true);

    // The same warm instances recover on their next request, with no restart.
    for (const handlers of instances) {
      expect((await invoke(handlers.health, { resource: HEALTH })).status).toBe(200);
      const again = await invoke(handlers.register, {
        method: 'POST',
        resource: REGISTER,
        body: { email: uniqueEmail(), password: PASSWORD },
      });
      expect(again.status).toBe(201);
    }
  });
});

describe('connection slots used up', () => {
  it('answers 503, not 500, and recovers when slots free up', async () => {
    captureLogs();
    const hogs: postgres.Sql[] = [];
    for (let i = 0; i < 40; i++) {
      const hog = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => {} });
      try {
        await hog`select 1`;
        hogs.push(hog);
      } catch {
        await hog.end({ timeout: 0 });
        break;
      }
    }
    const { health, register } = await instance();

    const healthReply = await invoke(health, { resource: HEALTH });
    const registerReply = await invoke(register, {
      method: 'POST',
      resource: REGISTER,
      body: { email: uniqueEmail(), password: PASSWORD },
    });

    expect(hogs.length).toBeGreaterThan(0);
    expect(healthReply.status).toBe(503);
    expect(registerReply.status).toBe(503);
    expect(registerReply.body.error.code).toBe('SERVICE_UNAVAILABLE');
    await Promise.all(hogs.map((hog) => hog.end({ timeout: 1 })));
    expect((await invoke(health, { resource: HEALTH })).status).toBe(200);
  });
});
