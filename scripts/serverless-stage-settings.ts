/**
 * A local serverless plugin (listed in serverless.yml) for the deployment settings osls cannot
 * express in configuration alone. It reads `custom.stageSettings` and:
 *
 * - marks every HTTP method except OPTIONS `private` (API key required, so the usage plans
 *   apply) when `privateMethods` is true; CORS preflights stay public because browsers never
 *   send an API key on them. An event that sets `private` itself keeps its own value.
 * - gives the stage a default method throttle (`throttle`), which caps every request, keyed
 *   or not. The stage is created by serverless's AWS::ApiGateway::Deployment, whose logical
 *   id changes on every deploy, so its StageDescription can only be set from a plugin.
 * - makes that deployment wait for the gateway responses (they only take effect in a
 *   deployment made after them), and makes the resources named in `dependOnStage` wait for
 *   the stage (a WAF association needs the stage to exist).
 * - installs the external native modules (argon2) for the function architecture, not the
 *   build machine's: npm picks optional platform packages by its `os`/`cpu`/`libc` settings,
 *   which are set here, from `provider.architecture`, for the npm runs serverless-esbuild does
 *   while packaging. Must be listed before serverless-esbuild.
 * - gives each function a role of its own (`<Name>IamRole`) from what the function declares:
 *   `secrets` (names in `secrets`: it may read exactly those SSM parameters, and its environment
 *   names only those, plus `SECRETS`, the variables it must have), `iamStatements` (anything
 *   else, e.g. sending mail), its own log group, X-Ray, and the VPC only if it reaches the
 *   database. A function without database access runs outside the VPC.
 * - checks the concurrency budget: every function that holds a database connection has a
 *   `reservedConcurrency`, and their sum fits `databaseConnections` (one line if not).
 * - puts every HTTP function behind a `Live` alias shifted by CodeDeploy (the canary plugin
 *   reads `deploymentSettings`), and adds the Lambda error and throttle alarms (metric math,
 *   at most 10 functions per alarm) and the stage's dashboard, built from every alarm.
 */

interface HttpEvent {
  method: string;
  path: string;
  private?: boolean;
}

interface FunctionDefinition {
  events?: Array<{ http?: HttpEvent | string; schedule?: unknown }>;
  environment?: Record<string, unknown>;
  role?: string;
  secrets?: string[];
  iamStatements?: Record<string, unknown>[];
  reservedConcurrency?: number | string;
  deploymentSettings?: Record<string, unknown>;
}

/** A secret a function may be given: the variable it lands in and the SSM parameter holding it. */
interface SecretSource {
  variable: string;
  parameter: string;
  /** Whether it is a database URL, so the function needs the VPC and a connection. */
  database?: boolean;
}

interface StageSettings {
  /** A boolean from YAML, or the string 'true'/'false' when given with --param. */
  privateMethods?: boolean | string;
  throttle?: { rateLimit: number; burstLimit: number };
  dependOnStage?: string[];
  /** X-Ray tracing of the API stage. */
  tracing?: boolean | string;
  /** The stage's access log: the logical id of its log group and the line format. */
  accessLog?: { logGroup: string; format: string };
  secrets?: Record<string, SecretSource>;
  /** A customer managed KMS key of the SecureStrings; empty for the default aws/ssm key. */
  secretsKmsKeyArn?: string;
  databaseConnections?: number | string;
  /** Alarm actions and thresholds of the generated Lambda alarms. */
  alarmTopic?: string;
  metricsNamespace?: string;
  lambdaErrorsThreshold?: number | string;
  lambdaThrottlesThreshold?: number | string;
  /** Alarms CodeDeploy watches while shifting traffic, besides the generated Lambda error alarms. */
  rollbackAlarms?: string[];
}

interface CloudFormationResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
}

interface Serverless {
  service: {
    service: string;
    provider: {
      architecture?: string;
      stage: string;
      compiledCloudFormationTemplate: { Resources: Record<string, CloudFormationResource> };
    };
    functions: Record<string, FunctionDefinition>;
    resources?: { Resources?: Record<string, CloudFormationResource> };
    custom?: { stageSettings?: StageSettings };
  };
  configSchemaHandler?: {
    defineFunctionProperties(provider: string, schema: Record<string, unknown>): void;
  };
  getProvider(name: 'aws'): {
    naming: { getNormalizedFunctionName(name: string): string; getLambdaLogicalId(name: string): string };
  };
}

const sub = (text: string) => ({ 'Fn::Sub': text });
// biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string
const ARN = 'arn:${AWS::Partition}';
// biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string
const AT = '${AWS::Region}:${AWS::AccountId}';
/** Lambda creates and deletes the ENIs of a function in a VPC; these actions take no resource. */
const VPC_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
];
/** CloudWatch allows at most 10 metrics in one alarm's math expression. */
const METRICS_PER_ALARM = 10;

