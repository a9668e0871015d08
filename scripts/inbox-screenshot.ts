/**
 * Regenerates docs/local-inbox.png, the picture of the local inbox in docs/account-emails.md. With `npm start`
 * running and a user registered (docs/account-emails.md), it opens the mail catcher's web
 * inbox in headless Chromium (found as the browser tests find it: CHROMIUM_PATH, the PATH, or
 * @sparticuz/chromium), opens the newest verification mail and saves the page.
 *
 *   node scripts/inbox-screenshot.ts [inbox URL, default http://127.0.0.1:25480]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { findBrowser } from '../test/helpers/browser.ts';

const inbox = process.argv[2] ?? `http://127.0.0.1:${process.env.MAIL_CATCHER_PORT ?? 25_480}`;
const target = fileURLToPath(new URL('../docs/local-inbox.png', import.meta.url));
const subject = 'Confirm your email address';

const scratch = mkdtempSync(join(tmpdir(), 'taskapi-chromium-'));
try {
  const found = await findBrowser();
  const browser = await chromium.launchPersistentContext(join(scratch, 'profile'), {
    executablePath: found.executablePath,
    env: { ...process.env, ...found.env, TMPDIR: scratch },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    viewport: { width: 1280, height: 760 },
  });
  try {
    const page = await browser.newPage();
    await page.goto(inbox, { waitUntil: 'networkidle' });
    await page.getByText(subject).first().click();
    // The mail's HTML part renders in a frame of its own.
    await page.frameLocator('iframe').getByText('Confirm my email address').waitFor({ timeout: 15_000 });
    await page.screenshot({ path: target });
    process.stdout.write(`Saved ${target}\n`);
  } finally {
    await browser.close();
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
