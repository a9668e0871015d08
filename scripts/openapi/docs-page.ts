import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * Builds the API reference page served at GET /docs: Redocly's `build-docs` renders the
 * OpenAPI document into one self-contained HTML file (Redoc and the document inline), and a
 * content security policy is derived from it that allows exactly its inline scripts and
 * styles. Build time only; the docs function serves the result.
 */

export interface DocsPage {
  contentSecurityPolicy: string;
  html: string;
}

/**
 * Redoc 3 loads its attribution logo from Redocly's CDN once the page runs. The page must load
 * nothing from elsewhere (it works offline, and its policy allows no other origin), so the
 * build swaps in an inline wordmark; the attribution stays.
 */
const CDN_LOGOS = ['https://cdn.redoc.ly/redoc/logo-mini-full.svg', 'https://cdn.redoc.ly/redoc/logo-mini.svg'];
const WORDMARK =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='64' height='16'%3E%3Ctext x='0' y='12' " +
  "font-family='sans-serif' font-size='12' fill='%23666'%3ERedocly%3C/text%3E%3C/svg%3E";

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

const ENTITIES: Record<string, string> = { amp: '&', quot: '"', '#x27': "'", '#39': "'", lt: '<', gt: '>' };
const decodeAttribute = (value: string) =>
  value.replace(/&(amp|quot|#x27|#39|lt|gt);/g, (_, name: string) => ENTITIES[name] ?? '');

/**
 * The policy for one built page. Script and style elements are found in document order: a
 * script's text ends at the first `</script` (build-docs escapes any inside the bundle), so
 * tags that only appear inside scripts are never mistaken for elements.
 */
export function contentSecurityPolicy(html: string): string {
  const scripts = new Set<string>();
  // styled-components adds an empty <style> element at run time and fills it through the CSSOM.
  const styles = new Set<string>([sha256('')]);
  const styleAttributes = new Set<string>();
  let markup = '';
  let last = 0;
  for (const match of html.matchAll(/<(script|style)\b[^>]*>([\s\S]*?)<\/\1\s*>/gi)) {
    markup += html.slice(last, match.index);
    last = match.index + match[0].length;
    (match[1]?.toLowerCase() === 'script' ? scripts : styles).add(sha256(match[2] ?? ''));
  }
  markup += html.slice(last);
  for (const match of markup.matchAll(/\sstyle="([^"]*)"/g))
    styleAttributes.add(sha256(decodeAttribute(match[1] ?? '')));
  // In the order @middy/http-security-headers writes directives, so the header is this string.
  return [
    "default-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    `script-src ${[...scripts].join(' ')}`,
    `style-src ${[...styles].join(' ')}`,
    ...(styleAttributes.size > 0 ? [`style-src-attr 'unsafe-hashes' ${[...styleAttributes].join(' ')}`] : []),
    // Redoc's icons and fonts are inline data: URLs.
    'img-src data:',
    'font-src data:',
  ].join('; ');
}

function redoclyBin(): string {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('@redocly/cli/package.json');
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin: Record<string, string> };
  return join(dirname(manifest), bin.redocly ?? 'bin/cli.js');
}

/** Renders the page for an OpenAPI document (its JSON text). Takes a couple of seconds. */
export function buildDocsPage(documentText: string): DocsPage {
  const folder = mkdtempSync(join(tmpdir(), 'taskapi-docs-'));
  try {
    const input = join(folder, 'openapi.json');
    const output = join(folder, 'docs.html');
    writeFileSync(input, documentText);
    const result = spawnSync(
      process.execPath,
      [
        redoclyBin(),
        'build-docs',
        input,
        '--output',
        output,
        '--title',
        'taskapi API reference',
        // Redoc and the document inline: the page needs no CDN and works offline.
        '--inlineBundle',
        // Links as #/tasks/gettask: the page lives at one URL, and a reload comes back to it.
        '--openapi.router=hash',
      ],
      {
        encoding: 'utf8',
        // Off also turns the page's own telemetry off (it would post to Redocly's collector).
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
      },
    );
    if (result.status !== 0) throw new Error(`redocly build-docs failed:\n${result.stdout}\n${result.stderr}`);
    let html = readFileSync(output, 'utf8');
    for (const logo of CDN_LOGOS) {
      if (!html.includes(logo)) throw new Error(`build-docs output changed: ${logo} not found; review the docs page`);
      html = html.replaceAll(logo, WORDMARK);
    }
    if (!html.includes('"disableTelemetry":true')) throw new Error('build-docs left the page telemetry on');
    return { contentSecurityPolicy: contentSecurityPolicy(html), html };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
