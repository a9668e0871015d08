/** The environment every test (and the local server under test) runs with. */
export const TEST_ENV = {
  JWT_SECRET: 'test-only-secret-that-is-at-least-32-bytes-long',
  CORS_ORIGINS: 'https://app.example.test,https://admin.example.test',
  LOG_LEVEL: 'warn',
} as const;
