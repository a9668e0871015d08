/** The environment every test (and the local server under test) runs with. */
export const TEST_ENV = {
  JWT_SECRET: 'test-only-secret-that-is-at-least-32-bytes-long',
  CORS_ORIGINS: 'https://app.example.test,https://admin.example.test',
  LOG_LEVEL: 'warn',
  // No EMF lines among the log lines tests read; test/handler/observability.test.ts turns them on.
  POWERTOOLS_METRICS_DISABLED: 'true',
  // Generous limits: the shared e2e server serves every e2e file from one IP, and handler tests
  // register many users from one address. Tests of the limits set their own rules.
  RATE_LIMIT_LOGIN: '1000/15m',
  RATE_LIMIT_REGISTER: '1000/1h',
  RATE_LIMIT_PASSWORD_FORGOT: '1000/1h',
  RATE_LIMIT_REFRESH: '1000/15m',
  RATE_LIMIT_API: '10000/1m',
  // The local server's mail catcher on free ports: suites and a developer's `npm start` run side by side.
  MAIL_CATCHER_PORT: '0',
  MAIL_CATCHER_SMTP_PORT: '0',
} as const;
