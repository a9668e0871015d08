import { countRejection } from '#lib/infra/metrics.ts';
import {
  type CounterChanges,
  clearing,
  emailSubject,
  hit,
  ipSubject,
  type LimitState,
  type RateLimitMeter,
  rateLimited,
  release,
} from '#lib/infra/rate-limit.ts';

/**
 * Failed logins (README, Rate limits): counted per email and client network, so an attacker
 * elsewhere cannot lock the owner out, and per email across all networks, which caps what a
 * botnet can try. A wrong `currentPassword` on PATCH or DELETE /users/me counts the same way.
 *
 * Every attempt takes a slot of both rules before the password is checked and gives them back
 * only on success: concurrent guesses cannot overrun a limit, and once one trips even the right
 * password waits for the window. Keyed by the email whether or not an account has it, so a 429
 * tells nothing about which emails exist.
 */
export async function takeLoginFailureSlots(meter: RateLimitMeter, email: string, ip: string): Promise<LimitState[]> {
  const subject = emailSubject(email);
  // Sent together: one round trip for both. Both are the email's, for clearLoginFailures.
  const states = await Promise.all([
    hit('loginFailures', `${subject}|${ipSubject(ip)}`, subject),
    hit('loginFailuresEmail', subject, subject),
  ]);
  const taken = states.filter((state): state is LimitState => state !== undefined);
  for (const state of taken) meter.record(state);
  if (taken.some((state) => state.exceeded)) {
    for (const state of taken) if (state.exceeded) countRejection(state.rule);
    // A refused attempt checks no password, so it is no failure for the other rule: an
    // attacker hammering a network that is locked out must not use up the owner's per-email cap.
    await Promise.all(taken.filter((state) => !state.exceeded).map((state) => release(state)));
    throw rateLimited();
  }
  return taken;
}

/** Gives back the slots of an attempt that succeeded. */
export async function releaseLoginFailureSlots(meter: RateLimitMeter, slots: readonly LimitState[]): Promise<void> {
  const released = await Promise.all(slots.map((slot) => release(slot)));
  for (const state of released) meter.record(state);
}

/**
 * Deletes every failed-login counter of an email, from every network: the way back from a
 * lockout (password reset). With the PostgreSQL store, statements of the caller's transaction;
 * with another, made once it commits.
 */
export function clearLoginFailures(email: string): CounterChanges {
  return clearing(emailSubject(email));
}
