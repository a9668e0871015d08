import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * `npm start`'s local mail catcher when no SMTP_URL is set: maildev, an SMTP server the
 * handlers send to and a web inbox (with a REST API under /api) to read what they sent. Both
 * listen on loopback only, whatever HOST is: the inbox holds every emailed link's token.
 * The inbox lasts as long as `npm start`: its files are in a temp folder deleted on stop.
 */
export interface MailCatcher {
  smtpUrl: string;
  inboxUrl: string;
  stop: () => Promise<void>;
  /** Deletes the inbox's folder at once: the last resort of a process that is exiting. */
  discard: () => void;
}

const LOOPBACK = '127.0.0.1';

/** Port 0 takes any free port (the tests). */
export async function startMailCatcher(ports: { smtp: number; web: number }): Promise<MailCatcher> {
  const { MailDev } = await import('maildev');
  const mailDirectory = mkdtempSync(join(tmpdir(), 'taskapi-mail-'));
  const remove = () => rmSync(mailDirectory, { recursive: true, force: true });
  const catcher = new MailDev({
    smtp: ports.smtp,
    ip: LOOPBACK,
    web: ports.web,
    webIp: LOOPBACK,
    mailDirectory,
    // A long-running start keeps the newest ones only.
    maxEmails: 500,
    // Its own lines would name each mail's sender, recipient and subject on the terminal.
    silent: true,
  });
  // maildev prints its API's address whatever `silent` says; start.ts prints the inbox's.
  const info = console.info;
  console.info = () => {};
  try {
    const servers = await catcher.start();
    const smtp = servers.smtp.getAddress();
    const web = servers.api?.getAddress();
    if (!web) throw new Error('the web inbox did not start');
    return {
      smtpUrl: `smtp://${LOOPBACK}:${smtp.port}`,
      inboxUrl: `http://${LOOPBACK}:${web.port}`,
      stop: async () => {
        try {
          await catcher.stop();
        } finally {
          remove();
        }
      },
      discard: remove,
    };
  } catch (error) {
    await catcher.stop().catch(() => {});
    remove();
    throw error;
  } finally {
    console.info = info;
  }
}
