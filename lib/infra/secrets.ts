import { SECRET_VARIABLES, type SecretVariable } from '#lib/infra/config.ts';

/**
 * Secrets of deployed stages come from SSM Parameter Store at cold start, never from the
 * template: a function's environment holds only the parameter's name (`DATABASE_URL_SSM_PARAMETER`
 * for `DATABASE_URL`, and so on), its role may read that parameter, and the value is fetched
 * once per Lambda instance (the pipeline's configuration step), decrypted, and kept in memory.
 *
 * A value already in the environment always wins, so local runs and tests (which set
 * DATABASE_URL and JWT_SECRET themselves) never reach SSM.
 */

type Environment = Record<string, string | undefined>;

export const parameterVariable = (variable: SecretVariable) => `${variable}_SSM_PARAMETER`;

/**
 * Returns a copy of `env` with the given secrets filled in from Parameter Store where the
 * environment names a parameter instead of giving the value, in one `GetParameters` call for
 * all of them (lib/infra/ssm.ts). Throws one line naming the variable when a parameter cannot
 * be read.
 */
export async function withSecrets(
  env: Environment,
  variables: readonly SecretVariable[] = SECRET_VARIABLES,
): Promise<Environment> {
  const wanted: [SecretVariable, string][] = [];
  for (const variable of variables) {
    const parameter = env[parameterVariable(variable)];
    if (!env[variable] && parameter) wanted.push([variable, parameter]);
  }
  if (wanted.length === 0) return env;

  const names = wanted.map(([, parameter]) => parameter);
  // Loaded only here: local runs never pay for it.
  const { getParameters } = await import('#lib/infra/ssm.ts');
  const read = await getParameters([...new Set(names)], { ...process.env, ...env }).catch((error: unknown) => {
    const [variable] = wanted[0] ?? [];
    throw new Error(
      `Invalid configuration: ${variable} could not be read from SSM Parameter Store (${names.join(', ')}): ${(error as Error).message}`,
      { cause: error },
    );
  });
  const filled: Environment = { ...env };
  for (const [variable, parameter] of wanted) {
    const value = read.values.get(parameter);
    if (value === undefined) {
      throw new Error(
        `Invalid configuration: ${variable} parameter ${parameter} does not exist in SSM Parameter Store`,
      );
    }
    filled[variable] = value;
  }
  return filled;
}
