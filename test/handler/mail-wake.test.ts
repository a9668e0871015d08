import { createServer, type IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { WAKE_EVENT } from '#lib/mail/trigger.ts';
import { handler as resend } from '../../functions/auth-email-resend.ts';
import { handler as login } from '../../functions/auth-login.ts';
import { handler as forgot } from '../../functions/auth-password-forgot.ts';
import { handler as updateMe } from '../../functions/users-me-update.ts';
import { freePort } from '../../scripts/ports.ts';
import { bearer, PASSWORD, registerUser, uniqueEmail } from '../helpers/auth.ts';
import { invoke, lambdaContext } from '../helpers/lambda.ts';
import { captureLogs } from '../helpers/logs.ts';
import { smtpCatcher } from '../helpers/smtp.ts';

/**
 * How mail leaves, as deployed: a request that may queue mail wakes the `mail-sender` function
 * with an asynchronous Lambda Invoke after its commit, and the sender runs on its own. Here a
 * stand-in for Lambda's Invoke API answers 202 and then runs the real sender, as Lambda does,
 * in a module instance of its own (its own connection, as a separate function instance).
 */

interface Invocation {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const invocations: Invocation[] = [];
const runs: Promise<unknown>[] = [];
let refusal: { status: number; type: string } | undefined;

vi.resetModules();
const { handler: mailSender } = await import('../../functions/mail-sender.ts');

const lambda = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    invocations.push({ path: request.url ?? '', headers: request.headers, body });
    if (refusal) {
      response.writeHead(refusal.status, { 'x-amzn-ErrorType': `${refusal.type}:http://internal.amazon.com/` });
      response.end(JSON.stringify({ message: 'Rate Exceeded.' }));
      return;
    }
    response.writeHead(202).end();
    runs.push(mailSender(JSON.parse(body), lambdaContext()));
  });
});
const lambdaPort = await freePort();
await new Promise<void>((resolve) => lambda.listen(lambdaPort, '127.0.0.1', resolve));

// The environment Lambda gives a function (its role's credentials, its region) and the sender's name.
Object.assign(process.env, {
  MAIL_SENDER_FUNCTION: 'taskapi-test-mail-sender',
  AWS_ENDPOINT_URL_LAMBDA: `http://127.0.0.1:${lambdaPort}`,
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEEXAMPLE00',
  AWS_SECRET_ACCESS_KEY: 'test-secret-access-key',
  AWS_SESSION_TOKEN: 'test-session-token',
});
const smtp = await smtpCatcher();
process.env.APP_URL = 'https://app.example.test';

afterAll(async () => {
  await Promise.all(runs);
  await new Promise((resolve) => lambda.close(resolve));
});

beforeEach(async () => {
  await Promise.all(runs);
  invocations.length = 0;
  refusal = undefined;
});

const forgotFor = (email: string) =>
  invoke(forgot, { method: 'POST', resource: '/api/v1/auth/password/forgot', body: { email } });
const patchMe = (accessToken: string, email: string) =>
  invoke(updateMe, {
    method: 'PATCH',
    resource: '/api/v1/users/me',
    headers: bearer(accessToken),
    body: { email, currentPassword: PASSWORD },
  });

describe('the wake-up of the mail sender', () => {
  it('follows every request that may queue mail, whether or not it did, as a signed asynchronous invoke', async () => {
    const user = await registerUser();
    const other = await registerUser();
    await Promise.all(runs);
    invocations.length = 0;

    const replies = [
      await forgotFor(user.email),
      await forgotFor(uniqueEmail('ghost')),
      await patchMe(user.accessToken, uniqueEmail('free')),
      await patchMe(user.accessToken, other.email),
      await invoke(resend, {
        method: 'POST',
        resource: '/api/v1/auth/email/resend',
        headers: bearer(user.accessToken),
      }),
    ];
    await invoke(login, {
      method: 'POST',
      resource: '/api/v1/auth/login',
      body: { email: user.email, password: PASSWORD },
    });

    expect(replies.map((reply) => reply.status)).toEqual([202, 202, 200, 200, 202]);
    // One each (register's came before), none for a login.
    expect(invocations).toHaveLength(5);
    for (const invocation of invocations) {
      expect(invocation.path).toBe('/2015-03-31/functions/taskapi-test-mail-sender/invocations');
      expect(invocation.headers['x-amz-invocation-type']).toBe('Event');
      expect(invocation.headers.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIAEXAMPLEEXAMPLE00\/\d{8}\/eu-west-1\/lambda\/aws4_request, SignedHeaders=[\w;-]*x-amz-invocation-type[\w;-]*, Signature=[0-9a-f]{64}$/,
      );
      expect(invocation.headers['x-amz-security-token']).toBe('test-session-token');
      expect(JSON.parse(invocation.body)).toEqual(WAKE_EVENT);
    }
  });

  it('gets the mail out within seconds of an answer that did not wait for the slow mail server', async () => {
    const user = await registerUser();
    await Promise.all(runs);
    smtp.slowness.ms = 1_000;
    smtp.mails.length = 0;

    const started = performance.now();
    const reply = await forgotFor(user.email);
    const answered = performance.now() - started;
    await expect.poll(() => smtp.to(user.email).length, { timeout: 10_000, interval: 20 }).toBe(1);
    const delivered = performance.now() - started;

    expect(reply.status).toBe(202);
    expect(answered).toBeLessThan(smtp.slowness.ms);
    expect(delivered).toBeGreaterThanOrEqual(smtp.slowness.ms);
    expect(smtp.to(user.email)[0]?.subject).toBe('Reset your password');
  });

  it('answers as usual when Lambda refuses the wake-up; the mail waits for the schedule', async () => {
    const logs = captureLogs();
    const user = await registerUser();
    await Promise.all(runs);
    smtp.mails.length = 0;
    invocations.length = 0;
    refusal = { status: 429, type: 'TooManyRequestsException' };

    const reply = await forgotFor(user.email);

    expect(reply.status).toBe(202);
    expect(invocations).toHaveLength(1);
    expect(smtp.mails).toEqual([]);
    const warning = logs().find((line) => line.includes('mail sender not woken'));
    expect(JSON.parse(warning ?? '{}')).toMatchObject({
      level: 'WARN',
      error: expect.stringContaining('TooManyRequestsException 429'),
    });
    expect(logs().join('')).not.toContain(user.email);
    // The next scheduled run sends it.
    expect(await mailSender({ source: 'aws.events' } as never, lambdaContext())).toEqual({ sent: 1, failed: 0 });
    expect(smtp.to(user.email)).toHaveLength(1);
  });
});
