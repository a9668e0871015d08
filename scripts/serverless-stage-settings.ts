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
 */

interface HttpEvent {
  method: string;
  path: string;
  private?: boolean;
}

interface FunctionDefinition {
  events?: Array<{ http?: HttpEvent | string }>;
}

interface StageSettings {
  /** A boolean from YAML, or the string 'true'/'false' when given with --param. */
  privateMethods?: boolean | string;
  throttle?: { rateLimit: number; burstLimit: number };
  dependOnStage?: string[];
}

interface CloudFormationResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
}

interface Serverless {
  service: {
    provider: {
      architecture?: string;
      compiledCloudFormationTemplate: { Resources: Record<string, CloudFormationResource> };
    };
    functions: Record<string, FunctionDefinition>;
    custom?: { stageSettings?: StageSettings };
  };
}

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
    this.hooks = {
      'before:package:compileEvents': () => this.#markPrivateMethods(),
      'before:package:createDeploymentArtifacts': () => this.#targetLambdaPlatform(),
      'after:package:createDeploymentArtifacts': () => this.#restoreNpmConfig(),
      'before:aws:package:finalize:saveServiceState': () => this.#configureStage(),
    };
  }

  get #settings(): StageSettings {
    return this.#serverless.service.custom?.stageSettings ?? {};
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

    const { throttle, dependOnStage = [] } = this.#settings;
    if (throttle) {
      deploymentResource.Properties = {
        ...deploymentResource.Properties,
        StageDescription: {
          ThrottlingRateLimit: Number(throttle.rateLimit),
          ThrottlingBurstLimit: Number(throttle.burstLimit),
        },
      };
    }

    const gatewayResponses = Object.keys(resources).filter(
      (id) => resources[id]?.Type === 'AWS::ApiGateway::GatewayResponse',
    );
    deploymentResource.DependsOn = [...new Set([...asList(deploymentResource.DependsOn), ...gatewayResponses])];

    for (const id of dependOnStage) {
      const resource = resources[id];
      // Conditional resources (WAF off in a stage) may simply be absent.
      if (!resource) continue;
      resource.DependsOn = [...new Set([...asList(resource.DependsOn), deployment])];
    }
  }
}
