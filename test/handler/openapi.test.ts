import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { STATIC_DOCUMENT_CACHE } from '#lib/http/declaration.ts';
import page from '#lib/reference/docs-page.json' with { type: 'json' };
import { handler as docs } from '../../functions/docs.ts';
import { handler as openapi } from '../../functions/openapi.ts';
import { contentSecurityPolicy } from '../../scripts/openapi/docs-page.ts';
import { staleGenerated } from '../../scripts/openapi.ts';
import { DECLARATION_FILES, OPERATIONS } from '../../scripts/routes.ts';
import { checkContract, documentedExamples } from '../helpers/contract.ts';
import { invoke } from '../helpers/lambda.ts';

const root = new URL('../../', import.meta.url);
const committed = JSON.parse(readFileSync(new URL('openapi.json', root), 'utf8'));

describe('the route declarations', () => {
  it.each(DECLARATION_FILES.map(({ name }) => [name]))(
    'functions/%s.ts wraps its handler with its declaration',
    (name) => {
      const source = readFileSync(new URL(`functions/${name}.ts`, root), 'utf8');

      expect(source).toContain(`import { declaration } from '#lib/http/routes/${name}.ts';`);
      expect(source).toMatch(/export const handler = route\(declaration, /);
    },
  );
});

describe('openapi.json', () => {
  it('is what the route table and schemas generate, with the docs page and client types', async () => {
    const stale = await staleGenerated();

    expect(stale, `Out of date: ${stale.join(', ')}. Run \`npm run openapi\` and commit the result.`).toEqual([]);
  });

  it('is a valid OpenAPI 3.1 document by Redocly lint', () => {
    const require = createRequire(import.meta.url);
    const cli = require.resolve('@redocly/cli/bin/cli.js');

    const lint = spawnSync(
      process.execPath,
      // localhost is a real server here; the Error schema is for clients (one type for every error
      // body); health and the reference itself answer no 4xx.
      [
        cli,
        'lint',
        'openapi.json',
        ...['no-server-example.com', 'no-unused-components', 'operation-4xx-response'].flatMap((rule) => [
          '--skip-rule',
          rule,
        ]),
      ],
      { cwd: root, encoding: 'utf8', env: { ...process.env, REDOCLY_TELEMETRY: 'off', NO_COLOR: '1' } },
    );

    expect(lint.status, lint.stdout + lint.stderr).toBe(0);
    expect(lint.stdout + lint.stderr).not.toMatch(/warning/i);
  });

  it('has examples that match their schemas', () => {
    const examples = documentedExamples();

    expect(examples.length).toBeGreaterThan(10);
    expect(examples.filter((example) => !example.valid)).toEqual([]);
  });

  it('documents every route with its error statuses and rate limits', () => {
    for (const route of OPERATIONS) {
      const operation = committed.paths[route.path][route.method.toLowerCase()];
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['500', '503']));
      if (route.rateLimit !== 'none') expect(operation.responses['429']).toBeDefined();
      if (route.auth !== 'none') expect(operation.responses['401']).toBeDefined();
      if (route.body) expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['400', '413', '415']));
      expect(operation.description).toMatch(/Rate limits: `RATE_LIMIT_|Not rate-limited/);
    }
    const tooMany = committed.components.responses.RateLimitExceeded.headers;
    expect(tooMany['Retry-After']).toEqual({ $ref: '#/components/headers/Retry-After' });
    expect(committed.components.headers['Retry-After'].required).toBe(true);
    for (const name of ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset']) {
      expect(tooMany[name].required).toBe(true);
    }
  });
});

describe('GET /api/v1/openapi.json', () => {
  it('serves the committed document', async () => {
    const reply = await invoke(openapi);

    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(reply.body).toEqual(committed);
  });
});

describe('GET /docs', () => {
  it('serves the built page with a policy for exactly its inline scripts and styles', async () => {
    const reply = await invoke(docs);

    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(reply.raw).toBe(page.html);
    expect(reply.headers['content-security-policy']).toBe(page.contentSecurityPolicy);
    expect(page.contentSecurityPolicy).toMatch(/^default-src 'none'; .*; script-src 'sha256-/);
    expect(page.contentSecurityPolicy).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    expect(reply.headers['x-frame-options']).toBe('DENY');
  });

  it('may be cached by browsers and shared caches, unlike every other answer', async () => {
    const reply = await invoke(docs);

    expect(reply.headers['cache-control']).toBe(STATIC_DOCUMENT_CACHE);
    expect(STATIC_DOCUMENT_CACHE).toMatch(/^public, max-age=\d+/);
  });
});

describe('the contract check', () => {
  const request = { method: 'GET', path: '/api/v1/users/me' };
  const user = {
    id: '0f8fad5b-d9cb-469f-a165-70867728950e',
    email: 'ada@example.com',
    emailVerified: true,
    pendingEmail: null,
    role: 'USER',
    createdAt: '2026-01-31T09:30:00.000Z',
    updatedAt: '2026-01-31T09:30:00.000Z',
  };
  const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'x-request-id': 'r-1', ...headers },
    raw: JSON.stringify(body),
  });
  const envelope = (data: unknown) => ({ data, meta: { timestamp: '2026-01-31T09:30:00.000Z' } });

  it('accepts a response as documented', () => {
    expect(() => checkContract(request, answer(200, envelope(user)))).not.toThrow();
  });

  it('rejects a field the document does not have, such as a leaked hash', () => {
    const leaky = answer(200, envelope({ ...user, passwordHash: '$argon2id$...' }));

    expect(() => checkContract(request, leaky)).toThrow(/must NOT have additional properties/);
  });

  it('rejects an undocumented status, a missing header and another content type', () => {
    const error = { error: { code: 'LAST_ADMIN', message: 'x', requestId: 'r-1' } };

    expect(() => checkContract(request, answer(409, error))).toThrow(/status 409 is not documented/);
    expect(() => checkContract(request, { ...answer(200, envelope(user)), headers: {} })).toThrow(
      /X-Request-Id is missing/,
    );
    expect(() => checkContract(request, answer(200, envelope(user), { 'content-type': 'text/plain' }))).toThrow(
      /content type "text\/plain"/,
    );
  });

  it('rejects an error code the route does not answer with', () => {
    const error = { error: { code: 'INVALID_CREDENTIALS', message: 'x', requestId: 'r-1' } };

    expect(() => checkContract(request, answer(401, error, { 'www-authenticate': 'Bearer' }))).toThrow(
      /code must be equal to one of the allowed values/,
    );
  });
});

describe('the docs page policy', () => {
  it('hashes exactly the inline scripts, styles and style attributes of the page', () => {
    const html =
      '<html><head><style>body{margin:0}</style><script>boot()</script></head>' +
      '<body><div style="display:none">x</div><script type="module">const s = "<style>not one<\\/style>";</script></body></html>';
    const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

    const policy = contentSecurityPolicy(html);

    expect(policy).toContain(`script-src ${hash('boot()')} ${hash('const s = "<style>not one<\\/style>";')};`);
    expect(policy).toContain(`style-src ${hash('')} ${hash('body{margin:0}')};`);
    expect(policy).toContain(`style-src-attr 'unsafe-hashes' ${hash('display:none')};`);
    expect(policy).toMatch(/^default-src 'none'; /);
  });
});
