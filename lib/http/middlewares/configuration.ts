import type { MiddlewareObj } from '@middy/core';
import { config, isConfigured } from '#lib/infra/config.ts';
import { withSecrets } from '#lib/infra/secrets.ts';

/**
 * First step of a cold start's first invocation (every function, HTTP or scheduled): the
 * deployed secrets from SSM Parameter Store (once per instance, by @middy/ssm), then the whole
 * configuration checked. A bad value is one line naming the variable (an HTTP route logs it
 * with its 500).
 */
export const configuration = (): MiddlewareObj => ({
  before: async function loadConfiguration() {
    if (isConfigured()) return;
    Object.assign(process.env, await withSecrets(process.env));
    config();
  },
});
