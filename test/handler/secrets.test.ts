import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { withSecrets } from '#lib/infra/secrets.ts';
import { signPost, signRequest } from '#lib/infra/ssm.ts';
import { freePort } from '../../scripts/ports.ts';

/**
 * A stand-in for SSM Parameter Store on the loopback interface, speaking the AWS JSON 1.1
 * protocol the SDK uses, so the real SDK call is exercised without AWS.
 */
interface Call {
  headers: IncomingHttpHeaders;
  body: { Names: string[]; WithDecryption?: boolean };
}
const calls: Call[] = [];
const store = new Map<string, string>([
  ['/taskapi/test/database-url', 'postgres://app:from-ssm@pooler.internal:6432/taskapi'],
  ['/taskapi/test/jwt-secret', 'a-jwt-secret-from-parameter-store-0123456789'],
]);
const ssm = createServer((request, response) => {
  let raw = '';
  request.on('data', (chunk) => {
    raw += chunk;
  });
  request.on('end', () => {
    const body = JSON.parse(raw) as Call['body'];
    calls.push({ headers: request.headers, body });
    const found = body.Names.filter((name) => store.has(name));
    response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
    response.end(
      JSON.stringify({
        Parameters: found.map((name) => ({ Name: name, Type: 'SecureString', Value: store.get(name), Version: 1 })),
        InvalidParameters: body.Names.filter((name) => !store.has(name)),
      }),
    );
  });
});
const port = await freePort();
await new Promise<void>((resolve) => ssm.listen(port, '127.0.0.1', resolve));
Object.assign(process.env, {
  AWS_ENDPOINT_URL_SSM: `http://127.0.0.1:${port}`,
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'AKIDTESTONLY',
  AWS_SECRET_ACCESS_KEY: 'test-only',
});
afterAll(() => {
  ssm.close();
});
beforeEach(() => {
  calls.length = 0;
});

const names = {
  DATABASE_URL_SSM_PARAMETER: '/taskapi/test/database-url',
  JWT_SECRET_SSM_PARAMETER: '/taskapi/test/jwt-secret',
};

describe('secrets from SSM Parameter Store', () => {
  it('reads every missing secret in one decrypted call when only parameter names are given', async () => {
    const env = await withSecrets({ ...names, LOG_LEVEL: 'warn' });

    expect(env.DATABASE_URL).toBe('postgres://app:from-ssm@pooler.internal:6432/taskapi');
    expect(env.JWT_SECRET).toBe('a-jwt-secret-from-parameter-store-0123456789');
    expect(env.LOG_LEVEL).toBe('warn');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.headers['x-amz-target']).toBe('AmazonSSM.GetParameters');
    expect(calls[0]?.body).toEqual({
      Names: [names.DATABASE_URL_SSM_PARAMETER, names.JWT_SECRET_SSM_PARAMETER],
      WithDecryption: true,
    });
  });

  it('keeps values already in the environment and never calls AWS for them', async () => {
    const env = await withSecrets({ ...names, DATABASE_URL: 'postgres://local/db', JWT_SECRET: 'x'.repeat(32) });

    expect(env.DATABASE_URL).toBe('postgres://local/db');
    expect(calls).toHaveLength(0);
  });

  it('fetches only what is missing', async () => {
    const env = await withSecrets({ ...names, DATABASE_URL: 'postgres://local/db' });

    expect(env.JWT_SECRET).toBe('a-jwt-secret-from-parameter-store-0123456789');
    expect(calls[0]?.body.Names).toEqual([names.JWT_SECRET_SSM_PARAMETER]);
  });

  it('does nothing without parameter names (local runs)', async () => {
    const env = { DATABASE_URL: 'postgres://local/db', DATABASE_URL_SSM_PARAMETER: '' };

    expect(await withSecrets(env)).toBe(env);
    expect(calls).toHaveLength(0);
  });

  it('reads only the secrets asked for', async () => {
    const env = await withSecrets(names, ['DATABASE_URL']);

    expect(env.JWT_SECRET).toBeUndefined();
    expect(calls[0]?.body.Names).toEqual([names.DATABASE_URL_SSM_PARAMETER]);
  });

  it('names the variable whose parameter does not exist, in one line', async () => {
    await expect(withSecrets({ ...names, JWT_SECRET_SSM_PARAMETER: '/taskapi/test/missing' })).rejects.toThrow(
      'Invalid configuration: JWT_SECRET parameter /taskapi/test/missing does not exist in SSM Parameter Store',
    );
  });

  it('names the variable when Parameter Store cannot be reached', async () => {
    const closed = await freePort();
    process.env.AWS_ENDPOINT_URL_SSM = `http://127.0.0.1:${closed}`;
    try {
      await expect(withSecrets(names, ['DATABASE_URL'])).rejects.toThrow(
        /^Invalid configuration: DATABASE_URL could not be read from SSM Parameter Store \(\/taskapi\/test\/database-url\)/,
      );
    } finally {
      process.env.AWS_ENDPOINT_URL_SSM = `http://127.0.0.1:${port}`;
    }
  });
});

