import { inject } from 'vitest';

/** The real local server (`npm start`'s script) the end-to-end tests call. */
export interface LocalApi {
  url: string;
  /** The database it serves, for checking what requests left behind. */
  databaseUrl: string;
  /** Its process id (serverless-offline), for memory readings. */
  pid: number;
  /** Its VALKEY_KEY_PREFIX on the Valkey store, else empty. */
  keyPrefix: string;
}

/**
 * The global setup starts the project's local server when the first test file that imports this
 * module (directly or through http.ts or server-db.ts) asks, and shares it with every later one;
 * a run of handler tests alone, which never import it, starts none.
 */
async function localApi(): Promise<LocalApi> {
  const response = await fetch(inject('localApiBroker'));
  if (!response.ok) throw new Error(await response.text());
  return (await response.json()) as LocalApi;
}

export const api = await localApi();
