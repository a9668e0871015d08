import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * `npm start`'s mail-sender, run as deployed stages run it: on a schedule, and woken by the
 * requests that queue mail (lib/mail/trigger.ts's asynchronous Invoke, sent here through
 * AWS_ENDPOINT_URL_LAMBDA). This stands in for Lambda's queue of asynchronous invocations:
 * it answers a wake-up 202 at once and runs the function (through serverless-offline's invoke
 * endpoint: the same handler in the same process as the routes) WAKE_DELAY_MS later, one run at
 * a time (the deployed function's reserved concurrency is 1), so wake-ups that arrive during a
 * run make one more run after it. serverless-offline's own `Event` invocations would start the
 * handler at once and at any concurrency, inside the answer of the request that woke it (one
 * process here, one instance per function deployed), so its work would show in that answer's time.
 */

export const SENDER_FUNCTION = 'taskapi-local-mail-sender';
const INVOKE_PATH = `/2015-03-31/functions/${SENDER_FUNCTION}/invocations`;
/** From a wake-up to the run; Lambda's asynchronous invocations start about as soon. */
export const WAKE_DELAY_MS = 100;

export interface LocalMailSender {
  /** Where the functions send their wake-ups (AWS_ENDPOINT_URL_LAMBDA). */
  endpoint: string;
  /** Starts the schedule, once serverless-offline is ready (a wake-up before then runs at once). */
  start(lambdaPort: number): void;
  stop(): Promise<void>;
}

export async function localMailSender(
  intervalSeconds: number,
  report: (line: string) => void,
): Promise<LocalMailSender> {
  let lambdaPort: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  let nextRunAt = Number.POSITIVE_INFINITY;
  let running = false;
  let woken = false;
  let stopped = false;

  const runIn = (ms: number) => {
    clearTimeout(timer);
    nextRunAt = Date.now() + ms;
    timer = setTimeout(() => void run(), ms);
  };

  async function run(): Promise<void> {
    running = true;
    woken = false;
    nextRunAt = Number.POSITIVE_INFINITY;
    const event = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '000000000000',
      time: new Date().toISOString(),
      region: 'local',
      resources: [`arn:aws:events:local:000000000000:rule/${SENDER_FUNCTION}`],
      detail: {},
    };
    try {
      const response = await fetch(`http://127.0.0.1:${lambdaPort}${INVOKE_PATH}`, {
        method: 'POST',
        body: JSON.stringify(event),
        signal: AbortSignal.timeout(60_000),
      });
      const body = await response.text();
      if (!response.ok || response.headers.has('x-amz-function-error')) {
        report(`mail-sender failed (${response.status}): ${body.slice(0, 300)}`);
      }
    } catch (error) {
      if (!stopped) report(`mail-sender could not be invoked: ${(error as Error).message}`);
    }
    running = false;
    if (!stopped) runIn(woken ? WAKE_DELAY_MS : intervalSeconds * 1000);
  }

  function wake(): void {
    if (running || lambdaPort === undefined) woken = true;
    else if (nextRunAt > Date.now() + WAKE_DELAY_MS) runIn(WAKE_DELAY_MS);
  }

  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      if (request.method !== 'POST' || request.url !== INVOKE_PATH) {
        response.writeHead(404, { 'x-amzn-ErrorType': 'ResourceNotFoundException' });
        response.end(JSON.stringify({ Message: `Function not found: ${request.url}` }));
      } else if (request.headers['x-amz-invocation-type'] !== 'Event') {
        response.writeHead(400, { 'x-amzn-ErrorType': 'InvalidParameterValueException' });
        response.end(JSON.stringify({ Message: 'only asynchronous (Event) invocations are queued here' }));
      } else {
        response.writeHead(202).end();
        wake();
      }
    });
  });
  // Loopback only, like serverless-offline's invoke endpoint: it checks no credentials.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });

  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    start(port) {
      lambdaPort = port;
      runIn(woken ? 0 : intervalSeconds * 1000);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
