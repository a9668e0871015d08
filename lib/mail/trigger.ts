import { config } from '#lib/infra/config.ts';
import { log } from '#lib/infra/log.ts';
import { credentialsIn, type SignedRequest, sendSigned, signPost } from '#lib/infra/ssm.ts';

/**
 * Wakes the outbox's sender, the `mail-sender` function (MAIL_SENDER_FUNCTION), without waiting
 * for it to send: Lambda's Invoke with InvocationType `Event`, one SigV4-signed request (the
 * signer of lib/infra/ssm.ts, no SDK), which Lambda answers 202 as soon as it has queued the
 * event; the sender then runs on its own and the request never waits for SMTP or SES.
 *
 * The requests that may queue mail (register, resend, forgot password, email change) call it
 * after their commit whether or not they queued any, so neither the call nor its time tells
 * anything. Deployed, the endpoint is Lambda's in the function's region (the VPC needs a route
 * to it, like SSM's); under `npm start`, AWS_ENDPOINT_URL_LAMBDA is a local stand-in for
 * Lambda's queue of asynchronous invocations (scripts/local-mail-sender.ts), which takes the
 * same request unsigned. Never throws: a sender not woken
 * (no route, throttled, unset) still sends on its schedule.
 */

const WAKE_TIMEOUT_MS = 1_000;

/** The event the sender receives when woken (it ignores it, like the schedule's). */
export const WAKE_EVENT = { source: 'taskapi.outbox', 'detail-type': 'Outbox written' } as const;
export type WakeEvent = typeof WAKE_EVENT;

export async function wakeMailSender(env: Record<string, string | undefined> = process.env): Promise<void> {
  const name = config().MAIL_SENDER_FUNCTION;
  if (!name) return;
  try {
    const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    if (!region) throw new Error('AWS_REGION is not set');
    const endpoint = env.AWS_ENDPOINT_URL_LAMBDA ?? env.AWS_ENDPOINT_URL;
    const url = new URL(
      `/2015-03-31/functions/${name}/invocations`,
      endpoint ?? `https://lambda.${region}.amazonaws.com`,
    );
    const body = JSON.stringify(WAKE_EVENT);
    const headers = { 'Content-Type': 'application/json', 'X-Amz-Invocation-Type': 'Event' };
    const credentials = credentialsIn(env);
    let request: SignedRequest;
    if (credentials) request = signPost(url, body, headers, { region, service: 'lambda', credentials });
    else if (endpoint) request = { url, body, headers };
    else throw new Error('no AWS credentials in the environment');
    const answer = await sendSigned(request, WAKE_TIMEOUT_MS);
    if (answer.status !== 202) {
      const type = answer.headers['x-amzn-errortype'];
      throw new Error(
        `${typeof type === 'string' ? type.split(':')[0] : 'HTTP'} ${answer.status}: ${answer.text.slice(0, 200)}`,
      );
    }
  } catch (error) {
    log.warn('mail sender not woken; queued mail waits for its schedule', {
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
  }
}
