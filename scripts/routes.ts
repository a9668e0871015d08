import { readdirSync } from 'node:fs';
import { type PipelineRoute, pathsOf, type RouteDeclaration } from '#lib/http/declaration.ts';

/**
 * Every route declaration, read from lib/http/routes/ (one file per function, named after it),
 * so adding a route never means adding it to a list. For the document builder and the tests;
 * no Lambda function loads this.
 */

const folder = new URL('../lib/http/routes/', import.meta.url);

export interface DeclarationFile {
  /** The file's name without `.ts`: the function it declares. */
  name: string;
  declaration: RouteDeclaration | PipelineRoute;
}

async function load(): Promise<DeclarationFile[]> {
  const names = readdirSync(folder)
    .filter((file) => file.endsWith('.ts'))
    .map((file) => file.slice(0, -3))
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const module = (await import(new URL(`${name}.ts`, folder).href)) as {
        declaration: RouteDeclaration | PipelineRoute;
      };
      return { name, declaration: module.declaration };
    }),
  );
}

export const DECLARATION_FILES: readonly DeclarationFile[] = await load();

/** The documented routes (everything but the pipeline's own preflight and catch-all). */
export const DECLARATIONS: readonly RouteDeclaration[] = DECLARATION_FILES.flatMap(({ declaration }) =>
  'method' in declaration ? [declaration] : [],
);

/** Each declaration at each of its paths: the operations of the OpenAPI document. */
export const OPERATIONS = DECLARATIONS.flatMap((declaration) =>
  pathsOf(declaration).map((at) => ({ ...declaration, ...at })),
);
