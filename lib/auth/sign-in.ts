import type { SQLWrapper } from 'drizzle-orm';
import type { Transaction } from '#db/client.ts';
import { type AuditEventInput, eventStatement } from '#lib/audit/audit.ts';
import type { Tokens } from '#lib/auth/schemas.ts';
import { type ClientInfo, sessionStatements } from '#lib/auth/sessions.ts';
import { database } from '#lib/infra/database.ts';
import { type LimitState, releasing } from '#lib/infra/rate-limit.ts';
import type { Role } from '#lib/users/schemas.ts';

/**
 * The one gate where every session starts. Each way in (login, register, reset today; email
 * codes, passkeys, social identities and second factors later) proves who the caller is its own
 * way, then calls the gate with what it proved. The gate decides between a session and a second
 * factor (`decide`), and does the rest once: it locks the user, starts the session within the
 * MAX_SESSIONS_PER_USER cap, issues the tokens, records the sign-in's audit event and gives
 * back the failed-login slots the attempt took. A new way in is one call here.
 *
 * A way in that also changes credentials (a reset sets a password) makes that change first, in
 * the same transaction, through lib/auth/credentials.ts: it ends every session and pending link
 * of the account, then the gate starts the new session.
 *
 * `test/handler/sign-in-gate.test.ts` holds every route that answers with tokens to this gate.
 */

/** A second factor an account can have (issue 27: TOTP, recovery codes, passkeys). */
export type SecondFactor = 'totp' | 'recovery_code' | 'passkey';

/**
 * What a request proved, as `login.succeeded` names it in `details.method`: a first factor, or
 * a second one finishing an `mfa` challenge.
 */
export type SignInMethod = 'password' | 'email_code' | 'passkey' | `oauth:${string}` | `mfa:${SecondFactor}`;

export interface SignInAccount {
  id: string;
  role: Role;
}

/**
 * What the gate decides. `mfa`: the account has a second factor the proof lacks, so the answer
 * is an `mfa` challenge listing `methods` instead of tokens (issue 27 builds the challenge and
 * its route; each way in then answers it its own way: login with the challenge, a reset with
 * the user alone).
 */
export type SignInDecision = { kind: 'session' } | { kind: 'mfa'; methods: readonly SecondFactor[] };

/** A passkey proves possession and the user's presence at once: no challenge follows it. */
const finishesSignIn = (method: SignInMethod) => method === 'passkey' || method.startsWith('mfa:');

export function decide(secondFactors: readonly SecondFactor[], proven: readonly SignInMethod[]): SignInDecision {
  if (secondFactors.length === 0 || proven.some(finishesSignIn)) return { kind: 'session' };
  return { kind: 'mfa', methods: secondFactors };
}

/** The account's confirmed second factors: none until issue 27 adds them to the account. */
export const secondFactorsOf = (_account: SignInAccount): readonly SecondFactor[] => [];

export interface SignInRequest {
  account: SignInAccount;
  /** What this request proved, in the order proven; the last one names the sign-in's method. */
  proven: readonly [SignInMethod, ...SignInMethod[]];
  client: ClientInfo;
  /** Failed-login slots the attempt took (lib/auth/login-failures.ts), given back with the sign-in. */
  slots?: readonly LimitState[];
  /**
   * The event that records the sign-in: `login.succeeded` with `details.method` and the session,
   * unless the way in records its own event for what it did (register: `user.registered`, reset:
   * `password.reset`), which is then the record of the session too.
   */
  recordAs?: (started: StartedSession) => AuditEventInput;
}

export interface StartedSession {
  sessionId: string;
  method: SignInMethod;
}

export interface SignInStatements {
  sessionId: string;
  /** In order, for one transaction: the user lock, the session, the cap, its token, the event, the releases. */
  statements: SQLWrapper[];
  /** The limiter states once the releases are written, for the answer's RateLimit headers. */
  released: LimitState[];
  /**
   * What is left once the statements are committed: with a rate-limit store outside the
   * database, the releases themselves (lib/infra/rate-limit.ts `releasing`).
   */
  afterCommit(): Promise<void>;
  /** The token pair, once the statements are written. */
  tokens(): Promise<Tokens>;
}

const loginSucceeded =
  (request: SignInRequest) =>
  ({ sessionId, method }: StartedSession): AuditEventInput => ({
    type: 'login.succeeded',
    actorUserId: request.account.id,
    subjectUserId: request.account.id,
    client: request.client,
    details: { method, sessionId },
  });

/**
 * The gate for a way in that writes nothing else (login): the statements, for the caller to send
 * in one transaction batch (one round trip with BEGIN and COMMIT).
 */
export function signInStatements(request: SignInRequest): SignInStatements {
  const decision = decide(secondFactorsOf(request.account), request.proven);
  if (decision.kind === 'mfa') {
    // Unreachable until accounts can have a second factor: issue 27 answers the challenge here.
    throw new Error('an account with a second factor needs the mfa challenge');
  }
  const session = sessionStatements(request.account, request.client);
  const method = request.proven.at(-1) ?? request.proven[0];
  const event = (request.recordAs ?? loginSucceeded(request))({ sessionId: session.sessionId, method });
  const releases = releasing(request.slots ?? []);
  return {
    sessionId: session.sessionId,
    statements: [...session.statements, eventStatement(database().db, event), ...releases.statements],
    released: releases.released,
    afterCommit: releases.afterCommit,
    tokens: session.tokens,
  };
}

/**
 * The gate inside a way in's own transaction (register, reset): its statements, sent together.
 * With `slots`, the caller runs `afterCommit` once its transaction commits.
 */
export async function signIn(
  tx: Transaction,
  request: SignInRequest,
): Promise<{ sessionId: string; tokens: Tokens; released: LimitState[]; afterCommit: () => Promise<void> }> {
  const started = signInStatements(request);
  // One code path for each, so they reach the connection in this order: the lock comes first.
  await Promise.all(started.statements.map((statement) => tx.execute(statement.getSQL())));
  return {
    sessionId: started.sessionId,
    tokens: await started.tokens(),
    released: started.released,
    afterCommit: started.afterCommit,
  };
}
