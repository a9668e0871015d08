import { ok } from '#lib/http/responses.ts';
import { route } from '#lib/http/route.ts';
import { declaration } from '#lib/http/routes/auth-email-cancel.ts';
import { cancelEmailChange } from '#lib/users/lifecycle.ts';

export const handler = route(declaration, async function cancel({ body, ip, userAgent }) {
  return ok({ user: await cancelEmailChange(body.token, { ip, userAgent }) });
});
