import { created } from '#lib/http/responses.ts';
import { route } from '#lib/http/route.ts';
import { declaration } from '#lib/http/routes/auth-register.ts';
import { register } from '#lib/users/users.ts';

export const handler = route(declaration, async function registerUser({ body, userAgent, ip }) {
  const { user, tokens } = await register(body.email, body.password, { userAgent, ip });
  return created({ user, tokens }, '/api/v1/users/me');
});
