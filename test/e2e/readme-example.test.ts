import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { baseUrl } from '../helpers/http.ts';

/**
 * The offline-first client example of docs/sync.md, run as written against the local server
 * (only the base URL changes): each `// → …` comment is what the line before prints.
 */

const PAGE = readFileSync(new URL('../../docs/sync.md', import.meta.url), 'utf8');

function example(): string {
  const section = PAGE.slice(PAGE.indexOf('## Building an offline-first client'));
  const start = section.indexOf('```ts\n') + '```ts\n'.length;
  return section.slice(start, section.indexOf('\n```', start));
}

describe('the offline-first example of docs/sync.md', () => {
  it('runs against the local server and prints what its comments say', async () => {
    const code = example().replaceAll('http://localhost:3000', baseUrl());
    const expected = [...code.matchAll(/\/\/ → (.*)$/gm)].map((match) => match[1] ?? '');
    // In the project folder, as the page says, so `@taskapi/client` resolves.
    const file = new URL(`../../.readme-example-${process.pid}.ts`, import.meta.url);
    writeFileSync(file, code);
    let stdout: string;
    try {
      ({ stdout } = await promisify(execFile)(process.execPath, [file.pathname], { timeout: 30_000 }));
    } finally {
      rmSync(file, { force: true });
    }

    const printed = stdout
      .replace(/\{[^}]*\}/g, (object) => object.replace(/\s+/g, ' '))
      .trim()
      .split('\n');
    expect(expected).toHaveLength(6);
    expect(printed).toHaveLength(6);
    expect(printed.slice(0, 3)).toEqual(expected.slice(0, 3));
    expect(printed[3]).toMatch(/^200 \{ .*completed: true, .*version: 3,/);
    expect(printed.slice(4)).toEqual(expected.slice(4));
  });
});
