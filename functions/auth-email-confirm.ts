import { ok } from '#lib/http/responses.ts';
import { route } from '#lib/http/route.ts';
import { declaration } from '#lib/http/routes/auth-email-confirm.ts';
import { confirmEmail } from '#lib/users/lifecycle.ts';

export const handler = route(declaration, async function confirm({ body, ip, userAgent }) {
  return ok({ user: await confirmEmail(body.token, { ip, userAgent }) });
});
