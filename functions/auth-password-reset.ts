import { ok } from '#lib/http/responses.ts';
import { route } from '#lib/http/route.ts';
import { declaration } from '#lib/http/routes/auth-password-reset.ts';
import { resetPassword } from '#lib/users/lifecycle.ts';

export const handler = route(declaration, async function reset({ body, userAgent, ip }) {
  return ok(await resetPassword(body.token, body.password, { userAgent, ip }));
});
