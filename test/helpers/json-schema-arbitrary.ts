import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import fc from 'fast-check';

/**
 * fast-check arbitraries from the JSON Schemas of an OpenAPI document: values a schema accepts
 * (`valid`) and values that break it in one place (`invalid`), each checked by Ajv against the
 * schema itself, so a generator's blind spot filters a value out instead of mislabelling it.
 *
 * The one npm package that does this (json-schema-fast-check) is built on fast-check 1 and has
 * not been released since 2019, hence this small one: it covers what valibot's JSON Schema
 * output uses (type, enum/const, string length, pattern and format, number bounds, object
 * properties/required/additionalProperties/min-maxProperties, arrays, anyOf/oneOf/allOf, not,
 * $ref into the document).
 */

export type Schema = Readonly<Record<string, unknown>>;

/** Where in a value a generator is, as a JSON pointer (`/title`), for per-field hints. */
export type Pointer = string;

export interface Options {
  /**
   * Extra candidates for one place (a live refresh token, a known password): mixed in with
   * the schema's own values and filtered by the schema like them.
   */
  hint?: (pointer: Pointer) => fc.Arbitrary<unknown> | undefined;
  /** Strings of printable ASCII only, no edge spaces: what an HTTP header can carry unchanged. */
  headerSafe?: boolean;
}

const isSchema = (value: unknown): value is Schema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const schemaList = (value: unknown): Schema[] => (Array.isArray(value) ? value.filter(isSchema) : []);
const numberOr = (value: unknown, fallback: number): number => (typeof value === 'number' ? value : fallback);
const stringList = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];

/** Length as JSON Schema counts it: in code points. */
export const codePoints = (text: string): number => [...text].length;

// Probe of a pattern: one that accepts these accepts most text, so text can be generated and
// filtered by it; a strict one (an email, a token alphabet) is generated from the pattern instead.
const PERMISSIVE_PROBES = ['a b', 'Zé 😀\t~', ' '];

const HEADER_SAFE = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

export class SchemaArbitraries {
  private readonly document: Schema;
  private readonly ajv: Ajv2020;
  private readonly validators = new Map<object, ValidateFunction>();

  /** `document` is the whole OpenAPI document: `$ref`s are JSON pointers into it. */
  constructor(document: Schema) {
    this.document = document;
    this.ajv = new Ajv2020({ strict: false, allErrors: false });
    addFormats.default(this.ajv);
    this.ajv.addSchema({ ...document, $id: 'openapi' });
  }

