import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { MIGRATIONS_FOLDER, runMigrations } from '#db/migrate.ts';
import { createDatabase, dropDatabase, uniqueName } from '../helpers/databases.ts';

/**
 * The rule of docs/operations.md "Migrations": a deploy applies the new release's migrations while the
 * previous release still serves (and may come back on a rollback), so each migration only
 * expands the schema; removing what the previous release used waits for a later release, and
 * says so in a `-- contract:` comment above the statement.
 *
 * The previous release is the newest `v*` tag below HEAD; without one, every migration but
 * the newest.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));
const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();

interface Journal {
  entries: { idx: number; tag: string }[];
}

const current: Journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8'));

function previousRelease(): { ref: string | undefined; journal: Journal } {
  const head = git('rev-parse', 'HEAD');
  const tags = git('tag', '--list', 'v*', '--merged', 'HEAD', '--sort=-v:refname')
    .split('\n')
    .filter((tag) => tag && git('rev-list', '-n', '1', tag) !== head);
  const ref = tags[0];
  if (!ref) return { ref, journal: { entries: current.entries.slice(0, -1) } };
  return { ref, journal: JSON.parse(git('show', `${ref}:db/migrations/meta/_journal.json`)) };
}

/** What a migration may not do to what the previous release reads and writes. */
const CONTRACTING = [
  /\bdrop\s+(table|column|type|view|schema)\b/i,
  /\brename\s+(to|column)\b/i,
  /\balter\s+column\s+\S+\s+(set\s+data\s+)?type\b/i,
  /\bset\s+not\s+null\b/i,
  /\badd\s+column\s+(?![^,;]*\bdefault\b)[^,;]*\bnot\s+null\b/i,
];

const adminUrl = inject('adminUrl');
const name = uniqueName('taskapi_test_expand');
const folder = mkdtempSync(join(tmpdir(), 'taskapi-previous-migrations-'));

afterAll(async () => {
  rmSync(folder, { recursive: true, force: true });
  await dropDatabase(adminUrl, name);
});

describe('migrations: expand, then contract', () => {
  const previous = previousRelease();
  const previousTags = new Set(previous.journal.entries.map((entry) => entry.tag));
  const added = current.entries.filter((entry) => !previousTags.has(entry.tag));

  it("keep the previous release's migrations as they were", () => {
    for (const entry of previous.journal.entries) {
      const now = readFileSync(join(MIGRATIONS_FOLDER, `${entry.tag}.sql`), 'utf8');
      const then = previous.ref ? git('show', `${previous.ref}:db/migrations/${entry.tag}.sql`) : now.trim();
      expect(now.trim(), entry.tag).toBe(then);
    }
  });

  it('add only what the previous release can live with', () => {
    for (const entry of added) {
      const statements = readFileSync(join(MIGRATIONS_FOLDER, `${entry.tag}.sql`), 'utf8').split(
        '--> statement-breakpoint',
      );
      for (const statement of statements) {
        if (/^\s*-- contract:/m.test(statement)) continue;
        const code = statement.replaceAll(/--.*$/gm, '');
        for (const rule of CONTRACTING) expect(code, `${entry.tag}: ${statement.trim()}`).not.toMatch(rule);
      }
    }
  });

  it("apply on top of the previous release's schema", async () => {
    mkdirSync(join(folder, 'meta'));
    writeFileSync(join(folder, 'meta/_journal.json'), JSON.stringify(previous.journal));
    for (const entry of previous.journal.entries) {
      const sql = previous.ref
        ? git('show', `${previous.ref}:db/migrations/${entry.tag}.sql`)
        : readFileSync(join(MIGRATIONS_FOLDER, `${entry.tag}.sql`), 'utf8');
      writeFileSync(join(folder, `${entry.tag}.sql`), sql);
    }
    const url = await createDatabase(adminUrl, name);
    await runMigrations(url, folder);
    await runMigrations(url, MIGRATIONS_FOLDER);

    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const [row] = await sql<{ count: number }[]>`select count(*)::int as count from drizzle.__drizzle_migrations`;
      expect(row?.count).toBe(current.entries.length);
    } finally {
      await sql.end();
    }
    expect(readdirSync(MIGRATIONS_FOLDER).filter((file) => file.endsWith('.sql'))).toHaveLength(current.entries.length);
  });
});
