import { checkContract } from './contract.ts';
import type { Reply } from './lambda.ts';
import { api } from './local-api.ts';

/**
 * HTTP calls to the real local server (started on first use: local-api.ts). Every response must
 * match openapi.json (see contract.ts), or the call throws.
 */

export const baseUrl = () => api.url;

export async function call(
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (typeof options.body === 'string') body = options.body;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${baseUrl()}${path}`, { method, headers, body });
  const raw = await response.text();
  let parsed: unknown;
  try {
    parsed = raw ? JSON.parse(raw) : undefined;
  } catch {
    parsed = undefined;
  }
  const reply = { status: response.status, headers: Object.fromEntries(response.headers), body: parsed, raw };
  checkContract({ method, path }, reply);
  return reply;
}

/** A fetch for the typed client that holds every response to openapi.json, as call() does. */
export async function checkedFetch(request: Request): Promise<Response> {
  const response = await fetch(request);
  const url = new URL(request.url);
  checkContract(
    { method: request.method, path: `${url.pathname}${url.search}` },
    { status: response.status, headers: Object.fromEntries(response.headers), raw: await response.clone().text() },
  );
  return response;
}
