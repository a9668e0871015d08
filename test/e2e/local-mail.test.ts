import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/ports.ts';
import { TEST_ENV } from '../helpers/env.ts';
import { startLocalServer } from '../helpers/local-server.ts';

/**
 * `npm start` without SMTP_URL, as a developer meets it: the local mail catcher's web inbox,
 * read through its REST API (maildev's /api/email), and the mail sender the requests wake
 * through serverless-offline's invoke endpoint, as deployed stages wake it through Lambda's.
 */

interface InboxMail {
  subject: string;
  to: { address: string }[];
  text: string;
  html: string;
}

/** Whether anything accepts a connection at that address. */
async function listening(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(5_000) });
    return true;
  } catch (error) {
    if ((error as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED') return false;
    throw error;
  }
}

const json = async (response: Response) => ({ status: response.status, body: await response.json() });

describe('npm start without SMTP_URL', () => {
  it('prints a web inbox where the verification and reset mails land within seconds; their tokens work; Ctrl-C stops it all', {
    timeout: 120_000,
  }, async () => {
    const port = await freePort();
    // The server's temp folder, where the inbox keeps its mail.
    const temp = mkdtempSync(join(tmpdir(), 'taskapi-local-mail-'));
    const { child, ready, output, exited } = await startLocalServer({
      PATH: process.env.PATH,
      DATABASE_URL: process.env.DATABASE_URL,
      ...TEST_ENV,
      PORT: String(port),
      // Every log line there is, to look for tokens in.
      LOG_LEVEL: 'debug',
      // No scheduled run during the test: only the requests' wake-ups send.
      MAIL_SENDER_INTERVAL: '1h',
      TMPDIR: temp,
    });
    try {
      expect(ready, output()).toBe(true);
      const printed =
        /Mail inbox at (http:\/\/127\.0\.0\.1:\d+) \(the local mail catcher; SMTP on 127\.0\.0\.1:(\d+)\)/.exec(
          output(),
        );
      expect(printed, output()).not.toBeNull();
      const inbox = printed?.[1] as string;
      const smtpPort = Number(printed?.[2]);
      const api = `http://localhost:${port}/api/v1`;
      const post = (path: string, body: unknown) =>
        fetch(`${api}${path}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        });
      const email = `ada-${randomUUID()}@example.test`;
      const mailsTo = async (subject: string) => {
        const mails = (await (await fetch(`${inbox}/api/email`)).json()) as InboxMail[];
        return mails.filter((mail) => mail.subject === subject && mail.to.some((to) => to.address === email));
      };
      const tokenIn = (mail: InboxMail | undefined, page: string) =>
        new RegExp(`^http://localhost:3000/${page}#token=([\\w-]{43})$`, 'm').exec(mail?.text ?? '')?.[1] ?? '';

      // The web inbox a developer opens.
      const page = await fetch(inbox, { headers: { Accept: 'text/html' } });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<html');

      const signedUp = performance.now();
      const registered = await json(await post('/auth/register', { email, password: 'correct horse battery' }));
      expect(registered).toMatchObject({ status: 201, body: { data: { user: { emailVerified: false } } } });

      await expect.poll(() => mailsTo('Confirm your email address'), { timeout: 10_000, interval: 50 }).toHaveLength(1);
      expect(performance.now() - signedUp).toBeLessThan(5_000);
      const [verification] = await mailsTo('Confirm your email address');
      const verifyToken = tokenIn(verification, 'verify-email');
      expect(verifyToken, verification?.text).not.toBe('');
      expect(verification?.html).toContain(`href="http://localhost:3000/verify-email#token=${verifyToken}"`);

      const confirmed = await json(await post('/auth/email/confirm', { token: verifyToken }));
      expect(confirmed).toMatchObject({ status: 200, body: { data: { user: { email, emailVerified: true } } } });

      // Through the sender the request woke, never inside the request.
      const asked = performance.now();
      expect((await post('/auth/password/forgot', { email })).status).toBe(202);
      await expect.poll(() => mailsTo('Reset your password'), { timeout: 10_000, interval: 50 }).toHaveLength(1);
      expect(performance.now() - asked).toBeLessThan(5_000);
      const [reset] = await mailsTo('Reset your password');
      const resetToken = tokenIn(reset, 'reset-password');
      expect(resetToken, reset?.text).not.toBe('');

      const changed = await json(
        await post('/auth/password/reset', { token: resetToken, password: 'a new horse battery' }),
      );
      expect(changed).toMatchObject({ status: 200, body: { data: { user: { email } } } });
      expect((await post('/auth/login', { email, password: 'a new horse battery' })).status).toBe(200);
      expect((await post('/auth/login', { email, password: 'correct horse battery' })).status).toBe(401);

      expect(await mailsTo('Confirm your email address')).toHaveLength(1);
      expect(output()).toContain('"message":"mail sender"');
      for (const token of [verifyToken, resetToken])
        expect(output().includes(token), 'a token in the output').toBe(false);

      // Ctrl-C: the API, the inbox and its SMTP server stop, and the inbox's folder goes.
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(await listening(`http://localhost:${port}/api/v1/health`)).toBe(false);
      expect(await listening(inbox)).toBe(false);
      expect(await listening(`http://127.0.0.1:${smtpPort}`)).toBe(false);
      expect(readdirSync(temp)).toEqual([]);
    } finally {
      child.kill('SIGTERM');
      await exited;
      rmSync(temp, { recursive: true, force: true });
    }
  });
});
