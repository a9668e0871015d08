import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../scripts/ports.ts';
import { table } from './stats.ts';

/** Local HTTP throughput through `npm start`'s server (serverless-offline), with autocannon. */

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

function startServer(databaseUrl: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['scripts/start.ts'], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      // Its mail catcher on free ports, beside a developer's `npm start`.
      MAIL_CATCHER_PORT: '0',
      MAIL_CATCHER_SMTP_PORT: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const watch = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('API ready')) resolve(child);
    };
    child.stdout?.on('data', watch);
    child.stderr?.on('data', watch);
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
  });
}

interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

function autocannon(url: string, args: string[], seconds = 10): Promise<AutocannonResult> {
  const bin = join(require.resolve('autocannon/package.json'), '..', 'autocannon.js');
  const child = spawn(process.execPath, [bin, '--json', '-c', '10', '-d', String(seconds), ...args, url], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(output)) : reject(new Error(`autocannon exited ${code}`)),
    );
  });
}

export async function measureHttp(databaseUrl: string, say: (text: string) => void, seconds = 10) {
  const port = await freePort();
  const server = await startServer(databaseUrl, port);
  const base = `http://127.0.0.1:${port}/api/v1`;
  try {
    const register = await fetch(`${base}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'bench-http@example.com', password: 'correct horse battery staple' }),
    });
    const token = (await register.json()).data.tokens.accessToken as string;
    const auth = ['-H', `authorization=Bearer ${token}`];
    // Warm the instances serverless-offline starts for 10 concurrent requests.
    await autocannon(`${base}/tasks`, auth, Math.min(3, seconds));
    const results = [];
    for (const [name, args] of [
      ['GET /api/v1/tasks', [...auth]],
      ['POST /api/v1/tasks', [...auth, '-m', 'POST', '-H', 'content-type=application/json', '-b', '{"title":"load"}']],
    ] as const) {
      const result = await autocannon(`${base}/tasks`, [...args], seconds);
      results.push({
        name,
        seconds,
        requestsPerSecond: Math.round(result.requests.average),
        p50Ms: result.latency.p50,
        p99Ms: result.latency.p99,
        non2xx: result.non2xx + result.errors + result.timeouts,
      });
    }
    say(
      table(
        ['request', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx'],
        results.map((r) => [r.name, r.requestsPerSecond, r.p50Ms, r.p99Ms, r.non2xx]),
      ),
    );
    return results;
  } finally {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
}
