import { route } from '#lib/http.ts';
import { created } from '#lib/responses.ts';
import { RegisterBody } from '#lib/schemas/new-password.ts';
import { register } from '#lib/users.ts';

/** POST /api/v1/auth/register: creates a USER account and signs it in. */
export const handler = route(
  { auth: 'none', rateLimit: 'register', body: RegisterBody },
  async function registerUser({ body, userAgent, ip }) {
    const { user, tokens } = await register(body.email, body.password, { userAgent, ip });
    return created({ user, tokens }, '/api/v1/users/me');
  },
);
