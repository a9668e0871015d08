import { randomUUID } from 'node:crypto';
import { deliverEmails } from '#lib/mail/outbox.ts';
import { handler as register } from '../../functions/auth-register.ts';
import { invoke } from './lambda.ts';

export const PASSWORD = 'correct horse battery staple';

export const uniqueEmail = (prefix = 'user') => `${prefix}-${randomUUID().slice(0, 8)}@example.com`;

export const bearer = (accessToken: string) => ({ Authorization: `Bearer ${accessToken}` });

export interface Registered {
  id: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
}

/**
 * Registers a fresh account through the real register handler, then runs the outbox's sender
 * as the request's wake-up does deployed (without a mail server configured it sends nothing):
 * the verification mail is in the test's mail server when this returns.
 */
export async function registerUser(email = uniqueEmail(), password = PASSWORD): Promise<Registered> {
  const reply = await invoke(register, {
    method: 'POST',
    resource: '/api/v1/auth/register',
    body: { email, password },
  });
  if (reply.status !== 201) throw new Error(`register failed: ${reply.raw}`);
  await deliverEmails();
  const { user, tokens } = reply.body.data;
  return {
    id: user.id,
    email: user.email,
    password,
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
  };
}