type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (data: SourceData) =>
  typeof data === 'string'
    ? data
    : data instanceof ArrayBuffer
      ? new Uint8Array(data)
      : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);

/** node:crypto's SHA-256 in the shape the AWS SDK's signer expects. */
class Sha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: SourceData) {
    this.hash = secret ? createHmac('sha256', bytes(secret)) : createHash('sha256');
  }
  update(data: SourceData) {
    this.hash.update(bytes(data));
  }
  async digest() {
    return new Uint8Array(this.hash.digest());
  }
  reset() {}
}

/** The AWS SDK's SigV4 signature of a POST of `body` to `url` with these headers (host and length added). */
function sdkSignature(
  service: string,
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string | undefined },
  now: Date,
  url: URL,
  body: string,
  headers: Record<string, string>,
) {
  return new SignatureV4({ service, region: 'eu-west-1', credentials, sha256: Sha256, applyChecksum: false }).sign(
    {
      method: 'POST',
      protocol: 'https:',
      hostname: url.hostname,
      path: url.pathname,
      query: {},
      headers: { 'content-length': String(Buffer.byteLength(body)), host: url.host, ...headers },
      body,
    },
    { signingDate: now },
  );
}

describe('the SigV4 signature of GetParameters', () => {
  it.each([
    ['with a session token (a Lambda role)', 'IQoJb3JpZ2luX2VjE-session'],
    ['without one', undefined],
  ])('is the AWS SDK signer\u2019s for the same headers, %s', async (_, sessionToken) => {
    const credentials = {
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      sessionToken,
    };
    const now = new Date('2026-12-02T05:06:07.890Z');
    const url = new URL('https://ssm.eu-west-1.amazonaws.com/');
    const body = JSON.stringify({ Names: ['/taskapi/prod/jwt-secret'], WithDecryption: true });
    const ours = signRequest(url, 'AmazonSSM.GetParameters', body, {
      region: 'eu-west-1',
      service: 'ssm',
      credentials,
      now,
    });

    const sdk = await sdkSignature('ssm', credentials, now, url, body, {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AmazonSSM.GetParameters',
    });

    expect(ours.headers.authorization).toBe(sdk.headers.authorization);
    expect(ours.headers['x-amz-date']).toBe(sdk.headers['x-amz-date']);
    expect(ours.headers['x-amz-security-token']).toBe(sdk.headers['x-amz-security-token']);
  });
});

describe("the SigV4 signature of Lambda's asynchronous Invoke (the mail sender's wake-up)", () => {
  it('is the AWS SDK signer\u2019s for the same request', async () => {
    const credentials = {
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      sessionToken: 'IQoJb3JpZ2luX2VjE-session',
    };
    const now = new Date('2026-12-02T05:06:07.890Z');
    const url = new URL(
      'https://lambda.eu-west-1.amazonaws.com/2015-03-31/functions/taskapi-prod-mail-sender/invocations',
    );
    const body = JSON.stringify({ source: 'taskapi.outbox' });
    const headers = { 'Content-Type': 'application/json', 'X-Amz-Invocation-Type': 'Event' };
    const ours = signPost(url, body, headers, { region: 'eu-west-1', service: 'lambda', credentials, now });

    const sdk = await sdkSignature('lambda', credentials, now, url, body, {
      'content-type': 'application/json',
      'x-amz-invocation-type': 'Event',
    });

    expect(ours.headers.authorization).toBe(sdk.headers.authorization);
    expect(ours.headers['x-amz-invocation-type']).toBe('Event');
    expect(ours.headers['x-amz-security-token']).toBe(sdk.headers['x-amz-security-token']);
  });
});
