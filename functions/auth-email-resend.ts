import { accepted } from '#lib/http/responses.ts';
import { route } from '#lib/http/route.ts';
import { declaration } from '#lib/http/routes/auth-email-resend.ts';
import { resendVerification } from '#lib/users/lifecycle.ts';

export const handler = route(declaration, async function resend({ auth }) {
  await resendVerification(auth.userId);
  return accepted();
});
