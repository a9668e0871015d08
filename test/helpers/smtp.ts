import { SMTPServer } from 'smtp-server';
import { afterAll, beforeEach } from 'vitest';
import { freePort } from '../../scripts/ports.ts';

/** One message as the SMTP server received it. */
export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  subject: string;
  /** The decoded plain-text part. */
  text: string;
  /** The decoded HTML part. */
  html: string;
}

function decodePart(headers: string, body: string): string {
  const encoding = /content-transfer-encoding:\s*([\w-]+)/i.exec(headers)?.[1]?.toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') {
    const bytes = body
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/gi, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}

/** The text/plain and text/html parts of a (possibly multipart) message. */
export function parts(raw: string): { subject: string; text: string; html: string } {
  const [head = '', ...rest] = raw.split(/\r?\n\r?\n/);
  const body = rest.join('\r\n\r\n');
  const subject = /^subject:\s*(.*)$/im.exec(head)?.[1]?.trim() ?? '';
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(head)?.[1];
  const found = { subject, text: '', html: '' };
  const chunks = boundary ? body.split(`--${boundary}`) : [`${head}\r\n\r\n${body}`];
  for (const chunk of chunks) {
    const [partHead = '', ...partBody] = chunk.replace(/^\r?\n/, '').split(/\r?\n\r?\n/);
    const content = decodePart(partHead, partBody.join('\r\n\r\n'));
    if (/content-type:\s*text\/plain/i.test(partHead)) found.text = content;
    if (/content-type:\s*text\/html/i.test(partHead)) found.html = content;
  }
  return found;
}

/**
 * A real SMTP server in the test process: every message it accepts lands in `mails`. `stop`
 * and `start` again on the same port stand for a mail server that is down for a while;
 * `slowness.ms` makes it take that long to accept each message (a slow provider).
 */
export async function startSmtpServer() {
  const port = await freePort();
  const mails: ReceivedMail[] = [];
  const slowness = { ms: 0 };
  const make = () =>
    new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', async () => {
          if (slowness.ms > 0) await new Promise((resolve) => setTimeout(resolve, slowness.ms));
          const raw = Buffer.concat(chunks).toString('utf8');
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            raw,
            ...parts(raw),
          });
          callback();
        });
      },
    });
  let server: SMTPServer | undefined;
  const start = () =>
    new Promise<void>((resolve, reject) => {
      server = make();
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      const closing = server;
      server = undefined;
      if (!closing) resolve();
      else closing.close(() => resolve());
    });
  await start();
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    slowness,
    start,
    stop,
    /** Mails to one address. */
    to: (address: string) => mails.filter((mail) => mail.to.includes(address)),
  };
}

export type SmtpServer = Awaited<ReturnType<typeof startSmtpServer>>;

/**
 * A test file's mail server: `SMTP_URL` names it, every test starts with no mail, and the
 * file's end closes the product's transport and the server. Call it before the configuration
 * is first read (it is read once).
 */
export async function smtpCatcher(): Promise<SmtpServer> {
  const server = await startSmtpServer();
  process.env.SMTP_URL = server.url;
  beforeEach(() => {
    server.mails.length = 0;
    server.slowness.ms = 0;
  });
  afterAll(async () => {
    const { resetTransport } = await import('#lib/mail/transport.ts');
    resetTransport();
    await server.stop();
  });
  return server;
}

/** The token of the first link to `page` in a mail's text part. */
export function tokenIn(mail: ReceivedMail | undefined, page: string): string {
  const match = new RegExp(`/${page}#token=([\\w-]+)`).exec(mail?.text ?? '');
  if (!match?.[1]) throw new Error(`no ${page} link in ${mail?.text ?? 'no mail'}`);
  return match[1];
}