  /** The schema a `$ref` points at (`#/components/schemas/Task`), or the schema itself. */
  deref(schema: Schema): Schema {
    const ref = schema.$ref;
    if (typeof ref !== 'string') return schema;
    let target: unknown = this.document;
    for (const raw of ref.replace(/^#\//, '').split('/')) {
      const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
      target = isSchema(target) ? target[key] : undefined;
    }
    if (!isSchema(target)) throw new Error(`unresolvable $ref ${ref}`);
    return this.deref(target);
  }

  /** Whether a value satisfies a schema of the document (refs resolved by Ajv). */
  accepts(schema: Schema, value: unknown): boolean {
    let validate = this.validators.get(schema);
    if (!validate) {
      validate = this.ajv.compile(this.retarget(schema) as Schema);
      this.validators.set(schema, validate);
    }
    return validate(value) === true;
  }

  // The document's own refs (`#/...`) point into the schema registered as `openapi`.
  private retarget(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => this.retarget(item));
    if (!isSchema(value)) return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) =>
        key === '$ref' && typeof inner === 'string' && inner.startsWith('#/')
          ? [key, `openapi${inner}`]
          : [key, this.retarget(inner)],
      ),
    );
  }

  /** Values the schema accepts. */
  valid(schema: Schema, options: Options = {}): fc.Arbitrary<unknown> {
    return this.generate(schema, '', options).filter((value) => this.accepts(schema, value));
  }

  /**
   * Values the schema rejects, each a valid value broken in one place: a required property
   * dropped, an unknown one added, a wrong type, a string too long or short or with NUL, a
   * number out of range, a value outside an enum.
   */
  invalid(schema: Schema, options: Options = {}): fc.Arbitrary<unknown> {
    return this.valid(schema, options)
      .chain((value) => this.broken(schema, value))
      .filter((value) => !this.accepts(schema, value));
  }

  // ---- valid values --------------------------------------------------------------------------

  private generate(raw: Schema, pointer: Pointer, options: Options): fc.Arbitrary<unknown> {
    const schema = this.deref(raw);
    const own = this.generateOwn(schema, pointer, options);
    const hinted = options.hint?.(pointer);
    return hinted ? fc.oneof({ weight: 2, arbitrary: own }, { weight: 1, arbitrary: hinted }) : own;
  }

  private generateOwn(schema: Schema, pointer: Pointer, options: Options): fc.Arbitrary<unknown> {
    if ('const' in schema) return fc.constant(schema.const);
    if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
    const { allOf, anyOf, oneOf, not, ...rest } = schema;
    if (allOf !== undefined) {
      const merged = schemaList(allOf).reduce((all, part) => merge(all, this.deref(part)), rest);
      return this.generateOwn(withExtra(merged, { anyOf, oneOf, not }), pointer, options);
    }
    const branches = schemaList(anyOf ?? oneOf);
    if (branches.length > 0) {
      // Each branch with the keywords beside it (`{ type: object, ..., anyOf: [{ required }] }`).
      const arbitraries = branches.map((branch) =>
        this.generateOwn(withExtra(merge(rest, this.deref(branch)), { not }), pointer, options),
      );
      return fc.oneof(...arbitraries);
    }
    if (isSchema(not)) {
      return this.generateOwn(rest, pointer, options).filter((value) => !this.accepts(not, value));
    }
    const type = schema.type;
    if (Array.isArray(type)) {
      return fc.oneof(...type.map((one) => this.generateOwn({ ...schema, type: one }, pointer, options)));
    }
    switch (type) {
      case 'string':
        return this.string(schema, options);
      case 'integer':
        return fc.integer({
          min: Math.ceil(numberOr(schema.minimum, numberOr(schema.exclusiveMinimum, -(2 ** 31) - 1) + 1)),
          max: Math.floor(numberOr(schema.maximum, numberOr(schema.exclusiveMaximum, 2 ** 31 + 1) - 1)),
        });
      case 'number':
        return fc.double({
          min: numberOr(schema.minimum, numberOr(schema.exclusiveMinimum, -1e15)),
          max: numberOr(schema.maximum, numberOr(schema.exclusiveMaximum, 1e15)),
          noNaN: true,
          noDefaultInfinity: true,
        });
      case 'boolean':
        return fc.boolean();
      case 'null':
        return fc.constant(null);
      case 'array':
        return this.array(schema, pointer, options);
      case 'object':
        return this.object(schema, pointer, options);
      default:
        return fc.jsonValue({ maxDepth: 2 });
    }
  }

  private string(schema: Schema, options: Options): fc.Arbitrary<string> {
    const minLength = numberOr(schema.minLength, 0);
    const maxLength = numberOr(schema.maxLength, minLength + 64);
    const inBounds = (text: string) => {
      const length = codePoints(text);
      return length >= minLength && length <= maxLength;
    };
    let text: fc.Arbitrary<string>;
    switch (schema.format) {
      case 'uuid':
        text = fc.uuid();
        break;
      case 'email':
        text = fc.emailAddress();
        break;
      case 'date-time':
        text = fc
          .date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
          .map((date) => date.toISOString());
        break;
      case 'uri':
        text = fc.webUrl();
        break;
      default: {
        const pattern = typeof schema.pattern === 'string' ? new RegExp(schema.pattern, 'u') : undefined;
        const unit = options.headerSafe ? 'grapheme-ascii' : 'binary';
        // Both ends of the length range, where code points and UTF-16 units part ways.
        const any = fc.oneof(
          { weight: 3, arbitrary: fc.string({ unit, minLength, maxLength: Math.min(maxLength, minLength + 40) }) },
          { weight: 1, arbitrary: fc.string({ unit, minLength: maxLength, maxLength }) },
          { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength, maxLength }) },
        );
        if (!pattern) text = any;
        else if (PERMISSIVE_PROBES.every((probe) => pattern.test(probe))) {
          text = fc.oneof(
            any.filter((value) => pattern.test(value)),
            fc.stringMatching(pattern),
          );
        } else text = fc.stringMatching(pattern);
      }
    }
    const bounded = text.filter(inBounds);
    return options.headerSafe ? bounded.filter((value) => HEADER_SAFE.test(value)) : bounded;
  }

  private array(schema: Schema, pointer: Pointer, options: Options): fc.Arbitrary<unknown[]> {
    const items = isSchema(schema.items) ? schema.items : {};
    const minLength = numberOr(schema.minItems, 0);
    const constraints = { minLength, maxLength: numberOr(schema.maxItems, minLength + 4) };
    const item = this.generate(items, `${pointer}/-`, options);
    return schema.uniqueItems === true
      ? fc.uniqueArray(item, { ...constraints, selector: (value) => JSON.stringify(value) })
      : fc.array(item, constraints);
  }

  private object(schema: Schema, pointer: Pointer, options: Options): fc.Arbitrary<Record<string, unknown>> {
    const properties = isSchema(schema.properties) ? schema.properties : {};
    const required = stringList(schema.required);
    const model = Object.fromEntries(
      Object.entries(properties)
        .filter((entry): entry is [string, Schema] => isSchema(entry[1]))
        .map(([key, property]) => [key, this.generate(property, `${pointer}/${pointerToken(key)}`, options)]),
    );
    // A required key the properties do not describe gets any JSON value.
    for (const key of required) model[key] ??= fc.jsonValue({ maxDepth: 1 });
    const minProperties = numberOr(schema.minProperties, 0);
    const maxProperties = numberOr(schema.maxProperties, Number.POSITIVE_INFINITY);
    return fc
      .record(model, { requiredKeys: required })
      .filter((value) => Object.keys(value).length >= minProperties && Object.keys(value).length <= maxProperties);
  }

  // ---- one thing broken ------------------------------------------------------------------------

  private broken(raw: Schema, value: unknown): fc.Arbitrary<unknown> {
    const schema = this.deref(raw);
    const candidates: fc.Arbitrary<unknown>[] = [wrongType(value)];
    if (Array.isArray(schema.enum) || 'const' in schema) {
      candidates.push(fc.constantFrom('', 'unknown', `${String(value)}x`, String(value).toLowerCase()));
    }
    if (typeof value === 'string') {
      const minLength = numberOr(schema.minLength, 0);
      if (typeof schema.maxLength === 'number') {
        const over = schema.maxLength + 1;
        candidates.push(fc.constantFrom('x'.repeat(over), '😀'.repeat(over), `${value}${'y'.repeat(over)}`));
      }
      if (minLength > 0) candidates.push(fc.constant([...value].slice(0, minLength - 1).join('')));
      candidates.push(fc.nat(value.length).map((at) => `${value.slice(0, at)}\u0000${value.slice(at)}`));
      if (typeof schema.pattern === 'string' || typeof schema.format === 'string') {
        // Breaks that survive transports which trim or refuse control characters (HTTP headers) too.
        candidates.push(
          fc.constantFrom(`${value} `, ` ${value}`, `${value}\n`, `${value} ${value}`, `${value}é`, 'x'.repeat(1100)),
        );
      }
    }
    if (typeof value === 'number') {
      if (typeof schema.minimum === 'number') candidates.push(fc.constantFrom(schema.minimum - 1, -1e9));
      if (typeof schema.maximum === 'number') candidates.push(fc.constantFrom(schema.maximum + 1, 1e12));
      if (schema.type === 'integer') candidates.push(fc.constant(value + 0.5));
    }
    if (isSchema(value) && !Array.isArray(value)) {
      const record = value as Record<string, unknown>;
      const properties = isSchema(schema.properties) ? schema.properties : {};
      const present = Object.keys(record).filter((key) => isSchema(properties[key]));
      const required = stringList(schema.required).filter((key) => key in record);
      if (required.length > 0) {
        candidates.push(
          fc
            .constantFrom(...required)
            .map((key) => Object.fromEntries(Object.entries(record).filter(([k]) => k !== key))),
        );
      }
      if (schema.additionalProperties === false) {
        const extra = fc.constantFrom('role', 'id', 'userId', 'extra', 'Title', '__proto__', '');
        candidates.push(extra.map((key) => ({ ...record, [key]: 'unexpected' })));
      }
      if (present.length > 0) {
        candidates.push(
          fc.constantFrom(...present).chain((key) => {
            const property = properties[key];
            if (!isSchema(property)) return fc.constant(record);
            return this.broken(property, record[key]).map((inner) => ({ ...record, [key]: inner }));
          }),
        );
      }
    }
    return fc.oneof(...candidates);
  }
}

