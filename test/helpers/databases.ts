import postgres from 'postgres';

/** Creating and dropping the throw-away databases tests run against. */

export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

async function withAdmin<T>(adminUrl: string, work: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    return await work(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

export const uniqueName = (prefix: string) =>
  `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;

export function createDatabase(adminUrl: string, name: string, template?: string): Promise<string> {
  return withAdmin(adminUrl, async (sql) => {
    await sql.unsafe(`create database ${quote(name)}${template ? ` template ${quote(template)}` : ''}`);
    return databaseUrl(adminUrl, name);
  });
}

export function dropDatabase(adminUrl: string, name: string): Promise<void> {
  return withAdmin(adminUrl, async (sql) => {
    await sql.unsafe(`drop database if exists ${quote(name)} with (force)`);
  });
}
