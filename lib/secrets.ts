import { createRequire } from 'node:module';
import type * as Ssm from '@aws-sdk/client-ssm';

/**
 * Secrets of deployed stages come from SSM Parameter Store at cold start, never from the
 * template: a function's environment holds only the parameter's name (`DATABASE_URL_SSM_PARAMETER`
 * for `DATABASE_URL`, and so on), its role may read that parameter, and the value is fetched
 * once per Lambda instance, decrypted, and kept in memory only.
 *
 * A value already in the environment always wins, so local runs and tests (which set
 * DATABASE_URL and JWT_SECRET themselves) never load the AWS SDK nor call AWS.
 */

export const SECRET_VARIABLES = ['DATABASE_URL', 'JWT_SECRET'] as const;
export type SecretVariable = (typeof SECRET_VARIABLES)[number];

type Environment = Record<string, string | undefined>;

export const parameterVariable = (variable: SecretVariable) => `${variable}_SSM_PARAMETER`;

/**
 * The Lambda runtime ships the AWS SDK (it is left out of the bundles); `require` also finds it
 * on the runtime's NODE_PATH, which ES module resolution does not search.
 */
const load = createRequire(import.meta.url);

async function readParameters(names: string[]): Promise<{ values: Map<string, string>; missing: string[] }> {
  const { SSMClient, GetParametersCommand } = load('@aws-sdk/client-ssm') as typeof Ssm;
  // Fail within a few seconds (a VPC without a route to SSM) rather than at the function timeout.
  const client = new SSMClient({ maxAttempts: 2, requestHandler: { connectionTimeout: 2000, requestTimeout: 3000 } });
  try {
    const output = await client.send(new GetParametersCommand({ Names: names, WithDecryption: true }));
    const values = new Map<string, string>();
    for (const parameter of output.Parameters ?? []) {
      if (parameter.Name && parameter.Value !== undefined) values.set(parameter.Name, parameter.Value);
    }
    return { values, missing: output.InvalidParameters ?? [] };
  } finally {
    client.destroy();
  }
}

/**
 * Returns a copy of `env` with the given secrets filled in from Parameter Store where the
 * environment names a parameter instead of giving the value. One call for all of them.
 * Throws one line naming the variable when a parameter cannot be read.
 */
export async function withSecrets(
  env: Environment,
  variables: readonly SecretVariable[] = SECRET_VARIABLES,
): Promise<Environment> {
  const wanted = new Map<string, SecretVariable>();
  for (const variable of variables) {
    const parameter = env[parameterVariable(variable)];
    if (!env[variable] && parameter) wanted.set(parameter, variable);
  }
  if (wanted.size === 0) return env;

  const names = [...wanted.keys()];
  let result: Awaited<ReturnType<typeof readParameters>>;
  try {
    result = await readParameters(names);
  } catch (error) {
    const variable = wanted.get(names[0] as string);
    throw new Error(
      `Invalid configuration: ${variable} could not be read from SSM Parameter Store (${names.join(', ')}): ${(error as Error).message}`,
      { cause: error },
    );
  }
  const filled: Environment = { ...env };
  for (const [parameter, variable] of wanted) {
    const value = result.values.get(parameter);
    if (value === undefined) {
      throw new Error(
        `Invalid configuration: ${variable} parameter ${parameter} does not exist in SSM Parameter Store`,
      );
    }
    filled[variable] = value;
  }
  return filled;
}
