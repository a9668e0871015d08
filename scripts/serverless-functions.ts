import { readdirSync } from 'node:fs';
import { type PipelineRoute, pathsOf, type RouteDeclaration } from '#lib/http/declaration.ts';
import { DECLARATION_FILES, type DeclarationFile } from './routes.ts';

/**
 * The route functions of serverless.yml, from the declarations (lib/http/routes/<name>.ts): each
 * one's handler (functions/<name>.ts) and `http` events, the preflight's OPTIONS on every
 * declared path and the catch-all's ANY. osls reads this as the first entry of `functions:`
 * (through serverless-functions.js) and merges the second over it: the blocks serverless.yml
 * writes (settings of route functions, and the functions without a route). Whatever setting a
 * route's block leaves out comes from `custom.routeDefaults`, so a new route needs no block.
 */

export type FunctionBlock = Record<string, unknown>;

interface HttpEvent {
  http: { method: string; path: string; private?: false };
}

export interface RouteFunctionsInput {
  declarations: readonly DeclarationFile[];
  /** The files of functions/, without `.ts`. */
  functionFiles: readonly string[];
  /** The blocks serverless.yml writes under `functions:`. */
  blocks: Record<string, FunctionBlock>;
  /** Settings a route's function gets when its block does not give them. */
  defaults: FunctionBlock;
}

/** Paths as serverless.yml writes them: `api/v1/tasks/{id}`, and `/` for the root. */
const http = (method: string, path: string, isPublic?: boolean): HttpEvent => ({
  http: { method: method.toLowerCase(), path: path.replace(/^\/(?=.)/, ''), ...(isPublic ? { private: false } : {}) },
});

/** Whatever does not add up, one line each: a declaration, a function file and a block must agree. */
function mismatches({ declarations, functionFiles, blocks }: RouteFunctionsInput): string[] {
  const declared = new Set(declarations.map((file) => file.name));
  const problems: string[] = [];
  for (const { name, declaration } of declarations) {
    if (!functionFiles.includes(name)) {
      problems.push(`lib/http/routes/${name}.ts declares a route but functions/${name}.ts does not exist`);
    }
    if (declaration.function !== name) {
      problems.push(`lib/http/routes/${name}.ts declares function "${declaration.function}", not "${name}"`);
    }
  }
  for (const name of functionFiles) {
    if (!declared.has(name) && blocks[name] === undefined) {
      problems.push(
        `functions/${name}.ts has neither a declaration (lib/http/routes/${name}.ts) nor a block in serverless.yml`,
      );
    }
  }
  for (const [name, block] of Object.entries(blocks)) {
    if (declared.has(name)) {
      for (const key of ['handler', 'events'].filter((key) => key in block)) {
        problems.push(`serverless.yml: the ${key} of ${name} comes from lib/http/routes/${name}.ts; remove it`);
      }
    } else if (block?.handler === undefined) {
      problems.push(`serverless.yml: ${name} has no handler and no declaration (lib/http/routes/${name}.ts)`);
    }
  }
  return problems;
}

/** The generated entry of `functions:`: one function per declaration, in file order. */
export function routeFunctions(input: RouteFunctionsInput): Record<string, FunctionBlock> {
  const problems = mismatches(input);
  if (problems.length > 0) throw new Error(`serverless functions: ${problems.join('; ')}`);

  const routes = input.declarations.flatMap(({ declaration }) => ('method' in declaration ? [declaration] : []));
  const paths = [...new Set(routes.flatMap((declaration) => pathsOf(declaration).map((at) => at.path)))];
  const eventsOf = (declaration: RouteDeclaration | PipelineRoute): HttpEvent[] => {
    if ('method' in declaration) {
      return pathsOf(declaration).map((at) => http(declaration.method, at.path, declaration.public));
    }
    // Browsers send no API key on a preflight; the stage-settings plugin leaves OPTIONS public.
    if (declaration.answers === 'preflight') return paths.map((path) => http('OPTIONS', path));
    return [http('ANY', '/'), http('ANY', '{proxy+}')];
  };

  return Object.fromEntries(
    input.declarations.map(({ name, declaration }) => {
      const block = input.blocks[name] ?? {};
      // osls merges the written block over this one (lists item by item): give only what it lacks.
      const defaults = Object.entries(input.defaults).filter(([key]) => !(key in block));
      return [
        name,
        { handler: `functions/${name}.handler`, events: eventsOf(declaration), ...Object.fromEntries(defaults) },
      ];
    }),
  );
}

/** What osls hands a function that a `${file(...)}` variable names. */
interface VariableContext {
  resolveConfigurationProperty(path: string[]): Promise<unknown>;
}

/** The `${file(./scripts/serverless-functions.js):functions}` variable of serverless.yml. */
export async function functions({ resolveConfigurationProperty }: VariableContext) {
  // `functions:` lists this variable first, then the written blocks.
  const blocks = ((await resolveConfigurationProperty(['functions', '1'])) ?? {}) as Record<string, FunctionBlock>;
  const defaults = ((await resolveConfigurationProperty(['custom', 'routeDefaults'])) ?? {}) as FunctionBlock;
  const functionFiles = readdirSync(new URL('../functions/', import.meta.url))
    .filter((file) => file.endsWith('.ts'))
    .map((file) => file.slice(0, -3));
  return routeFunctions({ declarations: DECLARATION_FILES, functionFiles, blocks, defaults });
}
