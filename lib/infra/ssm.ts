import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import { createRequire } from 'node:module';
import aws4 from 'aws4';

/**
 * SSM Parameter Store's `GetParameters`, as one SigV4-signed (aws4) AWS JSON 1.1 request: all the
 * secrets path needs of the AWS SDK (lib/infra/secrets.ts). Loading the SDK client and its
 * dependencies cost more than the request itself at every cold start (bench/RESULTS.md, "As
 * deployed"). `node:https` is required, not imported: an ES import of it would load undici.
 * Same endpoint, same IAM action (ssm:GetParameters), same credentials (the function role's,
 * which Lambda puts in the environment); AWS_ENDPOINT_URL_SSM / AWS_ENDPOINT_URL as the SDK.
 */

type Environment = Record<string, string | undefined>;

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SignedRequest {
  url: URL;
  headers: Record<string, string>;
  body: string;
}

/**
 * AWS Signature Version 4 (the aws4 library) of a POST of `body` to `url` (its path, no query)
 * with these headers: SSM's JSON API here, Lambda's Invoke for the mail sender's wake-up
 * (lib/mail/trigger.ts).
 */
export function signPost(
  url: URL,
  body: string,
  headers: Record<string, string>,
  {
    region,
    service,
    credentials,
    now = new Date(),
  }: { region: string; service: string; credentials: Credentials; now?: Date },
): SignedRequest {
  const signed = aws4.sign(
    {
      host: url.host,
      path: url.pathname || '/',
      method: 'POST',
      service,
      region,
      body,
      headers: { ...headers, 'X-Amz-Date': now.toISOString().replace(/[-:]|\.\d{3}/g, '') },
    },
    credentials,
  );
  return {
    url,
    body,
    headers: Object.fromEntries(
      Object.entries(signed.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]),
    ),
  };
}

/** The signature of an AWS JSON 1.1 call (`target`, e.g. AmazonSSM.GetParameters) to `url`. */
export function signRequest(
  url: URL,
  target: string,
  body: string,
  options: { region: string; service: string; credentials: Credentials; now?: Date },
): SignedRequest {
  return signPost(url, body, { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': target }, options);
}

/** The credentials Lambda puts in a function's environment (its role's); undefined without them. */
export function credentialsIn(env: Environment): Credentials | undefined {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = env;
  if (!accessKeyId || !secretAccessKey) return undefined;
  return { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN };
}

const require = createRequire(import.meta.url);
type Transport = {
  request: (url: URL, options: RequestOptions, done: (response: IncomingMessage) => void) => ClientRequest;
};

/** One attempt: the answer's status, headers and text, or a network error. */
export function sendSigned(
  { url, headers, body }: SignedRequest,
  timeoutMs: number,
): Promise<{ status: number; headers: IncomingMessage['headers']; text: string }> {
  const transport: Transport = require(url.protocol === 'http:' ? 'node:http' : 'node:https');
  return new Promise((resolve, reject) => {
    const request = transport.request(
      url,
      { method: 'POST', headers, signal: AbortSignal.timeout(timeoutMs) },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

export interface Parameters {
  /** Name → decrypted value. */
  values: Map<string, string>;
  /** Names that do not exist (or the role may not see). */
  invalid: string[];
}

/**
 * `GetParameters` with decryption for up to 10 names, from the environment's region,
 * credentials and endpoint. Two attempts (a reset connection, a throttle, a 5xx), each within
 * `timeoutMs`, so a VPC without a route to SSM fails in seconds, not at the function timeout.
 */
export async function getParameters(
  names: string[],
  env: Environment = process.env,
  timeoutMs = 3000,
): Promise<Parameters> {
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) throw new Error('AWS_REGION is not set');
  const credentials = credentialsIn(env);
  if (!credentials) throw new Error('no AWS credentials in the environment');
  const url = new URL(env.AWS_ENDPOINT_URL_SSM ?? env.AWS_ENDPOINT_URL ?? `https://ssm.${region}.amazonaws.com/`);
  const body = JSON.stringify({ Names: names, WithDecryption: true });
  let failure: unknown;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const signed = signRequest(url, 'AmazonSSM.GetParameters', body, { region, service: 'ssm', credentials });
      const { status, text } = await sendSigned(signed, timeoutMs);
      const answer = JSON.parse(text || '{}') as {
        Parameters?: { Name: string; Value: string }[];
        InvalidParameters?: string[];
        __type?: string;
        message?: string;
        Message?: string;
      };
      if (status === 200) {
        return {
          values: new Map((answer.Parameters ?? []).map((parameter) => [parameter.Name, parameter.Value])),
          invalid: answer.InvalidParameters ?? [],
        };
      }
      const type = answer.__type?.split('#').at(-1) ?? `HTTP ${status}`;
      failure = new Error(`${type}: ${answer.message ?? answer.Message ?? text.slice(0, 200)}`);
      // Only throttling and the service's own failures are worth the second attempt.
      if (status < 500 && !/Throttl/.test(type)) break;
    } catch (error) {
      failure = error;
    }
  }
  throw failure;
}
