import { ok } from '#lib/http/responses.ts';
import { route } from '#lib/http/route.ts';
import { declaration } from '#lib/http/routes/auth-login.ts';
import { login } from '#lib/users/users.ts';

/** One answer for unknown email and wrong password. */
export const handler = route(declaration, async function loginUser({ body, userAgent, ip, rateLimit }) {
  return ok(await login(body.email, body.password, { userAgent, ip }, rateLimit));
});
