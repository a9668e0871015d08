import * as v from 'valibot';
import { ERROR_CODES as CODES, type ErrorCode } from '#lib/core/errors.ts';
import { timestamp } from '#lib/core/schema.ts';

/**
 * Response schemas shared by every route: the contract's envelopes and the fields resources
 * have in common. They describe responses for the OpenAPI document and the contract tests;
 * handlers never validate their own responses at run time.
 */

export const Meta = v.strictObject({ timestamp });

/** `{ data, meta: { timestamp } }` around one resource. */
export const dataEnvelope = <S extends v.GenericSchema>(data: S) => v.strictObject({ data, meta: Meta });

const count = (description: string, example: number) =>
  v.pipe(v.number(), v.integer(), v.minValue(0), v.description(description), v.examples([example]));

export const PageMeta = v.strictObject({
  total: count('items matching the query, on every page', 42),
  page: v.pipe(count('this page, from 1', 1), v.minValue(1)),
  pageSize: v.pipe(count('items per page', 20), v.minValue(1), v.maxValue(100)),
  totalPages: count('pages in all; a page past the end is empty', 3),
  timestamp,
});

/** `{ data: [...], meta: { total, page, pageSize, totalPages, timestamp } }`. */
export const pageEnvelope = <S extends v.GenericSchema>(item: S) =>
  v.strictObject({ data: v.array(item), meta: PageMeta });

export const CursorPageMeta = v.strictObject({
  limit: v.pipe(count('items per page at most', 20), v.minValue(1), v.maxValue(100)),
  nextCursor: v.pipe(
    v.nullable(v.string()),
    v.description('pass as `cursor` (with the same filters and sort) for the next page; null on the last page'),
  ),
  timestamp,
});

/** `{ data: [...], meta: { limit, nextCursor, timestamp } }`: a keyset page (`limit`, `cursor`). */
export const cursorPageEnvelope = <S extends v.GenericSchema>(item: S) =>
  v.strictObject({ data: v.array(item), meta: CursorPageMeta });

export const ERROR_CODES = CODES as unknown as [ErrorCode, ...ErrorCode[]];

/** One problem of a VALIDATION_ERROR. */
export const ErrorDetail = v.strictObject({
  path: v.pipe(v.string(), v.description('the field or parameter, e.g. `title`, or `body`'), v.examples(['title'])),
  message: v.pipe(v.string(), v.examples(['must not be empty'])),
});

export type ErrorDetail = v.InferOutput<typeof ErrorDetail>;

/** The error envelope; `codes` narrows it to the codes one status or one route can answer with. */
export const errorEnvelopeFor = (codes: readonly [ErrorCode, ...ErrorCode[]] = ERROR_CODES) =>
  v.strictObject({
    error: v.strictObject({
      code: v.picklist(codes),
      message: v.pipe(v.string(), v.description('for people; 5xx messages are generic')),
      details: v.optional(v.pipe(v.array(ErrorDetail), v.description('one entry per problem, for VALIDATION_ERROR'))),
      requestId: v.pipe(v.string(), v.description('equals the X-Request-Id response header')),
    }),
  });

export const ErrorEnvelope = errorEnvelopeFor();

export type ErrorEnvelope = v.InferOutput<typeof ErrorEnvelope>;
