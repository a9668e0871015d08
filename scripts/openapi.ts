/**
 * `npm run openapi`: regenerates what is built from the route declarations and the valibot schemas:
 * openapi.json, the docs page (lib/reference/docs-page.json) and the client's types
 * (client/schema.ts). `--check` writes nothing and fails when a committed file is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderClientTypes } from '../client/generate.ts';
import { buildDocsPage } from './openapi/docs-page.ts';
import { buildDocument } from './openapi/document.ts';
import { DECLARATIONS } from './routes.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Every generated file by its path from the project root, with its fresh contents. */
export async function renderGenerated(): Promise<Record<string, string>> {
  const document = `${JSON.stringify(buildDocument(DECLARATIONS), null, 2)}\n`;
  return {
    'openapi.json': document,
    'client/schema.ts': await renderClientTypes(document),
    'lib/reference/docs-page.json': `${JSON.stringify(buildDocsPage(document))}\n`,
  };
}

const read = (path: string) => {
  try {
    return readFileSync(join(root, path), 'utf8');
  } catch {
    return undefined;
  }
};

/** The generated files whose committed contents differ from a fresh build. */
export async function staleGenerated(): Promise<string[]> {
  const fresh = await renderGenerated();
  return Object.keys(fresh).filter((path) => read(path) !== fresh[path]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--check')) {
    const stale = await staleGenerated();
    if (stale.length > 0) {
      process.stderr.write(`Out of date: ${stale.join(', ')}. Run \`npm run openapi\` and commit the result.\n`);
      process.exit(1);
    }
    process.stdout.write('openapi.json, the docs page and the client types are up to date\n');
  } else {
    for (const [path, contents] of Object.entries(await renderGenerated())) {
      const changed = read(path) !== contents;
      if (changed) writeFileSync(join(root, path), contents);
      process.stdout.write(`${changed ? 'wrote' : 'unchanged'} ${path}\n`);
    }
  }
}
