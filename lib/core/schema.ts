import * as v from 'valibot';

/**
 * The valibot building blocks every schema shares (requests, resources, the document): client
 * strings, emails, ids, query parameters, timestamps. Plain values, below every layer.
 */

const codePoints = (text: string) => {
  let count = 0;
  for (const _ of text) count++;
  return count;
};

/**
 * A client string: no NUL (PostgreSQL text cannot hold it), no lone surrogates (they do
 * not survive UTF-8), length counted in Unicode code points as the contract says. The
 * metadata carries the same limits into the OpenAPI document: JSON Schema's minLength and
 * maxLength count code points too.
 */
export function text({ min = 0, max, trim = false }: { min?: number; max: number; trim?: boolean }) {
  const base = v.pipe(
    v.string('must be a string'),
    v.check((value) => !value.includes('\u0000'), 'must not contain NUL characters'),
    v.check((value) => value.isWellFormed(), 'must be valid Unicode text'),
  );
  const atLeast = v.check(
    (value: string) => codePoints(value) >= min,
    min === 1 ? 'must not be empty' : `must be at least ${min} characters`,
  );
  const atMost = v.check((value: string) => codePoints(value) <= max, `must be at most ${max} characters`);
  // A trimmed field that must not be empty needs more than white space, and the document says so
  // (it took `"\r"` for a title, which the server refuses; found by the OpenAPI fuzzer).
  const notBlank: Record<string, string> = trim && min > 0 ? { pattern: String.raw`^\s*[^\s\u0000][^\u0000]*$` } : {};
  const limits = v.metadata<string, Record<string, number | string>>({
    ...(min > 0 ? { minLength: min } : {}),
    maxLength: max,
    ...notBlank,
  });
  return trim ? v.pipe(base, v.trim(), atLeast, atMost, limits) : v.pipe(base, atLeast, atMost, limits);
}

/**
 * Email addresses: valibot's RFC 5322 rule, what real addresses use (`o'brien@`, `user~x@`,
 * `user+tag@`), no quoted local parts or IP literals. The document states its exact pattern and
 * no `format: email`, which validators read as a stricter rule than the server applies. The
 * documented pattern admits the white space the schemas trim first, so a client validating with
 * the document accepts what the server accepts (` ada@example.com ` is a valid login).
 */
export const emailRule = [
  v.rfcEmail<string, string>('must be a valid email address'),
  v.metadata<string, { format: undefined; pattern: string }>({
    format: undefined,
    pattern: `^\\s*(?:${v.RFC_EMAIL_REGEX.source.slice(1, -1)})\\s*$`,
  }),
] as const;

/** How the API compares and stores emails: trimmed and lower-cased (the schemas do the same). */
export const normaliseEmail = (email: string) => email.trim().toLowerCase();

export const uuid = v.pipe(v.string(), v.uuid('must be a UUID'));

/** A path id: anything that is not a UUID is simply not found. */
export const idPath = v.object({ id: uuid });

/**
 * How a query parameter appears in the OpenAPI document: as the value a client serialises
 * (an integer, a boolean) rather than the query-string text the pipe checks. It stands just
 * before the pipe's first transform, where the document's conversion stops.
 */
export const documentedAs = <T>(jsonSchema: Record<string, unknown>) =>
  v.metadata<T, { openapi: Record<string, unknown> }>({ openapi: jsonSchema });

/** A whole number in a query string, within a range. */
export const integerParam = (min: number, max: number, fallback: number) =>
  v.pipe(
    v.optional(v.string(), String(fallback)),
    v.regex(/^\d{1,9}$/, `must be a whole number from ${min} to ${max}`),
    documentedAs<string>({ type: 'integer', minimum: min, maximum: max, default: fallback }),
    v.transform(Number),
    v.minValue(min, `must be a whole number from ${min} to ${max}`),
    v.maxValue(max, `must be a whole number from ${min} to ${max}`),
  );

export const booleanParam = v.pipe(
  v.picklist(['true', 'false'], 'must be true or false'),
  documentedAs<'true' | 'false'>({ type: 'boolean' }),
  v.transform((value) => value === 'true'),
);

export const paginationQuery = {
  page: integerParam(1, 1_000_000, 1),
  pageSize: integerParam(1, 100, 20),
};

export type Pagination = { page: number; pageSize: number };

export const resourceId = v.pipe(v.string(), v.uuid(), v.examples(['0f8fad5b-d9cb-469f-a165-70867728950e']));

export const timestamp = v.pipe(
  v.string(),
  v.isoTimestamp(),
  v.description('ISO-8601 UTC timestamp'),
  v.examples(['2026-01-31T09:30:00.000Z']),
);
