import { AppError } from '#lib/core/errors.ts';
import { route } from '#lib/http/route.ts';
import { declaration } from '#lib/http/routes/not-found.ts';

export const handler = route(declaration, function notFound({ event }) {
  throw new AppError('ROUTE_NOT_FOUND', `No route for ${event.httpMethod} ${event.path}`);
});