const NPM_CPU: Record<string, string> = { arm64: 'arm64', x86_64: 'x64' };
const NPM_PLATFORM_KEYS = ['npm_config_os', 'npm_config_cpu', 'npm_config_libc'] as const;

const asList = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

export default class StageSettingsPlugin {
  readonly hooks: Record<string, () => void>;
  readonly #serverless: Serverless;
  #savedNpmConfig: Partial<Record<(typeof NPM_PLATFORM_KEYS)[number], string | undefined>> = {};

  constructor(serverless: Serverless) {
    this.#serverless = serverless;
    serverless.configSchemaHandler?.defineFunctionProperties('aws', {
      properties: {
        secrets: { type: 'array', items: { type: 'string' } },
        iamStatements: { type: 'array', items: { type: 'object' } },
      },
    });
    this.hooks = {
      initialize: () => this.#assignAccess(),
      'before:package:compileEvents': () => this.#markPrivateMethods(),
      'before:package:createDeploymentArtifacts': () => this.#targetLambdaPlatform(),
      'after:package:createDeploymentArtifacts': () => this.#restoreNpmConfig(),
      'before:aws:package:finalize:saveServiceState': () => {
        this.#configureStage();
        this.#placeFunctions();
        this.#addLambdaAlarms();
        this.#addDashboard();
      },
    };
  }

