import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { OPERATIONS } from '../../scripts/routes.ts';
import { findBrowser } from '../helpers/browser.ts';
import { baseUrl } from '../helpers/http.ts';

const screenshots = new URL('../../test-results/', import.meta.url);
// The browser's profile and its temp files, deleted when the file ends.
const scratch = mkdtempSync(join(tmpdir(), 'taskapi-chromium-'));
const userDataDir = join(scratch, 'profile');
const browserTemp = join(scratch, 'tmp');
mkdirSync(browserTemp);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the API reference in a browser', () => {
  it('renders every route from the local server, loading nothing from elsewhere', { timeout: 90_000 }, async () => {
    // CHROMIUM_PATH, a Chrome or Chromium on the PATH, or the one in @sparticuz/chromium.
    const found = await findBrowser();
    const browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath: found.executablePath,
      env: { ...process.env, ...found.env, TMPDIR: browserTemp },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1400, height: 1000 },
    });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      const elsewhere: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error' || /Content Security Policy/i.test(message.text())) {
          problems.push(message.text());
        }
      });
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('request', (request) => {
        if (!/^(data|blob):/.test(request.url()) && !request.url().startsWith(baseUrl())) elsewhere.push(request.url());
      });

      const response = await page.goto(`${baseUrl()}/docs`, { waitUntil: 'networkidle' });
      expect(response?.status()).toBe(200);
      await expect.poll(() => page.locator('body').innerText(), { timeout: 20_000 }).toContain('Conventions');

      // Redoc shows one tag at a time: open each and find its routes, by summary and path.
      for (const tag of new Set(OPERATIONS.map((route) => route.tag))) {
        await page.getByRole('link', { name: tag, exact: true }).first().click();
        const missing = async () => {
          const text = await page.locator('body').innerText();
          return OPERATIONS.filter((route) => route.tag === tag)
            .flatMap((route) => [route.summary, route.path])
            .filter((expected) => !text.includes(expected));
        };
        await expect.poll(missing, { timeout: 10_000, message: `routes under ${tag}` }).toEqual([]);
      }
      // The page routes by hash, so an operation has a URL of its own that loads as such.
      await page.goto('about:blank');
      await page.goto(`${baseUrl()}/docs#/tasks/createtask`, { waitUntil: 'networkidle' });
      const heading = page.locator('h2').filter({ hasText: 'Create a task' });
      // Redoc scrolls the operation into view once it has rendered.
      const inView = async () => {
        const top = await heading.evaluate((element) => element.getBoundingClientRect().top);
        return top >= 0 && top < (page.viewportSize()?.height ?? 0);
      };
      await expect.poll(inView, { timeout: 10_000 }).toBe(true);
      await expect.poll(() => page.getByText('Buy milk').first().isVisible()).toBe(true);
      mkdirSync(screenshots, { recursive: true });
      await page.screenshot({ path: new URL('docs-create-task.png', screenshots).pathname });

      expect(problems).toEqual([]);
      expect(elsewhere).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
