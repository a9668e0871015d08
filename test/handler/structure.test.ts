import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The layers point down: functions → lib/http (pipeline, declarations, rendering) → the domain
 * (auth, users, tasks, mail, audit) → lib/core and lib/infra. Read from the source's import
 * lines, type-only imports included (a type is a dependency of the reader too).
 */

const root = join(import.meta.dirname, '..', '..');

function sources(folder: string): string[] {
  return readdirSync(join(root, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));
}

/** The project files a source imports, as paths from the root. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(/^(?:import|export)\b[^;]*?from '([^']+)';/gms)) {
    const target = match[1] ?? '';
    if (target.startsWith('#lib/')) found.push(`lib/${target.slice(5)}`);
    else if (target.startsWith('#db/')) found.push(`db/${target.slice(4)}`);
    else if (target.startsWith('.')) found.push(relative(root, join(root, file, '..', target)));
  }
  return found;
}

const graph = new Map([...sources('lib'), ...sources('db'), ...sources('functions')].map((f) => [f, importsOf(f)]));

function cycles(): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}

describe('the structure of lib/', () => {
  it('has no file outside lib/http (and functions/) importing from lib/http', () => {
    const upward = [...graph].flatMap(([file, targets]) =>
      file.startsWith('lib/http/') || file.startsWith('functions/')
        ? []
        : targets.filter((target) => target.startsWith('lib/http/')).map((target) => `${file} → ${target}`),
    );
    expect(upward).toEqual([]);
  });

  it('has no import cycles', () => {
    expect(cycles()).toEqual([]);
  });

  it('keeps lib/core and lib/infra below the domain', () => {
    const domain = /^lib\/(auth|users|tasks|mail|audit|health)\//;
    const upward = [...graph].flatMap(([file, targets]) =>
      /^lib\/(core|infra)\//.test(file)
        ? targets.filter((target) => domain.test(target)).map((target) => `${file} → ${target}`)
        : [],
    );
    expect(upward).toEqual([]);
  });
});
