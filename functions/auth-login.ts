import { route } from '#lib/http.ts';
import { ok } from '#lib/responses.ts';
import { LoginBody } from '#lib/schemas/auth.ts';
import { login } from '#lib/users.ts';

/** POST /api/v1/auth/login: one answer for unknown email and wrong password. */
export const handler = route(
  { auth: 'none', rateLimit: 'login', body: LoginBody },
  async function loginUser({ body, userAgent, ip, rateLimit }) {
    return ok(await login(body.email, body.password, { userAgent, ip }, rateLimit));
  },
);
