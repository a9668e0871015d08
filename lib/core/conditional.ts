import * as v from 'valibot';

/**
 * HTTP conditional requests (RFC 9110 §13) and the Idempotency-Key header, as request-header
 * schemas the validation step parses. A task's ETag is its version, quoted: strong, because the
 * version changes with every change of the representation.
 */

export const etagOf = (version: number) => `"${version}"`;

/** One entity tag; `weak` for `W/"…"`. */
export interface EntityTag {
  weak: boolean;
  opaque: string;
}

/** `*` (any current representation) or the listed tags. */
export type EntityTags = '*' | EntityTag[];

const ETAG = String.raw`(?:W\/)?"[\x21\x23-\x7e]*"`;
const ETAG_LIST = new RegExp(String.raw`^(?:\*|${ETAG}(?:[ \t]*,[ \t]*${ETAG})*)$`);

function parseEntityTags(text: string): EntityTags {
  const trimmed = text.trim();
  if (trimmed === '*') return '*';
  return [...trimmed.matchAll(/(W\/)?"([^"]*)"/g)].map((match) => ({
    weak: match[1] !== undefined,
    opaque: match[2] ?? '',
  }));
}

const entityTags = (name: string, description: string) =>
  v.pipe(
    v.string(),
    v.description(description),
    v.maxLength(1024, `${name} must be at most 1024 characters`),
    v.check((text) => ETAG_LIST.test(text.trim()), `must be * or a list of entity tags such as "3"`),
    // The same rule in the document, which said only "a string" (found by the OpenAPI fuzzer).
    v.metadata<string, { pattern: string }>({ pattern: String.raw`^\s*${ETAG_LIST.source.slice(1, -1)}\s*$` }),
    v.transform(parseEntityTags),
  );

export const ifNoneMatch = entityTags(
  'If-None-Match',
  'an `ETag` you hold: 304 with no body while the task is unchanged',
);

export const ifMatch = entityTags(
  'If-Match',
  'the `ETag` you read: 412 `PRECONDITION_FAILED` if the task changed since; `*` only requires that it exists',
);

/** The versions an If-Match accepts (strong comparison: weak tags never match); `*` means any. */
export function acceptedVersions(tags: EntityTags): number[] | '*' {
  if (tags === '*') return '*';
  return tags.flatMap((tag) => (!tag.weak && /^[1-9]\d{0,8}$/.test(tag.opaque) ? [Number(tag.opaque)] : []));
}

/** Whether If-None-Match holds the current tag (weak comparison, RFC 9110 §13.1.2). */
export function noneMatchHolds(tags: EntityTags, etag: string): boolean {
  if (tags === '*') return true;
  return tags.some((tag) => `"${tag.opaque}"` === etag);
}

/** 1 to 255 visible ASCII characters, as the contract says (a UUID is a good choice). */
export const idempotencyKey = v.pipe(
  v.string(),
  v.regex(/^[\x21-\x7e]{1,255}$/, 'must be 1 to 255 visible ASCII characters'),
  v.description(
    'makes a retry safe: the same key within 24 hours replays the first answer (`Idempotent-Replayed: true`) ' +
      'instead of creating another task',
  ),
  v.examples(['5f2b9c1e-8d4a-4e36-9a57-0c1d2e3f4a5b']),
);
