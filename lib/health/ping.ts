import { serviceUnavailable } from '#lib/core/errors.ts';
import { database } from '#lib/infra/database.ts';

/** Answers within `timeoutMs` whatever the database does; throws 503 when it cannot answer. */
export async function pingDatabase(timeoutMs = 4000): Promise<'ok'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(serviceUnavailable(new Error('database ping timed out'))), timeoutMs);
  });
  try {
    await Promise.race([database().sql`select 1`, timeout]);
    return 'ok';
  } catch (error) {
    throw serviceUnavailable(error);
  } finally {
    clearTimeout(timer);
  }
}
