import { defineConfig } from 'vitest/config';

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
      // `serverless package` is CPU-heavy: it runs once the app tests (some timing-sensitive) are done.
      { extends: true, test: { name: 'deploy', include: ['test/deploy/**/*.test.ts'], sequence: { groupOrder: 2 } } },
    ],
  },
});
