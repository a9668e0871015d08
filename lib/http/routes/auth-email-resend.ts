import { declareRoute } from '#lib/http/declaration.ts';

export const declaration = declareRoute({
  method: 'POST',
  path: '/api/v1/auth/email/resend',
  function: 'auth-email-resend',
  operationId: 'resendVerification',
  tag: 'Account',
  summary: 'Send the verification email again',
  description:
    "Mails a new verification link to the caller's address, ending the earlier links; sends nothing when " +
    'the address is already verified. At most 3 verification emails an hour go to one address (the one at ' +
    'registration counts): beyond that the answer is the same, nothing is sent and the last link keeps working.',
  auth: 'user',
  success: { status: 202, description: 'Taken: the email is on its way unless the address is verified.' },
});
