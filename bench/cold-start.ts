import { execFile, spawn } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { arch, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { unzipSync } from 'fflate';
import { apiEvent, type EventOptions } from '../test/helpers/lambda.ts';
import { startSsmStandIn } from './ssm-stand-in.ts';
import { median, round, table } from './stats.ts';

/**
 * Cold start per function: the per-function bundles `serverless package` builds (serverless-
 * esbuild), each imported in a fresh Node process that completes one invocation, database
 * connect included, with source maps on as deployed (serverless.yml's NODE_OPTIONS). Floor:
 * bare Node, and bare Node + one postgres.js connect + SELECT 1. Beside them: the peer's
 * bundle, and tasks-list as deployed, its secrets fetched from a local SSM stand-in.
 */

const RUNS = process.env.BENCH_QUICK === '1' ? 3 : 15;
const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const run = promisify(execFile);

/** Packages every function for this machine's architecture into a temporary folder. */
async function packageFunctions(): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'taskapi-bench-package-'));
  try {
    await runPackage(out);
  } catch (error) {
    rmSync(out, { recursive: true, force: true });
    throw error;
  }
  return out;
}

async function runPackage(out: string): Promise<void> {
  const serverlessBin = join(dirname(require.resolve('serverless/package.json')), 'bin', 'serverless.js');
  const architecture = arch() === 'arm64' ? 'arm64' : 'x86_64';
  await run(
    process.execPath,
    [
      serverlessBin,
      'package',
      '--stage',
      'dev',
      '--package',
      out,
      ...['--param', `architecture=${architecture}`, '--param', 'subnetIds=subnet-bench'],
      ...['--param', 'securityGroupIds=sg-bench', '--param', 'corsOrigins=https://app.example.com'],
      ...['--param', 'sesIdentityArn=arn:aws:ses:eu-west-1:123456789012:identity/example.com'],
      ...['--param', 'mailFromAddress=no-reply@example.com'],
    ],
    { cwd: root, env: { ...process.env, SLS_TELEMETRY_DISABLED: '1' }, maxBuffer: 64 * 1024 * 1024 },
  );
}

/** Unzips one function's package; returns its folder and the bundled entry. */
function unpack(zipFile: string, into: string): { dir: string; entry: string; bundleBytes: number } {
  const dir = join(into, 'fn');
  for (const [name, data] of Object.entries(unzipSync(readFileSync(zipFile)))) {
    if (name.endsWith('/')) continue;
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), data);
  }
  const entry = readdirSync(join(dir, 'functions')).find((name) => name.endsWith('.mjs'));
  if (!entry) throw new Error(`${zipFile}: no bundled .mjs entry`);
  return { dir, entry: join(dir, 'functions', entry), bundleBytes: statSync(join(dir, 'functions', entry)).size };
}

/** Wall time from spawning Node to its exit, in milliseconds. */
function timeProcess(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { env, cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.on('exit', (code) =>
      code === 0 ? resolve(performance.now() - started) : reject(new Error(`exit ${code}: ${errors}`)),
    );
  });
}

async function medianOf(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) samples.push(await timeProcess(args, env, cwd));
  return round(median(samples), 1);
}

/** Medians of two variants, their runs alternating so that a busy moment weighs on both alike. */
async function pairedMedians(
  args: string[],
  cwd: string,
  envs: readonly [NodeJS.ProcessEnv, NodeJS.ProcessEnv],
): Promise<[number, number]> {
  const samples: [number[], number[]] = [[], []];
  for (let i = 0; i < RUNS; i++) {
    samples[0].push(await timeProcess(args, envs[0], cwd));
    samples[1].push(await timeProcess(args, envs[1], cwd));
  }
  return [round(median(samples[0]), 1), round(median(samples[1]), 1)];
}

const RUNNER = `
const [entry, event] = process.argv.slice(1);
const { handler } = await import(entry);
const context = { awsRequestId: crypto.randomUUID(), getRemainingTimeInMillis: () => 10000 };
const result = await handler(JSON.parse(event), context);
if (result.statusCode >= 500) { console.error(result.body); process.exit(1); }
process.exit(0);
`;

