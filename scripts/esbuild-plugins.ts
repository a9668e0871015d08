import { isBuiltin } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';

/**
 * esbuild plugins of the function bundles (serverless.yml custom.esbuild.plugins; the bench's
 * bundles through bench/bundle.ts). Their one aim: no `node:http` at import. An ES import of
 * `node:http` or `node:https` evaluates their lazy getters, which load undici, http2, zlib,
 * worker_threads and ~20 more built-ins (~28 ms of cold start), and esbuild hoists an external
 * import to the top of the bundle even when the module importing it is itself loaded lazily.
 */

const statusCodes = fileURLToPath(new URL('../lib/http/status-codes.ts', import.meta.url));
const inPackage = (importer: string, name: string) => importer.includes(`/node_modules/${name}/`);

/** @middy/util wants only `STATUS_CODES` from `node:http`: it gets the static table. */
const middyStatusCodes: Plugin = {
  name: 'middy-status-codes',
  setup(build) {
    build.onResolve({ filter: /^(node:)?http$/ }, (args) =>
      inPackage(args.importer, '@middy/util') ? { path: statusCodes } : undefined,
    );
  },
};

/**
 * Packages the functions import only on first use (`await import()`): the Powertools Tracer,
 * which hands `node:http`/`node:https` to the X-Ray SDK to patch where X-Ray runs
 * (lib/infra/tracing.ts), and nodemailer (lib/mail/transport.ts, on the first send). A
 * `require()` inside their lazily evaluated code loads their built-ins (http, https, zlib, dns,
 * child_process, util's lazy getters...) then, and only there.
 */
const ON_DEMAND = ['@aws-lambda-powertools/tracer', 'nodemailer'];
const builtinsOnDemand: Plugin = {
  name: 'builtins-on-demand',
  setup(build) {
    build.onResolve({ filter: /^[a-z_:/0-9]+$/ }, (args) =>
      isBuiltin(args.path) && ON_DEMAND.some((name) => inPackage(args.importer, name))
        ? { path: args.path.replace(/^node:/, ''), namespace: 'builtin-on-demand' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'builtin-on-demand' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(`node:${args.path}`)});`,
      loader: 'js',
    }));
  },
};

export default [middyStatusCodes, builtinsOnDemand];
