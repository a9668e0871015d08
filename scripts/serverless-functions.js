// osls loads a `${file(...)}` variable's module only from .js or .cjs, with require(), which
// cannot load one with top-level await (the declarations loader): this hands over to the
// TypeScript module.
export const functions = async (context) => (await import('./serverless-functions.ts')).functions(context);
