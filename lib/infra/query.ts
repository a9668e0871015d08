import { fillPlaceholders, type Placeholder, type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Client, Database } from '#db/client.ts';
import { database } from '#lib/infra/database.ts';

/** `text` for a LIKE pattern, its own %, _ and backslash matched literally. */
export const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The LIKE pattern of a case-insensitive "contains", with the client's %, _ and \\ matched literally. */
export const containsPattern = (text: string) => `%${likeLiteral(text)}%`;

/** Case-insensitive "contains": `pattern` is `containsPattern(text)`, or a placeholder for one. */
export function contains(column: AnyPgColumn, pattern: string | Placeholder): SQL {
  return sql`${column} ilike ${pattern}`;
}

/**
 * How a query builder takes a value: `inline` puts it in the built query; `placeholder` leaves a
 * named placeholder, for a query built once and run with its values (`builtOnce`).
 */
export type Bind = <T>(name: string, value: T) => T | Placeholder;
export const inline: Bind = (_name, value) => value;
export const placeholder: Bind = (name) => sql.placeholder(name);

/**
 * Queries built once per instance and shape, then run with their values (`.prepare(name)` and
 * `execute(values)`): drizzle otherwise builds every query's text anew, 0.1 to 0.2 ms of a hot
 * read. The client sends no named statements (`prepare: false`, db/client.ts), so the name is a
 * label only and this works through a transaction pooler. The shapes are the few combinations
 * of a route's optional filters and sort, so what is kept is bounded by the code, not by the
 * requests; it is rebuilt for a new client (tests close and reopen theirs).
 */
export function builtOnce<Shape, Queries>(
  keyOf: (shape: Shape) => string,
  build: (db: Database, shape: Shape) => Queries,
): (shape: Shape) => Queries {
  let built: { client: Client; queries: Map<string, Queries> } | undefined;
  return (shape) => {
    const client = database();
    if (built?.client !== client) built = { client, queries: new Map() };
    const key = keyOf(shape);
    let queries = built.queries.get(key);
    if (!queries) {
      queries = build(client.db, shape);
      built.queries.set(key, queries);
    }
    return queries;
  };
}

/** A query built with placeholders, with its values filled in: what EXPLAIN and the bench run. */
export const withValues = (
  query: { toSQL(): { sql: string; params: unknown[] } },
  values: Record<string, unknown>,
) => ({
  toSQL: () => {
    const { sql: text, params } = query.toSQL();
    return { sql: text, params: fillPlaceholders(params, values) };
  },
});

/** Total pages for a count, at least zero. */
export const pageOffset = (page: number, pageSize: number) => (page - 1) * pageSize;

/**
 * A list page and its total, sent together: one round trip (the client pipelines them on the
 * instance's one connection).
 */
export async function pageWithTotal<Row>(
  page: PromiseLike<Row[]>,
  total: PromiseLike<{ total: number }[]>,
): Promise<{ rows: Row[]; total: number }> {
  const [rows, [counted]] = await Promise.all([page, total]);
  return { rows, total: counted?.total ?? 0 };
}