/** The other JSON types, for a value of one. */
function wrongType(value: unknown): fc.Arbitrary<unknown> {
  const all: unknown[] = ['text', 7, 2.5, true, null, [], {}, ['text']];
  const others = all.filter((other) => kind(other) !== kind(value) && !(kind(value) === 'number' && other === 7));
  return fc.constantFrom(...others);
}

const kind = (value: unknown) => (Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value);

const pointerToken = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1');

function withExtra(schema: Schema, extra: Record<string, unknown>): Schema {
  return Object.fromEntries(
    Object.entries({ ...schema, ...extra }).filter(([, value]) => value !== undefined),
  ) as Schema;
}

/** Two schemas' constraints together: properties joined, required keys added up, the rest from `b`. */
function merge(a: Schema, b: Schema): Schema {
  const merged: Record<string, unknown> = { ...a, ...b };
  if (isSchema(a.properties) || isSchema(b.properties)) {
    merged.properties = {
      ...(isSchema(a.properties) ? a.properties : {}),
      ...(isSchema(b.properties) ? b.properties : {}),
    };
  }
  const required = [...new Set([...stringList(a.required), ...stringList(b.required)])];
  if (required.length > 0) merged.required = required;
  if (a.type !== undefined && b.type === undefined) merged.type = a.type;
  return merged;
}
