import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PASSWORD, uniqueEmail } from '../helpers/auth.ts';
import { call } from '../helpers/http.ts';
import { api } from '../helpers/local-api.ts';
import { serverDatabase } from '../helpers/server-db.ts';

/**
 * Soak: mixed traffic (register, login, refresh, task CRUD) through the local HTTP server from
 * 20 concurrent clients for SOAK_SECONDS (default 120). No 5xx, server memory flat, database
 * connections bounded. Run by `npm run test:reliability` (and .ci/run), not by `npm test`.
 */

const SECONDS = Number(process.env.SOAK_SECONDS ?? 120);
const CLIENTS = 20;
const WARMUP_SECONDS = Math.min(20, SECONDS / 4);
const db = serverDatabase();

/** Resident memory of the server process and its children (serverless-offline), in MiB. */
function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const own = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  let children: string[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  } catch {}
  return own + children.reduce((sum, child) => sum + rssMiB(Number(child)), 0);
}

async function client(until: number, statuses: Map<number, number>): Promise<void> {
  const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
  const email = uniqueEmail('soak');
  const registered = await call('POST', '/api/v1/auth/register', { body: { email, password: PASSWORD } });
  count(registered.status);
  let tokens = registered.body?.data?.tokens ?? {};
  for (let round = 0; Date.now() < until; round++) {
    const auth = { Authorization: `Bearer ${tokens.accessToken}` };
    const created = await call('POST', '/api/v1/tasks', { headers: auth, body: { title: `soak ${round}` } });
    count(created.status);
    const id = created.body?.data?.id;
    count((await call('GET', '/api/v1/tasks?pageSize=10', { headers: auth })).status);
    if (id) {
      count((await call('GET', `/api/v1/tasks/${id}`, { headers: auth })).status);
      count((await call('PATCH', `/api/v1/tasks/${id}`, { headers: auth, body: { completed: true } })).status);
      if (round % 2 === 0) count((await call('DELETE', `/api/v1/tasks/${id}`, { headers: auth })).status);
    }
    if (round % 5 === 4) {
      const refreshed = await call('POST', '/api/v1/auth/refresh', { body: { refreshToken: tokens.refreshToken } });
      count(refreshed.status);
      if (refreshed.status === 200) tokens = refreshed.body.data.tokens;
    }
    if (round % 20 === 19) {
      const login = await call('POST', '/api/v1/auth/login', { body: { email, password: PASSWORD } });
      count(login.status);
      if (login.status === 200) tokens = login.body.data.tokens;
    }
  }
}

describe('soak', () => {
  it(`serves ${CLIENTS} clients of mixed traffic with no 5xx, flat memory and bounded connections`, {
    timeout: (SECONDS + 60) * 1000,
  }, async () => {
    const pid = api.pid;
    const database = new URL(api.databaseUrl).pathname.slice(1);
    const statuses = new Map<number, number>();
    let peakConnections = 0;
    const sampler = setInterval(async () => {
      const [row] = await db`select count(*)::int as n from pg_stat_activity where datname = ${database}`;
      peakConnections = Math.max(peakConnections, row?.n ?? 0);
    }, 500);
    const until = Date.now() + SECONDS * 1000;
    const clients = Array.from({ length: CLIENTS }, () => client(until, statuses));

    await new Promise((resolve) => setTimeout(resolve, WARMUP_SECONDS * 1000));
    const rssAfterWarmup = rssMiB(pid);
    await Promise.all(clients);
    const rssAtEnd = rssMiB(pid);
    clearInterval(sampler);

    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    const serverErrors = [...statuses].filter(([status]) => status >= 500).reduce((a, [, n]) => a + n, 0);
    const summary = {
      seconds: SECONDS,
      clients: CLIENTS,
      requests: total,
      statuses: Object.fromEntries([...statuses].sort(([a], [b]) => a - b)),
      rssMiB: { afterWarmup: Math.round(rssAfterWarmup), end: Math.round(rssAtEnd) },
      peakDatabaseConnections: peakConnections,
    };
    process.stderr.write(`soak: ${JSON.stringify(summary)}\n`);
    expect(total).toBeGreaterThan(SECONDS * 10);
    expect(serverErrors).toBe(0);
    // Flat: no more than a quarter above the warmed-up footprint.
    expect(rssAtEnd).toBeLessThan(rssAfterWarmup * 1.25);
    expect(peakConnections).toBeGreaterThan(0);
    expect(peakConnections).toBeLessThanOrEqual(CLIENTS * 15);
  });
});
