/** Seconds in each unit a duration or a rate window may use. */
export const SECONDS_PER_UNIT = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** Parses `15m`, `7d`, `30s`, `1h` into seconds; returns undefined for anything else. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)\s*(s|m|h|d)$/.exec(text.trim());
  if (!match) return undefined;
  const amount = Number(match[1]);
  const unit = match[2] as 's' | 'm' | 'h' | 'd';
  const seconds = amount * SECONDS_PER_UNIT[unit];
  return seconds > 0 && Number.isSafeInteger(seconds) ? seconds : undefined;
}
