import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build } from 'esbuild';
import { parse } from 'yaml';
import esbuildPlugins from '../scripts/esbuild-plugins.ts';

/**
 * Bundles an entry the way serverless-esbuild bundles the functions: serverless.yml's
 * custom.esbuild (the one place those settings live) and scripts/esbuild-plugins.ts, without
 * the options only serverless-esbuild understands.
 */

const root = fileURLToPath(new URL('..', import.meta.url));

type ServerlessEsbuild = BuildOptions & { exclude?: string[]; packager?: string; outputFileExtension?: string };

export function productEsbuildOptions(): BuildOptions {
  const config = parse(readFileSync(join(root, 'serverless.yml'), 'utf8')) as {
    custom: {
      esbuild: Omit<ServerlessEsbuild, 'exclude'> & { exclude?: string[] | string; plugins?: string };
      esbuildExclude?: Record<string, string[]>;
    };
  };
  const {
    exclude = [],
    packager: _packager,
    outputFileExtension: _ext,
    plugins: _plugins,
    ...options
  } = config.custom.esbuild;
  // `exclude` follows the stage's rateLimitStore (a variable): the default stage's, postgres.
  const excluded = typeof exclude === 'string' ? (config.custom.esbuildExclude?.postgres ?? []) : exclude;
  return { ...options, external: [...(options.external ?? []), ...excluded], plugins: esbuildPlugins };
}

/** Writes `entry`'s bundle (and its source map) to `outfile`; returns the bundle's size in bytes. */
export async function bundle(entry: string, outfile: string, extra: BuildOptions = {}): Promise<number> {
  const result = await build({
    ...productEsbuildOptions(),
    ...extra,
    entryPoints: [entry],
    outfile,
    metafile: true,
    logLevel: 'error',
  });
  return Object.values(result.metafile.outputs).find((output) => !output.entryPoint?.endsWith('.map'))?.bytes ?? 0;
}