/** What a first invocation needs to reach the database: real tokens and ids from the warm phase. */
export interface Fixtures {
  userToken: string;
  adminToken: string;
  userId: string;
  taskId: string;
  /** A token the peer signed (its login). */
  peerToken: string;
}

/** A request each function accepts, so its first invocation runs the whole path to the database. */
function firstRequest(name: string, f: Fixtures): EventOptions {
  const user = { Authorization: `Bearer ${f.userToken}` };
  const admin = { Authorization: `Bearer ${f.adminToken}` };
  const missing = crypto.randomUUID();
  const credentials = { email: 'bench-user@example.com', password: 'correct horse battery staple' };
  const requests: Record<string, EventOptions> = {
    'auth-register': { method: 'POST', body: { email: `cold-${missing}@example.com`, password: credentials.password } },
    'auth-login': { method: 'POST', body: credentials },
    'auth-refresh': { method: 'POST', body: { refreshToken: 'not-a-live-token' } },
    'auth-logout-all': { method: 'POST', headers: user },
    'auth-sessions-list': { headers: user },
    'auth-sessions-delete': { method: 'DELETE', headers: user, pathParameters: { id: missing } },
    'users-me-get': { headers: user },
    'users-me-update': {
      method: 'PATCH',
      headers: user,
      body: { email: 'x@example.com', currentPassword: 'wrong password' },
    },
    'users-list': { headers: admin },
    'users-get': { headers: admin, pathParameters: { id: f.userId } },
    'users-update': { method: 'PATCH', headers: admin, pathParameters: { id: missing }, body: { role: 'USER' } },
    'users-delete': { method: 'DELETE', headers: admin, pathParameters: { id: missing } },
    'tasks-list': { headers: user },
    'tasks-create': { method: 'POST', headers: user, body: { title: 'cold start' } },
    'tasks-get': { headers: user, pathParameters: { id: f.taskId } },
    'tasks-update': { method: 'PATCH', headers: user, pathParameters: { id: f.taskId }, body: { completed: true } },
    'tasks-delete': { method: 'DELETE', headers: user, pathParameters: { id: missing } },
  };
  return requests[name] ?? {};
}

/** `peerEntry`: the peer's bundle (bench/peer/app.ts). */
export async function measureColdStarts(
  databaseUrl: string,
  fixtures: Fixtures,
  say: (text: string) => void,
  peerEntry: string,
) {
  const packaged = await packageFunctions();
  try {
    return await measurePackaged(packaged, databaseUrl, fixtures, say, peerEntry);
  } finally {
    rmSync(packaged, { recursive: true, force: true });
  }
}

