import { type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';

/** Case-insensitive "contains", with the client's % and _ matched literally. */
export function contains(column: AnyPgColumn, text: string): SQL {
  const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql`${column} ilike ${pattern}`;
}

/** Total pages for a count, at least zero. */
export const pageOffset = (page: number, pageSize: number) => (page - 1) * pageSize;
