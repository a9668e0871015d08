import { AppError } from '#lib/errors.ts';
import { route } from '#lib/http.ts';

/**
 * Catch-all for paths and methods no route declares: the contract's 404, not the gateway's.
 * Not rate-limited: it touches no data, so counting scanners would only cost database writes.
 */
export const handler = route({ auth: 'none', rateLimit: 'none' }, function notFound({ event }) {
  throw new AppError('ROUTE_NOT_FOUND', `No route for ${event.httpMethod} ${event.path}`);
});