  get #settings(): StageSettings {
    return this.#serverless.service.custom?.stageSettings ?? {};
  }

  /** Each function's secrets, role and deployment settings, before anything is compiled. */
  #assignAccess(): void {
    const { service } = this.#serverless;
    const sources = this.#settings.secrets ?? {};
    const naming = this.#serverless.getProvider('aws').naming;
    service.resources ??= {};
    const resources = service.resources.Resources ?? {};
    service.resources.Resources = resources;
    let connections = 0;
    const lambdaErrorAlarms = Array.from(
      { length: Math.ceil(Object.keys(service.functions).length / METRICS_PER_ALARM) },
      (_, index) => `LambdaErrorsAlarm${index + 1}`,
    );
    const rollbackAlarms = [...(this.#settings.rollbackAlarms ?? []), ...lambdaErrorAlarms];
    for (const [name, definition] of Object.entries(service.functions)) {
      const secrets = (definition.secrets ?? []).map((key) => {
        const source = sources[key];
        if (!source) throw new Error(`stage settings: function ${name} names an unknown secret "${key}"`);
        return source;
      });
      const environment: Record<string, unknown> = { ...definition.environment };
      // serverless-offline runs every function in one process that shares its modules, so one
      // memoized configuration serves them all: locally every function gets every secret.
      if (service.provider.stage !== 'local') {
        environment.SECRETS = secrets.map((secret) => secret.variable).join(',');
      }
      for (const secret of secrets) {
        if (secret.parameter) environment[`${secret.variable}_SSM_PARAMETER`] = secret.parameter;
      }
      definition.environment = environment;
      const database = secrets.some((secret) => secret.database);
      if (database) {
        if (definition.reservedConcurrency === undefined) {
          throw new Error(
            `stage settings: function ${name} holds a database connection but has no reservedConcurrency`,
          );
        }
        connections += Number(definition.reservedConcurrency);
      }
      if ((definition.events ?? []).some((event) => event.http !== undefined)) {
        definition.deploymentSettings = { alarms: rollbackAlarms, ...definition.deploymentSettings };
      }
      const roleId = `${naming.getNormalizedFunctionName(name)}IamRole`;
      resources[roleId] = this.#role(name, secrets, database, definition.iamStatements ?? []);
      definition.role = roleId;
    }
    const budget = Number(this.#settings.databaseConnections);
    if (Number.isFinite(budget) && connections > budget) {
      throw new Error(
        `stage settings: the functions may hold ${connections} database connections, more than databaseConnections (${budget})`,
      );
    }
  }

  #role(
    name: string,
    secrets: SecretSource[],
    database: boolean,
    extra: Record<string, unknown>[],
  ): CloudFormationResource {
    const { service } = this.#serverless;
    const functionName = `${service.service}-${service.provider.stage}-${name}`;
    const statements: Record<string, unknown>[] = [
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: [sub(`${ARN}:logs:${AT}:log-group:/aws/lambda/${functionName}:*`)],
      },
      { Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: ['*'] },
    ];
    if (database) statements.push({ Effect: 'Allow', Action: VPC_ACTIONS, Resource: ['*'] });
    const parameters = secrets.filter((secret) => secret.parameter).map((secret) => secret.parameter);
    if (parameters.length > 0) {
      statements.push({
        Effect: 'Allow',
        Action: ['ssm:GetParameters'],
        Resource: parameters.map((parameter) => sub(`${ARN}:ssm:${AT}:parameter${parameter}`)),
      });
      // SecureStrings under a customer managed key; the default aws/ssm key needs no grant.
      const key = this.#settings.secretsKmsKeyArn;
      if (key) {
        statements.push({
          Effect: 'Allow',
          Action: ['kms:Decrypt'],
          Resource: [key],
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string
          Condition: { StringEquals: { 'kms:ViaService': sub('ssm.${AWS::Region}.amazonaws.com') } },
        });
      }
    }
    statements.push(...extra);
    return {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com'] }, Action: ['sts:AssumeRole'] },
          ],
        },
        Policies: [{ PolicyName: functionName, PolicyDocument: { Version: '2012-10-17', Statement: statements } }],
      },
    };
  }

  #markPrivateMethods(): void {
    if (String(this.#settings.privateMethods) !== 'true') return;
    for (const definition of Object.values(this.#serverless.service.functions)) {
      for (const event of definition.events ?? []) {
        if (event.http === undefined) continue;
        if (typeof event.http === 'string') {
          const [method = '', path = ''] = event.http.trim().split(/\s+/);
          event.http = { method, path };
        }
        if (event.http.method.toLowerCase() === 'options' || event.http.private !== undefined) continue;
        event.http.private = true;
      }
    }
  }

  #targetLambdaPlatform(): void {
    const architecture = this.#serverless.service.provider.architecture ?? 'x86_64';
    const cpu = NPM_CPU[architecture];
    if (!cpu) throw new Error(`stage settings: unknown provider.architecture "${architecture}"`);
    for (const key of NPM_PLATFORM_KEYS) this.#savedNpmConfig[key] = process.env[key];
    process.env.npm_config_os = 'linux';
    process.env.npm_config_cpu = cpu;
    process.env.npm_config_libc = 'glibc';
  }

  #restoreNpmConfig(): void {
    for (const key of NPM_PLATFORM_KEYS) {
      const saved = this.#savedNpmConfig[key];
      if (saved === undefined) delete process.env[key];
      else process.env[key] = saved;
    }
  }

  #configureStage(): void {
    const resources = this.#serverless.service.provider.compiledCloudFormationTemplate.Resources;
    const deployment = Object.keys(resources).find((id) => resources[id]?.Type === 'AWS::ApiGateway::Deployment');
    if (!deployment) return;
    const deploymentResource = resources[deployment] as CloudFormationResource;

    const { throttle, tracing, accessLog, dependOnStage = [] } = this.#settings;
    const stage: Record<string, unknown> = {};
    if (throttle) {
      stage.ThrottlingRateLimit = Number(throttle.rateLimit);
      stage.ThrottlingBurstLimit = Number(throttle.burstLimit);
    }
    if (String(tracing) === 'true') stage.TracingEnabled = true;
    if (accessLog) {
      stage.AccessLogSetting = {
        // The group's ARN without the `:*` its GetAtt ends with, which API Gateway refuses.
        DestinationArn: sub(`${ARN}:logs:${AT}:log-group:\${${accessLog.logGroup}}`),
        Format: accessLog.format,
      };
    }
    if (Object.keys(stage).length > 0) {
      deploymentResource.Properties = { ...deploymentResource.Properties, StageDescription: stage };
    }

    const gatewayResponses = Object.keys(resources).filter(
      (id) => resources[id]?.Type === 'AWS::ApiGateway::GatewayResponse',
    );
    deploymentResource.DependsOn = [...new Set([...asList(deploymentResource.DependsOn), ...gatewayResponses])];

    for (const id of dependOnStage) {
      const resource = resources[id];
      // Conditional resources may simply be absent.
      if (!resource) continue;
      resource.DependsOn = [...new Set([...asList(resource.DependsOn), deployment])];
    }
  }

  /** Outside the VPC unless the function reaches the database (no ENI, no route to the pooler). */
  #placeFunctions(): void {
    const { service } = this.#serverless;
    const resources = service.provider.compiledCloudFormationTemplate.Resources;
    const naming = this.#serverless.getProvider('aws').naming;
    const sources = this.#settings.secrets ?? {};
    for (const [name, definition] of Object.entries(service.functions)) {
      const database = (definition.secrets ?? []).some((key) => sources[key]?.database);
      const resource = resources[naming.getLambdaLogicalId(name)];
      if (!database && resource?.Properties) delete resource.Properties.VpcConfig;
    }
  }

  /** Errors and throttles of all the stage's functions, summed by metric math, 10 functions an alarm. */
  #addLambdaAlarms(): void {
    const { service } = this.#serverless;
    const resources = service.provider.compiledCloudFormationTemplate.Resources;
    const naming = this.#serverless.getProvider('aws').naming;
    const names = Object.keys(service.functions);
    const topic = this.#settings.alarmTopic;
    const groups: string[][] = [];
    for (let index = 0; index < names.length; index += METRICS_PER_ALARM) {
      groups.push(names.slice(index, index + METRICS_PER_ALARM));
    }
    const alarms = [
      { metric: 'Errors', threshold: this.#settings.lambdaErrorsThreshold, id: 'LambdaErrorsAlarm' },
      { metric: 'Throttles', threshold: this.#settings.lambdaThrottlesThreshold, id: 'LambdaThrottlesAlarm' },
    ];
    for (const alarm of alarms) {
      for (const [index, group] of groups.entries()) {
        resources[`${alarm.id}${index + 1}`] = {
          Type: 'AWS::CloudWatch::Alarm',
          Properties: {
            AlarmName: `${service.service}-${service.provider.stage}-lambda-${alarm.metric.toLowerCase()}-${index + 1}`,
            AlarmDescription: `Lambda ${alarm.metric} of ${group.join(', ')} (docs/operations.md, alarms)`,
            ComparisonOperator: 'GreaterThanOrEqualToThreshold',
            Threshold: Number(alarm.threshold ?? 1),
            EvaluationPeriods: 1,
            DatapointsToAlarm: 1,
            TreatMissingData: 'notBreaching',
            ...(topic ? { AlarmActions: [{ Ref: topic }], OKActions: [{ Ref: topic }] } : {}),
            Metrics: [
              {
                Id: 'total',
                Expression: group.map((_, metric) => `m${metric}`).join(' + '),
                Label: `${alarm.metric} (sum)`,
                ReturnData: true,
              },
              ...group.map((name, metric) => ({
                Id: `m${metric}`,
                ReturnData: false,
                MetricStat: {
                  Metric: {
                    Namespace: 'AWS/Lambda',
                    MetricName: alarm.metric,
                    Dimensions: [{ Name: 'FunctionName', Value: { Ref: naming.getLambdaLogicalId(name) } }],
                  },
                  Period: 300,
                  Stat: 'Sum',
                },
              })),
            ],
          },
        };
      }
    }
  }

  /** The stage's dashboard: one widget per alarm of the stack, so every alarm is on it. */
  #addDashboard(): void {
    const { service } = this.#serverless;
    const resources = service.provider.compiledCloudFormationTemplate.Resources;
    const alarms = Object.keys(resources)
      .filter((id) => resources[id]?.Type === 'AWS::CloudWatch::Alarm')
      .sort();
    // The body is JSON text with the alarms' ARNs spliced in: a Join of literal pieces and GetAtts.
    const namespace = this.#settings.metricsNamespace ?? service.service;
    const search = (dimensions: string, metric: string, stat: string) =>
      JSON.stringify([{ expression: `SEARCH('{${namespace},${dimensions}} MetricName="${metric}"', '${stat}', 300)` }]);
    const parts: unknown[] = [
      '{"widgets":[{"type":"alarm","x":0,"y":0,"width":24,"height":4,"properties":{"title":"Alarms","alarms":[',
    ];
    for (const [index, id] of alarms.entries()) {
      parts.push(index > 0 ? ',"' : '"', { 'Fn::GetAtt': [id, 'Arn'] }, '"');
    }
    parts.push(']}}');
    const graphs = [
      ['Requests by route and status class', search('route,statusClass', 'Requests', 'Sum')],
      ['Latency by route (p99)', search('route', 'Latency', 'p99')],
    ];
    for (const [index, [title, metrics]] of graphs.entries()) {
      parts.push(
        `,{"type":"metric","x":${index * 12},"y":4,"width":12,"height":6,"properties":{"title":"${title}","metrics":${metrics},"view":"timeSeries","region":"`,
      );
      parts.push({ Ref: 'AWS::Region' }, '"}}');
    }
    for (const [index, id] of alarms.entries()) {
      const x = (index % 3) * 8;
      const y = 10 + Math.floor(index / 3) * 6;
      parts.push(
        `,{"type":"metric","x":${x},"y":${y},"width":8,"height":6,"properties":{"title":"${id}","annotations":{"alarms":["`,
      );
      parts.push({ 'Fn::GetAtt': [id, 'Arn'] });
      parts.push('"]},"view":"timeSeries","stacked":false,"region":"');
      parts.push({ Ref: 'AWS::Region' });
      parts.push('"}}');
    }
    parts.push(']}');
    resources.Dashboard = {
      Type: 'AWS::CloudWatch::Dashboard',
      Properties: {
        DashboardName: `${service.service}-${service.provider.stage}`,
        DashboardBody: { 'Fn::Join': ['', parts] },
      },
    };
  }
}