async function measurePackaged(
  packaged: string,
  databaseUrl: string,
  fixtures: Fixtures,
  say: (text: string) => void,
  peerEntry: string,
) {
  const env = {
    PATH: process.env.PATH,
    DATABASE_URL: databaseUrl,
    JWT_SECRET: process.env.JWT_SECRET,
    LOG_LEVEL: 'warn',
    // As deployed (serverless.yml provider.environment).
    NODE_OPTIONS: '--enable-source-maps',
  };
  const bareNodeMs = await medianOf(['-e', ''], env, root);
  const postgresModule = require.resolve('postgres');
  const connectScript = `const { default: postgres } = await import(${JSON.stringify(postgresModule)});
    const sql = postgres(process.env.DATABASE_URL, { max: 1, prepare: false });
    await sql\`select 1\`; process.exit(0);`;
  const floorMs = await medianOf(['--input-type=module', '-e', connectScript], env, root);

  const peerEvent = JSON.stringify(
    apiEvent({ resource: '/api/v1/tasks', headers: { Authorization: `Bearer ${fixtures.peerToken}` } }),
  );
  const peer = {
    bundleKiB: round(statSync(peerEntry).size / 1024, 1),
    medianMs: await medianOf(['--input-type=module', '-e', RUNNER, peerEntry, peerEvent], env, root),
  };

  let deployed: Deployed | undefined;
  const functions: { name: string; bundleKiB: number; zipKiB: number; medianMs: number }[] = [];
  for (const file of readdirSync(packaged)
    .filter((name) => name.endsWith('.zip'))
    .sort()) {
    const name = file.replace(/\.zip$/, '');
    if (name === 'taskapi') continue;
    const scratch = mkdtempSync(join(tmpdir(), `taskapi-cold-${name}-`));
    try {
      const { dir, entry, bundleBytes } = unpack(join(packaged, file), scratch);
      const event = JSON.stringify(name === 'migrate' ? {} : apiEvent(firstRequest(name, fixtures)));
      const medianMs = await medianOf(['--input-type=module', '-e', RUNNER, entry, event], env, dir);
      functions.push({
        name,
        bundleKiB: round(bundleBytes / 1024, 1),
        zipKiB: round(statSync(join(packaged, file)).size / 1024, 1),
        medianMs,
      });
      if (name === 'tasks-list') deployed = await measureDeployed(dir, entry, event, env);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  say(
    table(
      ['function', 'bundle KiB', 'zip KiB', 'cold ms (median)', 'ratio to floor'],
      functions.map((f) => [f.name, f.bundleKiB, f.zipKiB, f.medianMs, round(f.medianMs / floorMs, 2)]),
    ),
  );
  say(`floor: bare node ${bareNodeMs} ms; node + connect + SELECT 1 ${floorMs} ms (median of ${RUNS})`);
  say(`peer (Hono + Drizzle + postgres.js) GET /tasks: ${peer.medianMs} ms, bundle ${peer.bundleKiB} KiB`);
  if (deployed) {
    say(
      `tasks-list as deployed: ${deployed.plainMs} ms without secrets fetch, ${deployed.withSecretsMs} ms with it (+${deployed.differenceMs} ms, ${deployed.requests} SSM requests per start)`,
    );
  }
  return { runs: RUNS, bareNodeMs, floorMs, functions, peer, deployed };
}

interface Deployed {
  plainMs: number;
  withSecretsMs: number;
  differenceMs: number;
  /** Requests the stand-in served per cold start. */
  requests: number;
}

/**
 * tasks-list as deployed: its secrets named by SSM parameter (serverless.yml: SECRETS and
 * <VARIABLE>_SSM_PARAMETER), read from a local stand-in of SSM with the fetch path the bundle
 * ships, against the same bundle given the values in its environment. The AWS SDK comes with the
 * Lambda runtime, not in the package: the unpacked function gets this project's, as Lambda's.
 */
async function measureDeployed(dir: string, entry: string, event: string, env: NodeJS.ProcessEnv): Promise<Deployed> {
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  symlinkSync(join(root, 'node_modules', '@aws-sdk'), join(dir, 'node_modules', '@aws-sdk'), 'dir');
  const store = new Map([
    ['/taskapi/bench/database-url', String(env.DATABASE_URL)],
    ['/taskapi/bench/jwt-secret', String(env.JWT_SECRET)],
  ]);
  const standIn = await startSsmStandIn(store);
  try {
    const secrets = { SECRETS: 'DATABASE_URL,JWT_SECRET' };
    const { DATABASE_URL: _url, JWT_SECRET: _secret, ...named } = env;
    const withSecrets = {
      ...named,
      ...secrets,
      DATABASE_URL_SSM_PARAMETER: '/taskapi/bench/database-url',
      JWT_SECRET_SSM_PARAMETER: '/taskapi/bench/jwt-secret',
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIDBENCHONLY',
      AWS_SECRET_ACCESS_KEY: 'bench-only',
      AWS_SESSION_TOKEN: 'bench-session-token',
      AWS_ENDPOINT_URL_SSM: standIn.url,
    };
    const [plainMs, withSecretsMs] = await pairedMedians(['--input-type=module', '-e', RUNNER, entry, event], dir, [
      { ...env, ...secrets },
      withSecrets,
    ]);
    const requests = (standIn.calls.getParameters + standIn.calls.extension) / RUNS;
    if (requests === 0) throw new Error('the deployed cold start never asked the SSM stand-in');
    return { plainMs, withSecretsMs, differenceMs: round(withSecretsMs - plainMs, 1), requests };
  } finally {
    await standIn.close();
  }
}
