import createFetchClient, { type Client, type ClientOptions, type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema.ts';

/**
 * A typed client of the taskapi HTTP API for app developers: paths, parameters, bodies and
 * answers all come from the OpenAPI document (client/schema.ts is generated from it).
 *
 *   const api = createClient({ baseUrl: 'http://localhost:3000', accessToken: () => tokens?.accessToken });
 *   const { data, error } = await api.GET('/api/v1/tasks', { params: { query: { completed: false } } });
 */

export type { components, operations, paths } from './schema.ts';

type Schemas = components['schemas'];
export type User = Schemas['User'];
export type Task = Schemas['Task'];
export type Tokens = Schemas['Tokens'];
export type Session = Schemas['Session'];
export type PageMeta = Schemas['PageMeta'];
export type CursorPageMeta = Schemas['CursorPageMeta'];
/** One entry of GET /api/v1/tasks/changes: `{ type: 'upsert', task }` or `{ type: 'delete', id, deletedAt }`. */
export type TaskChange = Schemas['TaskChange'];
export type TaskChanges = Schemas['TaskChanges'];
/** The body of every error answer: `{ error: { code, message, details?, requestId } }`. */
export type ApiError = Schemas['Error'];
export type ErrorCode = ApiError['error']['code'];

export interface TaskApiClientOptions extends ClientOptions {
  /** The server's origin (plus the stage, when deployed), e.g. `http://localhost:3000`. */
  baseUrl: string;
  /** Deployed stages: the client app's API key, sent as `X-Api-Key`. */
  apiKey?: string;
  /** The current access token, sent as `Authorization: Bearer ...` when there is one. */
  accessToken?: () => string | undefined | Promise<string | undefined>;
}

export type TaskApiClient = Client<paths>;

export function createClient({ apiKey, accessToken, ...options }: TaskApiClientOptions): TaskApiClient {
  const client = createFetchClient<paths>(options);
  const credentials: Middleware = {
    async onRequest({ request }) {
      if (apiKey && !request.headers.has('X-Api-Key')) request.headers.set('X-Api-Key', apiKey);
      const token = await accessToken?.();
      if (token && !request.headers.has('Authorization')) request.headers.set('Authorization', `Bearer ${token}`);
      return request;
    },
  };
  client.use(credentials);
  return client;
}
