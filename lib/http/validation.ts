import * as v from 'valibot';
import { type ErrorDetail, notFound, validationError } from '#lib/core/errors.ts';
import type { AnySchema } from '#lib/http/declaration.ts';

/** Parsing client input against a route's schemas: failures become the contract's errors. */

function toDetails(issues: readonly v.BaseIssue<unknown>[], root: string): ErrorDetail[] {
  return issues.map((issue) => {
    const keys = (issue.path ?? []).map((item) => String(item.key));
    const path = keys.length > 0 ? keys.join('.') : root;
    // strictObject reports an unknown key as "expected never": say so plainly.
    const message =
      issue.expected === 'never'
        ? 'is not an allowed field'
        : issue.input === undefined && keys.length > 0
          ? 'is required'
          : issue.message;
    return { path, message };
  });
}

/** Validates client input; failures become 400 VALIDATION_ERROR with one detail per problem. */
export function parseInput<S extends AnySchema>(schema: S, input: unknown, root: string): v.InferOutput<S> {
  const result = v.safeParse(schema, input, { abortPipeEarly: true });
  if (result.success) return result.output;
  throw validationError(toDetails(result.issues, root));
}

/** Validates path parameters; a malformed id is a 404, never a 400 or a 500. */
export function parsePath<S extends AnySchema>(schema: S, input: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  throw notFound();
}
