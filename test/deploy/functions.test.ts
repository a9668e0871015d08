import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DECLARATION_FILES, type DeclarationFile, OPERATIONS } from '../../scripts/routes.ts';
import { type FunctionBlock, functions, routeFunctions } from '../../scripts/serverless-functions.ts';

/**
 * serverless.yml's functions: the routes' handlers and `http` events come from the declarations
 * (scripts/serverless-functions.ts), the rest from the blocks serverless.yml writes. The
 * packaged template is checked against the declarations in package.test.ts.
 */

const root = new URL('../../', import.meta.url);
const config = parse(readFileSync(new URL('serverless.yml', root), 'utf8')) as {
  functions: [string, Record<string, FunctionBlock>];
  custom: { routeDefaults: FunctionBlock };
};
const [variable, blocks] = config.functions;
const defaults = config.custom.routeDefaults;
const functionFiles = readdirSync(new URL('functions/', root))
  .filter((file) => file.endsWith('.ts'))
  .map((file) => file.slice(0, -3));

/** osls's merge of a list under `functions:` (lists merge item by item, hence the care). */
const mergePlainObjects = createRequire(import.meta.url)('serverless/lib/utils/merge-plain-objects.js') as (
  target: object,
  ...sources: object[]
) => Record<string, FunctionBlock>;

/** What osls makes of `functions:` (variables other than the generated entry left as written). */
async function resolved(): Promise<Record<string, FunctionBlock>> {
  const resolveConfigurationProperty = async (path: string[]) =>
    path.reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], config);
  const generated = await functions({ resolveConfigurationProperty });
  return mergePlainObjects({}, generated, structuredClone(blocks));
}

const all = await resolved();
const httpEvents = Object.entries(all).flatMap(([name, block]) =>
  ((block.events ?? []) as { http?: { method: string; path: string; private?: boolean } }[]).flatMap((event) =>
    event.http
      ? [
          {
            function: name,
            method: event.http.method.toUpperCase(),
            path: `/${event.http.path.replace(/^\//, '')}`,
            private: event.http.private,
          },
        ]
      : [],
  ),
);

describe("serverless.yml's functions", () => {
  it('list the generated entry first, then the written blocks', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a serverless variable
    expect(variable).toBe('${file(./scripts/serverless-functions.js):functions}');
    expect(Object.keys(blocks).length).toBeGreaterThan(0);
  });

  it('are one per declaration and function file, besides the ones serverless.yml writes whole', () => {
    const declared = DECLARATION_FILES.map((file) => file.name);
    const written = Object.entries(blocks)
      .filter(([, block]) => block.handler !== undefined)
      .map(([name]) => name);

    expect([...declared, ...written].sort()).toEqual([...functionFiles].sort());
    expect(declared.filter((name) => written.includes(name))).toEqual([]);
    for (const name of declared) expect(all[name]?.handler, name).toBe(`functions/${name}.handler`);
  });

  it('serve exactly the declared routes, each with its function', () => {
    // Preflight (OPTIONS) and the catch-all 404 are the same on every path; they are checked below.
    const served = httpEvents
      .filter((event) => event.method !== 'OPTIONS' && event.function !== 'not-found')
      .map((event) => `${event.method} ${event.path} ${event.function}`)
      .sort();
    const declared = OPERATIONS.map((route) => `${route.method} ${route.path} ${route.function}`).sort();

    expect(served).toEqual(declared);
  });

  it('give the preflight every declared path, and nothing more', () => {
    const preflights = httpEvents.filter((event) => event.method === 'OPTIONS');

    expect(preflights.every((event) => event.function === 'preflight')).toBe(true);
    expect(preflights.map((event) => event.path).sort()).toEqual(
      [...new Set(OPERATIONS.map((route) => route.path))].sort(),
    );
  });

  it('give the catch-all its two events: the root and every other path', () => {
    const catchAll = httpEvents.filter((event) => event.function === 'not-found');

    expect(catchAll.map((event) => `${event.method} ${event.path}`).sort()).toEqual(['ANY /', 'ANY /{proxy+}']);
  });

  it('leave the key off only the public routes', () => {
    const open = httpEvents.filter((event) => event.private === false).map((event) => event.path);

    expect(open.sort()).toEqual(
      OPERATIONS.filter((route) => route.public)
        .map((route) => route.path)
        .sort(),
    );
  });

  it("give a route the defaults for what its block leaves out, and the block's own settings", () => {
    expect(blocks['auth-login']).toBeUndefined();
    expect(all['auth-login']).toMatchObject(defaults);
    expect(all.health).toMatchObject({ secrets: ['database'], reservedConcurrency: defaults.reservedConcurrency });
    expect(all.docs).toMatchObject({ secrets: [] });
    expect(all['tasks-list']?.secrets).toEqual(defaults.secrets);
    expect(all['tasks-list']?.reservedConcurrency).not.toEqual(defaults.reservedConcurrency);
  });
});

describe('the generated functions', () => {
  const input = { declarations: DECLARATION_FILES, functionFiles, blocks, defaults };
  const shareDeclaration = {
    name: 'tasks-share',
    declaration: { ...(DECLARATION_FILES.find((file) => file.name === 'tasks-get') as DeclarationFile).declaration },
  } as DeclarationFile;
  Object.assign(shareDeclaration.declaration, {
    function: 'tasks-share',
    method: 'POST',
    path: '/api/v1/tasks/{id}/share',
  });

  it('give a new route its function, events and defaults from its declaration and function file alone', () => {
    const generated = routeFunctions({
      ...input,
      declarations: [...DECLARATION_FILES, shareDeclaration],
      functionFiles: [...functionFiles, 'tasks-share'],
    });

    expect(generated['tasks-share']).toEqual({
      handler: 'functions/tasks-share.handler',
      events: [{ http: { method: 'post', path: 'api/v1/tasks/{id}/share' } }],
      ...defaults,
    });
    expect(generated.preflight?.events).toContainEqual({
      http: { method: 'options', path: 'api/v1/tasks/{id}/share' },
    });
  });

  it.each([
    [
      'a declaration without its function file',
      { declarations: [...DECLARATION_FILES, shareDeclaration] },
      'lib/http/routes/tasks-share.ts declares a route but functions/tasks-share.ts does not exist',
    ],
    [
      'a function file without a declaration or a block',
      { functionFiles: [...functionFiles, 'tasks-share'] },
      'functions/tasks-share.ts has neither a declaration (lib/http/routes/tasks-share.ts) nor a block in serverless.yml',
    ],
    [
      'a block for a route no one declares',
      { blocks: { ...blocks, 'tasks-share': { reservedConcurrency: 1 } } },
      'serverless.yml: tasks-share has no handler and no declaration (lib/http/routes/tasks-share.ts)',
    ],
    [
      "a block that writes a route's events",
      { blocks: { ...blocks, 'tasks-get': { events: [] } } },
      'serverless.yml: the events of tasks-get comes from lib/http/routes/tasks-get.ts; remove it',
    ],
    [
      'a declaration naming another function',
      {
        declarations: DECLARATION_FILES.map((file) =>
          file.name === 'tasks-get' ? { ...file, declaration: { ...file.declaration, function: 'tasks-list' } } : file,
        ),
      },
      'lib/http/routes/tasks-get.ts declares function "tasks-list", not "tasks-get"',
    ],
  ])('refuse %s', (_, change, message) => {
    expect(() => routeFunctions({ ...input, ...change })).toThrow(message);
  });
});
