import type { AuthContext } from '#lib/auth/authenticate.ts';
import type { AccessClaims } from '#lib/auth/tokens.ts';
import { connectionGeneration } from '#lib/infra/database.ts';
import { readOnly } from '#lib/infra/read-only.ts';
import type { RouteRequest, RouteState } from './middlewares/types.ts';

/**
 * Speculative reads: a route declared `speculative: true` (a bearer GET) starts its handler
 * beside the session check instead of after it, with the caller the signed token names, so its
 * statements go out in the check's round trip. The whole mechanism is here; the pipeline only
 * asks the declaration (lib/http/route.ts) and the bearer step hands over its pending check.
 *
 * - The handler of a speculative route always runs read-only (lib/infra/read-only.ts): a
 *   statement that could write is refused (a 500), admitted caller or not, so a route that
 *   writes cannot be declared speculative without failing its tests.
 * - Nothing it found leaves the function before the check admits the caller. Should the
 *   account's role differ from the token's, the handler runs again with the role the database
 *   holds (a handler may branch on it).
 * - A refusal (401, 429, 403) answers as soon as the check gives it, without waiting for the
 *   handler: its time is the check's, whatever the account's data would have cost to read. The
 *   run is ended, so it sends nothing more; the statements it has sent stay on the instance's
 *   one connection (postgres.js, `max: 1`) until their answers arrive. If the instance freezes
 *   first, those answers wait in the socket and are read when it thaws; the next request's
 *   statements queue behind them on the connection. That next request may so wait for what is
 *   left of them, never more than a statement's time (the statement timeout bounds it); a
 *   cancel would race the next request's own statements, and a new connection per refusal
 *   would make every 429 cost a connection.
 * - Speculation starts only on a connection that has answered a session check since it
 *   opened: against a database that cannot be reached, statements sent ahead would each wait
 *   for a connection attempt of their own (through PgBouncer, a missing database's 503 took
 *   over 20 s).
 */

interface Speculation {
  /** The caller the token names, until the check says who they are. */
  claimed: AuthContext;
  /** The session check: the caller it admits, or its refusal. */
  admitted: Promise<AuthContext>;
}

/** The speculations started and not yet answered, by request. */
const pending = new WeakMap<RouteState, Speculation>();

/** The connection generation on which a session check last answered (see connectionGeneration). */
let answeredOn: number | undefined;

/**
 * Called by the bearer step with the session check it sent (`checked`) and the caller it will
 * admit: on a speculative route and a connection that answers, records the speculation and
 * returns true (the step does not await the check); false otherwise.
 */
export function speculate(
  state: RouteState,
  claims: AccessClaims,
  checked: Promise<unknown>,
  admitted: Promise<AuthContext>,
  declared: boolean,
): boolean {
  checked.then(
    () => {
      answeredOn = connectionGeneration();
    },
    () => undefined,
  );
  if (!declared || answeredOn !== connectionGeneration()) return false;
  // Awaited by the handler step or by refuseFirst; never an unhandled rejection meanwhile.
  admitted.catch(() => undefined);
  pending.set(state, {
    claimed: { userId: claims.userId, role: claims.role, sessionId: claims.sessionId },
    admitted,
  });
  return true;
}

/**
 * The bearer step's onError: a later step (validation) failed while the check was still out.
 * The check's own refusal comes first, as when it is awaited before those steps; the handler
 * has not started, so this waits for the check alone.
 */
export async function refuseFirst(request: RouteRequest): Promise<void> {
  const state = request.context.route;
  const speculation = state && pending.get(state);
  if (!speculation) return;
  pending.delete(state);
  try {
    await speculation.admitted;
  } catch (error) {
    request.error = error as Error;
  }
}

/** A speculative route's answer: `run` read-only, started at once when a speculation is out. */
export async function answerSpeculatively<T>(
  state: RouteState,
  run: (auth: AuthContext) => Promise<T> | T,
): Promise<T> {
  const speculation = pending.get(state);
  if (!speculation) {
    if (!state.auth) throw new Error('answerSpeculatively: the caller is not known');
    return readOnly(() => run(state.auth as AuthContext)).answer;
  }
  pending.delete(state);
  const first = readOnly(() => run(speculation.claimed));
  // Read only once the caller is admitted: an error before then must not count as unhandled.
  const settled = first.answer.then(
    () => undefined,
    () => undefined,
  );
  let auth: AuthContext;
  try {
    auth = await speculation.admitted;
  } catch (refusal) {
    first.end();
    throw refusal;
  }
  state.auth = auth;
  if (auth.role === speculation.claimed.role) return first.answer;
  first.end();
  await settled;
  return readOnly(() => run(auth)).answer;
}
