import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for SSM Parameter Store, for the deployed cold start: the AWS JSON 1.1
 * protocol of `GetParameters` (what the AWS SDK sends: POST, `X-Amz-Target:
 * AmazonSSM.GetParameters`, `{Names, WithDecryption}`), and the Parameters and Secrets Lambda
 * extension's local endpoint (`GET /systemsmanager/parameters/get?name=...&withDecryption=true`
 * with `X-Aws-Parameters-Secrets-Token`). Answers on the loopback interface, at once.
 */

export interface StandIn {
  url: string;
  /** Requests served, by protocol. */
  calls: { getParameters: number; extension: number };
  close: () => Promise<void>;
}

const body = (request: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let raw = '';
    request.on('data', (chunk: Buffer) => {
      raw += chunk.toString();
    });
    request.on('end', () => resolve(raw));
  });

export async function startSsmStandIn(store: ReadonlyMap<string, string>): Promise<StandIn> {
  const calls = { getParameters: 0, extension: 0 };
  const parameter = (name: string) => ({
    Name: name,
    Type: 'SecureString',
    Value: store.get(name),
    Version: 1,
    LastModifiedDate: 1_764_633_600,
    ARN: `arn:aws:ssm:eu-west-1:123456789012:parameter${name}`,
    DataType: 'text',
  });
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (request.method === 'GET' && url.pathname === '/systemsmanager/parameters/get') {
      calls.extension++;
      const name = url.searchParams.get('name') ?? '';
      const found = store.has(name) && request.headers['x-aws-parameters-secrets-token'];
      response.writeHead(found ? 200 : 400, { 'content-type': 'application/json' });
      response.end(JSON.stringify(found ? { Parameter: parameter(name) } : { message: `not found: ${name}` }));
      return;
    }
    const text = await body(request);
    if (request.method !== 'POST' || request.headers['x-amz-target'] !== 'AmazonSSM.GetParameters') {
      response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify({ __type: 'UnknownOperationException' }));
      return;
    }
    calls.getParameters++;
    const { Names = [] } = JSON.parse(text) as { Names?: string[]; WithDecryption?: boolean };
    response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
    response.end(
      JSON.stringify({
        Parameters: Names.filter((name) => store.has(name)).map(parameter),
        InvalidParameters: Names.filter((name) => !store.has(name)),
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
