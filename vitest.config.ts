import { connect } from 'node:net';
import { defineConfig } from 'vitest/config';

/**
 * The rate limiter's behaviour, which every store must have (lib/infra/rate-limit-store.ts):
 * these files run once on the default store (PostgreSQL, project `app`) and once more on Valkey
 * (project `valkey`), against VALKEY_URL or, unset, a server on 127.0.0.1:6379 if one answers.
 */
const LIMITER_TESTS = [
  'test/handler/rate-limit-api.test.ts',
  'test/handler/rate-limit-login.test.ts',
  'test/handler/rate-limit-shared.test.ts',
  'test/handler/rate-limit-failure.test.ts',
  'test/handler/rate-limit-off.test.ts',
  // Failed logins per email and network: their release on success and clear on reset.
  'test/handler/account-security.test.ts',
  // Refreshes per session (the count that finds the token's session), the API rule on 403s.
  'test/handler/abuse-limits.test.ts',
  'test/e2e/rate-limit.test.ts',
];

/** Whether something accepts connections at a redis:// URL's host and port, within a second. */
function answers(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port || 6379), timeout: 1000 });
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

/** A VALKEY_URL that is set runs the project whatever happens; the default only when it answers. */
async function valkeyUrl(): Promise<string | undefined> {
  if (process.env.VALKEY_URL) return process.env.VALKEY_URL;
  const local = 'redis://127.0.0.1:6379';
  if (await answers(local)) return local;
  // The one test skip there is: no Valkey/Redis here.
  process.stdout.write('skipped: set VALKEY_URL\n');
  return undefined;
}

const valkey = await valkeyUrl();

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Tools that call module.enableCompileCache() (the Redocly CLI; npm, which serverless-esbuild
    // runs while packaging, on this Node) would keep a cache in the system temp folder.
    env: { NODE_DISABLE_COMPILE_CACHE: '1' },
    projects: [
      {
        extends: true,
        test: {
          name: 'app',
          include: ['test/**/*.test.ts'],
          // The soak runs on its own: npm run test:reliability.
          exclude: ['test/reliability/**', 'test/deploy/**', '**/node_modules/**'],
          sequence: { groupOrder: 1 },
        },
      },
      ...(valkey
        ? [
            {
              extends: true,
              test: {
                name: 'valkey',
                include: LIMITER_TESTS,
                env: { NODE_DISABLE_COMPILE_CACHE: '1', RATE_LIMIT_STORE: 'valkey', VALKEY_URL: valkey },
                sequence: { groupOrder: 1 },
              },
            },
          ]
        : []),
      // `serverless package` is CPU-heavy: it runs once the app tests (some timing-sensitive) are done.
      { extends: true, test: { name: 'deploy', include: ['test/deploy/**/*.test.ts'], sequence: { groupOrder: 2 } } },
    ],
  },
});
