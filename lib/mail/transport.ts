import { createTransport } from 'nodemailer';
import { config } from '#lib/infra/config.ts';
import type { Message } from '#lib/mail/templates.ts';

/**
 * The SMTP transport (`SMTP_URL`), made on first use and kept while the instance is warm.
 * Timeouts are short so a send ends well inside the outbox lease (lib/mail/outbox.ts).
 */
let transport: ReturnType<typeof createTransport> | undefined;

export const SEND_TIMEOUT_MS = 15_000;

/** Whether a transport is configured; without one, outbox rows wait for one. */
export const hasTransport = () => config().SMTP_URL !== undefined;

export async function sendMessage(to: string, message: Message): Promise<void> {
  const url = config().SMTP_URL;
  if (!url) throw new Error('no mail transport configured (SMTP_URL)');
  transport ??= createTransport({
    url,
    connectionTimeout: 5_000,
    greetingTimeout: 5_000,
    socketTimeout: SEND_TIMEOUT_MS - 5_000,
  });
  await transport.sendMail({ from: config().MAIL_FROM, to, ...message });
}

/** Drops the kept transport (tests that move the mail server). */
export function resetTransport(): void {
  transport?.close();
  transport = undefined;
}
