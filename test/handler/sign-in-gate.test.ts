import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Tokens } from '#lib/auth/schemas.ts';
import { decide } from '#lib/auth/sign-in.ts';
import { DECLARATIONS } from '../../scripts/routes.ts';

/**
 * Every session starts at one gate (lib/auth/sign-in.ts), so a check added there (a second
 * factor) cannot be bypassed by another way in. Read from the source: only the gate calls the
 * statements that start a session, only the sessions module writes sessions and signs tokens,
 * and every route that answers with tokens reaches the gate, or, for the refresh, the rotation
 * of a session the gate started.
 */

const root = join(import.meta.dirname, '..', '..');

function sources(folder: string): string[] {
  return readdirSync(join(root, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));
}

const code = new Map(
  ['lib', 'db', 'functions', 'scripts'].flatMap(sources).map((file) => [file, readFileSync(join(root, file), 'utf8')]),
);

/** The project files a source imports, as paths from the root. */
function importsOf(file: string): string[] {
  const found: string[] = [];
  for (const match of (code.get(file) ?? '').matchAll(/^(?:import|export)\b[^;]*?from '([^']+)';/gms)) {
    const target = match[1] ?? '';
    if (target.startsWith('#lib/')) found.push(`lib/${target.slice(5)}`);
    else if (target.startsWith('#db/')) found.push(`db/${target.slice(4)}`);
    else if (target.startsWith('.')) found.push(relative(root, join(root, file, '..', target)));
  }
  return found;
}

/** Every project file `file` loads, itself included. */
function closure(file: string): Set<string> {
  const seen = new Set<string>();
  const visit = (next: string) => {
    if (seen.has(next)) return;
    seen.add(next);
    for (const target of importsOf(next)) visit(target);
  };
  visit(file);
  return seen;
}

/** Whether a valibot schema holds `target` anywhere inside (entries, wrapped, pipes, options). */
function contains(schema: unknown, target: unknown, seen = new WeakSet<object>()): boolean {
  if (schema === target) return true;
  if (!schema || typeof schema !== 'object' || seen.has(schema)) return false;
  seen.add(schema);
  return Object.values(schema).some((value) => contains(value, target, seen));
}

/** The files other than `allowed` whose code matches `pattern`. */
const usersOf = (pattern: RegExp, allowed: readonly string[]) =>
  [...code].filter(([file, text]) => !allowed.includes(file) && pattern.test(text)).map(([file]) => file);

const GATE = 'lib/auth/sign-in.ts';
const SESSIONS = 'lib/auth/sessions.ts';

/** Routes that answer with tokens without starting a session, and why. */
const CONTINUES_A_SESSION: Record<string, string> = {
  refresh: 'spends a refresh token of a session the gate started, for a new pair of that session',
};

const tokenRoutes = DECLARATIONS.filter((declaration) => contains(declaration.success.schema, Tokens));

describe('the sign-in gate', () => {
  it('finds the routes that answer with tokens in the declarations', () => {
    expect(tokenRoutes.map((route) => route.operationId)).toEqual(
      expect.arrayContaining(['login', 'register', 'resetPassword', 'refresh']),
    );
  });

  it.each(tokenRoutes.map((route) => [route.operationId, route] as const))(
    '%s goes through the gate (or continues a session it started)',
    (operationId, route) => {
      const loaded = closure(`functions/${route.function}.ts`);
      if (operationId in CONTINUES_A_SESSION) {
        expect(code.get(`functions/${route.function}.ts`)).toMatch(/\brotateRefreshToken\(/);
        expect(loaded.has(GATE)).toBe(false);
      } else {
        expect(loaded.has(GATE), `functions/${route.function}.ts never loads ${GATE}`).toBe(true);
      }
    },
  );

  it('is the only caller of the statements that start a session', () => {
    expect(usersOf(/\bsessionStatements\b/, [GATE, SESSIONS])).toEqual([]);
  });

  it('leaves writing sessions and signing tokens to the sessions module alone', () => {
    const writesSessions = /\.insert\(\s*(sessions|refreshTokens)\b|insert\s+into\s+"?(sessions|refresh_tokens)\b/i;
    expect(usersOf(writesSessions, [SESSIONS, 'db/schema.ts'])).toEqual([]);
    expect(usersOf(/\b(signAccessToken|newRefreshToken)\b/, [SESSIONS, 'lib/auth/tokens.ts'])).toEqual([]);
  });
});

describe('the decision', () => {
  it('issues a session to an account without a second factor, whatever the first factor', () => {
    for (const method of ['password', 'email_code', 'passkey', 'oauth:google'] as const) {
      expect(decide([], [method])).toEqual({ kind: 'session' });
    }
  });

  it('asks for a second factor after a first factor that is not a passkey', () => {
    expect(decide(['totp', 'recovery_code'], ['password'])).toEqual({
      kind: 'mfa',
      methods: ['totp', 'recovery_code'],
    });
    expect(decide(['totp'], ['oauth:google'])).toMatchObject({ kind: 'mfa' });
    expect(decide(['totp'], ['password', 'mfa:totp'])).toEqual({ kind: 'session' });
    expect(decide(['totp'], ['passkey'])).toEqual({ kind: 'session' });
  });
});
