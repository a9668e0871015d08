import { accepted } from '#lib/http/responses.ts';
import { route } from '#lib/http/route.ts';
import { declaration } from '#lib/http/routes/auth-password-forgot.ts';
import { forgotPassword } from '#lib/users/lifecycle.ts';

/** One answer whether or not the email has an account. */
export const handler = route(declaration, async function forgot({ body, ip, userAgent }) {
  await forgotPassword(body.email, { ip, userAgent });
  return accepted();
});
