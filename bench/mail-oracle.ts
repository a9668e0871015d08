import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { median, round, table } from './stats.ts';

/**
 * The mail findings of the security assessment, measured against a running `npm start` (its
 * local mail catcher's inbox counts what was delivered):
 * - mail bombing: 20 `PATCH /users/me { email: X }` and 15 `POST /auth/email/resend`, then the
 *   mails that reach X within WAIT seconds;
 * - the time from a forgot-password request to its mail in the inbox, on an idle server;
 * - the answer's time as an oracle: the email change to a free vs a taken address, forgot
 *   password for an existing vs an unknown address (medians of N interleaved samples).
 *
 *   node bench/mail-oracle.ts <api base, e.g. http://localhost:3100/api/v1> <inbox URL> [N] [WAIT] [DELAYS]
 *
 * DELAYS (default 10) samples of the request-to-inbox time; 0 skips them.
 *
 * The server needs generous rate limits (RATE_LIMIT_PASSWORD_FORGOT, RATE_LIMIT_API).
 */

const [api = '', inbox = '', n = '30', wait = '10', delaySamples = '10'] = process.argv.slice(2);
if (!api || !inbox) throw new Error('usage: node bench/mail-oracle.ts <api base> <inbox URL> [N] [WAIT]');
const samples = Number(n);
const PASSWORD = 'correct horse battery staple';

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}@example.test`;

async function call(method: string, path: string, body?: unknown, token?: string) {
  const started = performance.now();
  const response = await fetch(`${api}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const ms = performance.now() - started;
  if (response.status >= 400) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 200)}`);
  return { ms, body: text ? JSON.parse(text) : undefined };
}

async function register(email = unique('user')) {
  const { body } = await call('POST', '/auth/register', { email, password: PASSWORD });
  return { email, token: body.data.tokens.accessToken as string };
}

async function mailsTo(address: string): Promise<number> {
  const mails = (await (await fetch(`${inbox}/api/email`)).json()) as { to: { address: string }[] }[];
  return mails.filter((mail) => mail.to.some((to) => to.address === address)).length;
}

// Finding 2: mail bombing.
const victim = unique('victim');
const attacker = await register();
for (let i = 0; i < 20; i++)
  await call('PATCH', '/users/me', { email: victim, currentPassword: PASSWORD }, attacker.token);
const squatted = await register(unique('squatted'));
for (let i = 0; i < 15; i++) await call('POST', '/auth/email/resend', undefined, squatted.token);
await sleep(Number(wait) * 1000);
const bombing = [
  ['20 email-change PATCHes to one address', await mailsTo(victim)],
  ['registration + 15 resends', await mailsTo(squatted.email)],
];

// From the request to the mail in the inbox: a reset link for a fresh account, polled every 10 ms.
const delays: number[] = [];
for (let i = 0; i < Number(delaySamples); i++) {
  const account = await register();
  await sleep(300); // its verification mail out of the way
  const started = performance.now();
  await call('POST', '/auth/password/forgot', { email: account.email });
  while ((await mailsTo(account.email)) < 2) await sleep(10);
  delays.push(performance.now() - started);
}

// Finding 3: timing, interleaved so load drifts hit both alike.
// An attacker probes each address once: fresh accounts, so no per-recipient cap is reached.
const changer = await register();
const takenAccounts = [];
const knownAccounts = [];
for (let i = 0; i < samples; i++) {
  takenAccounts.push(await register());
  knownAccounts.push(await register());
}
const times = { free: [] as number[], taken: [] as number[], existing: [] as number[], unknown: [] as number[] };
for (let i = 0; i < samples; i++) {
  times.free.push(
    (await call('PATCH', '/users/me', { email: unique('free'), currentPassword: PASSWORD }, changer.token)).ms,
  );
  const taken = takenAccounts[i]?.email;
  times.taken.push((await call('PATCH', '/users/me', { email: taken, currentPassword: PASSWORD }, changer.token)).ms);
  times.existing.push((await call('POST', '/auth/password/forgot', { email: knownAccounts[i]?.email })).ms);
  times.unknown.push((await call('POST', '/auth/password/forgot', { email: unique('ghost') })).ms);
}

process.stdout.write(`${table(['mail bombing', `mails delivered within ${wait} s`], bombing)}\n\n`);
if (delays.length > 0) {
  process.stdout.write(
    `request to inbox (reset link): median ${round(median(delays), 0)} ms, max ${round(Math.max(...delays), 0)} ms (n=${delays.length})\n\n`,
  );
}
process.stdout.write(
  `${table(
    ['request', `median ms (n=${samples})`],
    Object.entries(times).map(([name, ms]) => [name, round(median(ms), 1)]),
  )}\n`,
);
process.stdout.write(
  `ratios: taken/free ${round(median(times.taken) / median(times.free), 2)}, unknown/existing ${round(median(times.unknown) / median(times.existing), 2)}\n`,
);
