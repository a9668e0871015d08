import {
  accessSync,
  constants,
  existsSync,
  lchownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A Chrome or Chromium for the real-browser tests, in this order: CHROMIUM_PATH; a Chrome or
 * Chromium on the PATH; on linux-x64, the one inside the npm package @sparticuz/chromium (a
 * devDependency), unpacked once into node_modules/.cache/taskapi/ and reused. That package
 * ships no other platform's build: elsewhere one of the first two is needed.
 */

export interface Browser {
  executablePath: string;
  /** Environment the browser needs on top of the test's. */
  env: Record<string, string>;
}

const ON_PATH = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome'];
const cacheDir = fileURLToPath(new URL('../../node_modules/.cache/taskapi/', import.meta.url));

const isExecutableFile = (path: string) => {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

export async function findBrowser(): Promise<Browser> {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) {
    if (!isExecutableFile(configured)) throw new Error(`CHROMIUM_PATH=${configured} is not an executable file`);
    return { executablePath: configured, env: {} };
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const found = ON_PATH.map((name) => join(dir, name)).find(isExecutableFile);
    if (found) return { executablePath: found, env: {} };
  }
  if (process.platform === 'linux' && process.arch === 'x64') return packagedChromium();
  throw new Error(
    `No Chrome or Chromium found for ${process.platform}-${process.arch} (@sparticuz/chromium ships linux-x64 only): install one on the PATH (Debian: apt-get install chromium) or set CHROMIUM_PATH`,
  );
}

/**
 * @sparticuz/chromium's browser, unpacked (about 220 MB, 2 s) into the project rather than the
 * system temp folder, where the package unpacks by default: its unpacking follows
 * os.tmpdir(), pointed at a staging folder that is then renamed into place, so a concurrent
 * run never sees half a browser. With it, the NSS and expat libraries the package ships (for
 * Amazon Linux), which the browser needs and a minimal Linux may lack.
 */
async function packagedChromium(): Promise<Browser> {
  const entry = fileURLToPath(import.meta.resolve('@sparticuz/chromium'));
  const packageDir = join(dirname(entry), '..');
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string };
  const target = join(cacheDir, `sparticuz-chromium-${version}`);
  const libraries = join(target, 'al2023', 'lib');
  const browser = {
    executablePath: join(target, 'chromium'),
    env: { LD_LIBRARY_PATH: [libraries, process.env.LD_LIBRARY_PATH].filter(Boolean).join(delimiter) },
  };
  const complete = () => existsSync(browser.executablePath) && existsSync(join(libraries, 'libnss3.so'));
  if (complete()) return browser;

  mkdirSync(cacheDir, { recursive: true });
  const staging = mkdtempSync(`${target}.staging-`);
  const tmpdir = process.env.TMPDIR;
  try {
    process.env.TMPDIR = staging;
    const { default: Chromium, inflate } = await import('@sparticuz/chromium');
    await Promise.all([Chromium.executablePath(), inflate(join(packageDir, 'bin', 'al2023.tar.br'))]);
    // The archives carry their builder's user ids, which root would keep.
    if (process.getuid?.() === 0) {
      for (const name of readdirSync(staging, { recursive: true })) lchownSync(join(staging, String(name)), 0, 0);
    }
    if (existsSync(target)) rmSync(target, { recursive: true, force: true });
    renameSync(staging, target);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    // Another run renamed its copy into place first.
    if (!complete()) throw error;
  } finally {
    if (tmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmpdir;
  }
  return browser;
}
