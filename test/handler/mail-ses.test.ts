import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { database } from '#lib/infra/database.ts';
import { deliverEmails, enqueueEmail } from '#lib/mail/outbox.ts';
import { resetTransport } from '#lib/mail/transport.ts';
import { captureLogs } from '../helpers/logs.ts';
import { parts } from '../helpers/smtp.ts';

/**
 * The SES transport of deployed stages, against an HTTP server that answers as the SES v2 API
 * does (the SDK's AWS_ENDPOINT_URL_SESV2 points it there): what the SDK sends, signed for the
 * identity's region, and what the outbox makes of SES's answers.
 */

interface SesRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: {
    FromEmailAddress: string;
    Destination: { ToAddresses: string[] };
    Content: { Raw: { Data: string } };
  };
}

const requests: SesRequest[] = [];
let answer: { status: number; body: unknown } = { status: 200, body: { MessageId: 'message-1' } };
const ses = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    requests.push({
      path: request.url ?? '',
      headers: request.headers,
      body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
    });
    response.writeHead(answer.status, {
      'Content-Type': 'application/json',
      ...(answer.status >= 400 ? { 'x-amzn-ErrorType': 'MessageRejected' } : {}),
    });
    response.end(JSON.stringify(answer.body));
  });
});
await new Promise<void>((resolve) => ses.listen(0, '127.0.0.1', resolve));

delete process.env.SMTP_URL;
process.env.SES_IDENTITY_ARN = 'arn:aws:ses:us-east-1:123456789012:identity/example.test';
process.env.MAIL_FROM = 'Tasks <no-reply@example.test>';
process.env.APP_URL = 'https://app.example.test';
process.env.AWS_ENDPOINT_URL_SESV2 = `http://127.0.0.1:${(ses.address() as AddressInfo).port}`;
// What a Lambda role's session provides; never checked by the stand-in.
process.env.AWS_ACCESS_KEY_ID = 'AKIAEXAMPLEEXAMPLE00';
process.env.AWS_SECRET_ACCESS_KEY = 'test-only-secret-access-key';

const { db, sql } = database();
const TOKEN = 'c2VzLXRlc3Qtb25seS1ub3QtYS1yZWFsLXRva2VuLXZhbHVl';
const enqueue = async () => {
  const id = await db.transaction((tx) =>
    enqueueEmail(tx, { recipient: 'ada@example.com', template: 'verify_email', payload: { token: TOKEN } }),
  );
  if (!id) throw new Error('the per-recipient cap refused the email');
  return id;
};

afterAll(async () => {
  resetTransport();
  await new Promise((resolve) => ses.close(resolve));
});

beforeEach(async () => {
  requests.length = 0;
  answer = { status: 200, body: { MessageId: 'message-1' } };
  await sql`delete from email_outbox`;
});

describe('mail through Amazon SES', () => {
  it('sends the raw message as the bare sender address, signed for the identity region', async () => {
    const id = await enqueue();

    expect(await deliverEmails([id])).toEqual({ sent: 1, failed: 0 });

    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(request?.path).toBe('/v2/email/outbound-emails');
    expect(request?.headers.authorization).toMatch(
      /Credential=AKIAEXAMPLEEXAMPLE00\/\d{8}\/us-east-1\/ses\/aws4_request/,
    );
    expect(request?.body.FromEmailAddress).toBe('no-reply@example.test');
    expect(request?.body.Destination.ToAddresses).toEqual(['ada@example.com']);
    const raw = Buffer.from(request?.body.Content.Raw.Data ?? '', 'base64').toString('utf8');
    expect(raw).toMatch(/^From: Tasks <no-reply@example\.test>$/m);
    const message = parts(raw);
    expect(message.subject).toBe('Confirm your email address');
    // The link on a line of its own (SES takes CRLF line ends).
    expect(message.text).toMatch(new RegExp(`^https://app\\.example\\.test/verify-email#token=${TOKEN}\\r?$`, 'm'));
    expect(message.html).toContain(`href="https://app.example.test/verify-email#token=${TOKEN}"`);
    const [row] = await sql`select sent_at is not null as sent, payload from email_outbox where id = ${id}`;
    expect(row).toEqual({ sent: true, payload: {} });
  });

  it('keeps a rejected email for a later attempt, recording why without the address', async () => {
    const logs = captureLogs();
    answer = { status: 400, body: { message: 'Email address is not verified: ada@example.com' } };
    const id = await enqueue();

    expect(await deliverEmails([id])).toEqual({ sent: 0, failed: 1 });

    const [row] = await sql`select sent_at, attempts, last_error from email_outbox where id = ${id}`;
    expect(row).toMatchObject({ sent_at: null, attempts: 1 });
    expect(row?.last_error).toContain('MessageRejected');
    expect(row?.last_error).not.toContain('ada@example.com');
    expect(logs().join('')).toContain('email delivery failed; will retry');
    expect(logs().join('')).not.toContain('ada@example.com');
    expect(logs().join('')).not.toContain(TOKEN);
  });
});
