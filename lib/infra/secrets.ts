import { SECRET_VARIABLES, type SecretVariable } from '#lib/infra/config.ts';

/**
 * Secrets of deployed stages come from SSM Parameter Store at cold start, never from the
 * template: a function's environment holds only the parameter's name (`DATABASE_URL_SSM_PARAMETER`
 * for `DATABASE_URL`, and so on), its role may read that parameter, and the value is fetched
 * once per Lambda instance (the pipeline's configuration step), decrypted, and kept in memory.
 *
 * A value already in the environment always wins, so local runs and tests (which set
 * DATABASE_URL and JWT_SECRET themselves) never load @middy/ssm nor the AWS SDK it imports.
 */

type Environment = Record<string, string | undefined>;

export const parameterVariable = (variable: SecretVariable) => `${variable}_SSM_PARAMETER`;

/**
 * Returns a copy of `env` with the given secrets filled in from Parameter Store where the
 * environment names a parameter instead of giving the value, in one call for all of them
 * (@middy/ssm batches them). Throws one line naming the variable when a parameter cannot be read.
 */
export async function withSecrets(
  env: Environment,
  variables: readonly SecretVariable[] = SECRET_VARIABLES,
): Promise<Environment> {
  const fetchData: Partial<Record<SecretVariable, string>> = {};
  for (const variable of variables) {
    const parameter = env[parameterVariable(variable)];
    if (!env[variable] && parameter) fetchData[variable] = parameter;
  }
  const wanted = Object.entries(fetchData) as [SecretVariable, string][];
  if (wanted.length === 0) return env;

  // Loaded only here: the SDK costs cold-start time that local runs need not pay.
  const { default: ssm } = await import('@middy/ssm');
  const fetchSecrets = ssm({
    fetchData,
    // Read once; config() keeps the result for the instance's life.
    cacheExpiry: 0,
    // Fail within a few seconds (a VPC without a route to SSM) rather than at the function timeout.
    awsClientOptions: { maxAttempts: 2, requestHandler: { connectionTimeout: 2000, requestTimeout: 3000 } },
  });
  const request = { internal: {} as Record<string, unknown> };
  await fetchSecrets.before?.(request as never);
  const results = await Promise.allSettled(wanted.map(([variable]) => request.internal[variable]));
  const names = wanted.map(([, parameter]) => parameter).join(', ');
  const filled: Environment = { ...env };
  for (const [index, [variable, parameter]] of wanted.entries()) {
    const result = results[index] as PromiseSettledResult<unknown>;
    if (result.status === 'rejected') {
      const message = (result.reason as Error).message;
      if (message === `InvalidParameter ${parameter}`) {
        throw new Error(
          `Invalid configuration: ${variable} parameter ${parameter} does not exist in SSM Parameter Store`,
        );
      }
      throw new Error(
        `Invalid configuration: ${variable} could not be read from SSM Parameter Store (${names}): ${message}`,
        { cause: result.reason },
      );
    }
    // @middy/ssm parses values that look like JSON; a secret is text whatever it looks like.
    filled[variable] = typeof result.value === 'string' ? result.value : JSON.stringify(result.value);
  }
  return filled;
}
