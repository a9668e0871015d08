import type { Transporter } from 'nodemailer';
import { config, parseSesIdentity, senderAddress } from '#lib/infra/config.ts';
import type { Message } from '#lib/mail/templates.ts';

/**
 * The mail transport, chosen by configuration: SMTP to `SMTP_URL` (local runs, `npm start`'s
 * catcher, tests), or Amazon SES as the identity `SES_IDENTITY_ARN` names (deployed stages),
 * through nodemailer either way. Made on first use and kept while the instance is warm.
 * Timeouts are short so a send ends well inside the outbox lease (lib/mail/outbox.ts).
 */
let transport: Promise<Transporter> | undefined;

export const SEND_TIMEOUT_MS = 15_000;

/** Whether a transport is configured; without one, outbox rows wait for one. */
export const hasTransport = () => config().SMTP_URL !== undefined || config().SES_IDENTITY_ARN !== undefined;

async function makeTransport(): Promise<Transporter> {
  // Loaded on the first send: SMTP needs net, tls and (nodemailer's fetch) http, which no other
  // request pays for (scripts/esbuild-plugins.ts keeps its built-ins out of the bundle's import).
  const { createTransport } = await import('nodemailer');
  const { SMTP_URL, SES_IDENTITY_ARN } = config();
  const ses = SES_IDENTITY_ARN === undefined ? undefined : parseSesIdentity(SES_IDENTITY_ARN);
  if (ses) {
    // Loaded only here: the Lambda runtime ships the SDK (serverless.yml keeps it out of the
    // bundles), and SMTP runs never pay for loading it.
    const { SESv2Client, SendEmailCommand } = await import('@aws-sdk/client-sesv2');
    const sesClient = new SESv2Client({
      // The identity's region, which need not be the function's.
      region: ses.region,
      maxAttempts: 2,
      requestHandler: { connectionTimeout: 5_000, requestTimeout: SEND_TIMEOUT_MS - 5_000 },
    });
    return createTransport({ SES: { sesClient, SendEmailCommand } });
  }
  if (!SMTP_URL) throw new Error('no mail transport configured (SMTP_URL or SES_IDENTITY_ARN)');
  return createTransport({
    url: SMTP_URL,
    connectionTimeout: 5_000,
    greetingTimeout: 5_000,
    socketTimeout: SEND_TIMEOUT_MS - 5_000,
  });
}

export async function sendMessage(to: string, message: Message): Promise<void> {
  transport ??= makeTransport();
  const sender = await transport.catch((error: unknown) => {
    transport = undefined;
    throw error;
  });
  const from = config().MAIL_FROM;
  await sender.sendMail({
    from,
    to,
    ...message,
    // SES authorises the bare address (the role's ses:FromAddress condition), not the display name.
    ...(config().SES_IDENTITY_ARN ? { ses: { FromEmailAddress: senderAddress(from) } } : {}),
  });
}

/** Drops the kept transport (tests that move the mail server). */
export function resetTransport(): void {
  const closing = transport;
  transport = undefined;
  void closing?.then((kept) => kept.close()).catch(() => {});
}
