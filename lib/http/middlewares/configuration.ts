import type { MiddlewareObj } from '@middy/core';
import { config, isConfigured } from '#lib/infra/config.ts';
import { withSecrets } from '#lib/infra/secrets.ts';
import { startTracing } from '#lib/infra/tracing.ts';

/**
 * First step of a cold start's first invocation (every function, HTTP or scheduled): the
 * deployed secrets from SSM Parameter Store (once per instance, lib/infra/secrets.ts) and the
 * Tracer where X-Ray runs, then the whole configuration checked. A bad value is one line naming
 * the variable (an HTTP route logs it with its 500).
 */
export const configuration = (): MiddlewareObj => ({
  before: async function loadConfiguration() {
    if (isConfigured()) return;
    // The Tracer loads while the secrets are fetched (lib/infra/tracing.ts).
    const [env] = await Promise.all([withSecrets(process.env), startTracing()]);
    Object.assign(process.env, env);
    config();
  },
});
