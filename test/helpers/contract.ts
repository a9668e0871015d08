import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/**
 * Contract checks: every response the handler and end-to-end tests receive is held to the
 * committed openapi.json (status, the headers it requires, content type and body schema). A
 * mismatch throws, failing the test that made the request.
 */

type Json = Record<string, unknown>;

interface Response {
  status: number;
  /** Lower-cased names. */
  headers: Record<string, string>;
  raw: string;
}

const document = JSON.parse(readFileSync(new URL('../../openapi.json', import.meta.url), 'utf8')) as {
  paths: Record<string, Record<string, Json>>;
  components: { schemas: Json; responses: Record<string, Json>; headers: Record<string, Json> };
};

// Component schemas live in a schema of their own; the document's refs are pointed at it.
const COMPONENTS_ID = 'https://taskapi.test/components';
const retarget = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(retarget);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) =>
      key === '$ref' && typeof inner === 'string' && inner.startsWith('#/components/schemas/')
        ? [key, `${COMPONENTS_ID}#/$defs/${inner.slice('#/components/schemas/'.length)}`]
        : [key, retarget(inner)],
    ),
  );
};

const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false });
addFormats.default(ajv);
// Annotation keywords of OpenAPI that JSON Schema validators do not know.
ajv.addKeyword({ keyword: 'example' });
ajv.addSchema({ $id: COMPONENTS_ID, $defs: retarget(document.components.schemas) });

const validators = new Map<object, ValidateFunction>();
function validator(schema: Json): ValidateFunction {
  let validate = validators.get(schema);
  if (!validate) {
    validate = ajv.compile(retarget(schema) as Json);
    validators.set(schema, validate);
  }
  return validate;
}

const resolve = <T extends Json>(value: Json, kind: 'responses' | 'headers'): T => {
  const ref = value.$ref;
  if (typeof ref !== 'string') return value as T;
  const name = ref.slice(`#/components/${kind}/`.length);
  return document.components[kind][name] as T;
};

/** A documented path template matching a concrete path; templates with fewer parameters win. */
export function templateOf(path: string): string | undefined {
  const candidates = Object.keys(document.paths).filter((template) =>
    new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path),
  );
  return candidates.sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0))[0];
}

const problemsOf = (validate: ValidateFunction) =>
  (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message}`).join('; ');

function checkHeaders(response: Response, headers: Record<string, Json>): string[] {
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(headers)) {
    const header = resolve<{ required?: boolean; schema: Json }>(spec, 'headers');
    const value = response.headers[name.toLowerCase()];
    if (value === undefined) {
      if (header.required) problems.push(`header ${name} is missing`);
      continue;
    }
    const typed = header.schema.type === 'integer' && /^-?\d+$/.test(value) ? Number(value) : value;
    const validate = validator(header.schema);
    if (!validate(typed)) problems.push(`header ${name}: ${JSON.stringify(value)} ${problemsOf(validate)}`);
  }
  return problems;
}

function checkBody(response: Response, content: Record<string, { schema: Json }> | undefined): string[] {
  if (!content) return response.raw === '' ? [] : ['the body must be empty'];
  const mediaType = (response.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
  const media = content[mediaType];
  if (!media) return [`content type ${JSON.stringify(mediaType)} is not one of ${Object.keys(content).join(', ')}`];
  let body: unknown = response.raw;
  if (mediaType === 'application/json') {
    try {
      body = JSON.parse(response.raw);
    } catch {
      return ['the body is not JSON'];
    }
  }
  const validate = validator(media.schema);
  return validate(body) ? [] : [`body: ${problemsOf(validate)}`];
}

const ROUTE_NOT_FOUND = {
  'application/json': {
    schema: {
      allOf: [{ $ref: '#/components/schemas/Error' }],
      properties: { error: { properties: { code: { const: 'ROUTE_NOT_FOUND' } } } },
    },
  },
};

/**
 * Checks one response against the document. `template` is the matched path template (the
 * event's `resource` for handler tests); without one the path is matched to a template.
 */
export function checkContract(request: { method: string; path: string; template?: string }, response: Response) {
  const method = request.method.toUpperCase();
  const path = request.path.split('?')[0] ?? '';
  const template = request.template ?? templateOf(path);
  const operation = template ? document.paths[template]?.[method.toLowerCase()] : undefined;
  const where = `${method} ${request.path} → ${response.status}`;
  let problems: string[];
  if (method === 'OPTIONS' && template) {
    // CORS preflight, answered on every documented path.
    problems = response.status === 204 ? checkBody(response, undefined) : ['a preflight answers 204'];
  } else if (!operation) {
    // Anything undocumented is the catch-all's 404 ROUTE_NOT_FOUND in the error envelope.
    problems = response.status === 404 ? checkBody(response, ROUTE_NOT_FOUND) : ['an undocumented route answers 404'];
  } else {
    const responses = operation.responses as Record<string, Json>;
    const documented = responses[String(response.status)];
    if (!documented) {
      problems = [`status ${response.status} is not documented (${Object.keys(responses).join(', ')})`];
    } else {
      const spec = resolve<{ headers?: Record<string, Json>; content?: Record<string, { schema: Json }> }>(
        documented,
        'responses',
      );
      problems = [...checkHeaders(response, spec.headers ?? {}), ...checkBody(response, spec.content)];
    }
  }
  if (problems.length > 0) {
    throw new Error(
      `Response does not match openapi.json: ${where} (${template ?? 'no documented path'})\n- ${problems.join('\n- ')}\nbody: ${response.raw.slice(0, 500)}`,
    );
  }
}

/** Every example in the document's shared responses, with the schema it illustrates. */
export function documentedExamples(): { name: string; valid: boolean; problems: string }[] {
  return Object.entries(document.components.responses).flatMap(([responseName, response]) =>
    Object.entries(
      (response.content ?? {}) as Record<string, { schema: Json; examples?: Record<string, Json> }>,
    ).flatMap(([, media]) =>
      Object.entries(media.examples ?? {}).map(([exampleName, example]) => {
        const validate = validator(media.schema);
        const valid = validate(example.value);
        return { name: `${responseName}/${exampleName}`, valid: Boolean(valid), problems: problemsOf(validate) };
      }),
    ),
  );
}
