import type { RuleName } from '#lib/infra/config.ts';
import { countRejection } from '#lib/infra/metrics.ts';
import {
  type CounterChanges,
  clearing,
  emailSubject,
  hit,
  ipSubject,
  type LimitState,
  type RateLimitMeter,
  release,
} from '#lib/infra/rate-limit.ts';

/**
 * Failed logins (docs/security.md, Rate limits): counted per email and client network, so an attacker
 * elsewhere cannot lock the owner out, and per email across all networks, which caps what a
 * botnet can try. A wrong `currentPassword` on PATCH or DELETE /users/me counts the same way.
 *
 * Every attempt takes a slot of both rules before the password is checked and gives them back
 * only on success: concurrent guesses cannot overrun a limit, and once one trips even the right
 * password waits for the window. Keyed by the email whether or not an account has it, so a 429
 * tells nothing about which emails exist.
 *
 * The rules lock password sign-in only. A live session proving its password again (PATCH and
 * DELETE /users/me) is refused only by its own network's rule: its failures count for both, but
 * the all-networks rule, which anyone anywhere can fill, never locks the owner's own session out.
 */
export type PasswordAttempt = 'sign_in' | 'session_proof';

const REFUSED_BY: Record<PasswordAttempt, readonly RuleName[]> = {
  sign_in: ['loginFailures', 'loginFailuresEmail'],
  session_proof: ['loginFailures'],
};

export interface FailureSlots {
  /** The slots to give back if the password is right; a rule already over its limit keeps its hit. */
  slots: LimitState[];
  /** A rule that refuses this kind of attempt is over its limit: check no password, answer 429. */
  refused: boolean;
  /**
   * The rules this attempt took over their limit, each the first hit past it in its window: a
   * lockout starts (its `login.locked` event). Hits over a limit are never given back, so each
   * rule, key and window has one such hit.
   */
  locked: RuleName[];
  /** The rules that refuse this kind of attempt: the ones the answer's RateLimit headers describe. */
  refusing: readonly RuleName[];
}

export async function takeLoginFailureSlots(
  meter: RateLimitMeter,
  email: string,
  ip: string,
  attempt: PasswordAttempt,
): Promise<FailureSlots> {
  const subject = emailSubject(email);
  // Sent together: one round trip for both. Both are the email's, for clearLoginFailures.
  const states = await Promise.all([
    hit('loginFailures', `${subject}|${ipSubject(ip)}`, subject),
    hit('loginFailuresEmail', subject, subject),
  ]);
  const taken = states.filter((state): state is LimitState => state !== undefined);
  const refusing = REFUSED_BY[attempt];
  const applying = taken.filter((state) => refusing.includes(state.rule));
  for (const state of applying) meter.record(state);
  const locked = taken.filter((state) => state.count === state.limit + 1).map((state) => state.rule);
  const releasable = taken.filter((state) => !state.exceeded);
  if (applying.some((state) => state.exceeded)) {
    for (const state of applying) if (state.exceeded) countRejection(state.rule);
    // A refused attempt checks no password, so it is no failure for the other rule: an
    // attacker hammering a network that is locked out must not use up the owner's per-email cap.
    await Promise.all(releasable.map((state) => release(state)));
    return { slots: [], refused: true, locked, refusing };
  }
  return { slots: releasable, refused: false, locked, refusing };
}

/** Gives back the slots of an attempt that succeeded. */
export async function releaseLoginFailureSlots(meter: RateLimitMeter, taken: FailureSlots): Promise<void> {
  const released = await Promise.all(taken.slots.map((slot) => release(slot)));
  for (const state of released) if (taken.refusing.includes(state.rule)) meter.record(state);
}

/**
 * Deletes every failed-login counter of an email, from every network: the way back from a
 * lockout (password reset). With the PostgreSQL store, statements of the caller's transaction;
 * with another, made once it commits.
 */
export function clearLoginFailures(email: string): CounterChanges {
  return clearing(emailSubject(email));
}
