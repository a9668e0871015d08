import { defineConfig } from 'vitest/config';

/** `npm run test:reliability`: the long-running soak, on the same harness as `npm test`. */
export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup.ts'],
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
