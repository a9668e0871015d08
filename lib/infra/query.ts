import { type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';

/** `text` for a LIKE pattern, its own %, _ and backslash matched literally. */
export const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Case-insensitive "contains", with the client's % and _ matched literally. */
export function contains(column: AnyPgColumn, text: string): SQL {
  const pattern = `%${likeLiteral(text)}%`;
  return sql`${column} ilike ${pattern}`;
}

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
