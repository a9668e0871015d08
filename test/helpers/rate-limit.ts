import { setTimeout as sleep } from 'node:timers/promises';
import { database } from '#lib/infra/database.ts';
import { storeClock } from './counters.ts';

/**
 * Rate-limit windows are fixed and aligned on the store's clock. A test that counts hits in
 * one window first waits, when fewer than `needSeconds` of the current window are left, for
 * the next one to begin, so a boundary never splits its hits.
 */
export async function roomInWindow(windowSeconds: number, needSeconds = windowSeconds): Promise<void> {
  const left = windowSeconds - ((await storeClock(database().sql)) % windowSeconds);
  if (left < needSeconds) await sleep(left * 1000 + 50);
}

let lastOctet = 0;
/** A client address no other test in the file uses, so each test has counters of its own. */
export const freshIp = () => `198.51.100.${++lastOctet}`;
