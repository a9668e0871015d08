import { vi } from 'vitest';

/**
 * Captures what the process logs from here to the end of the test (vi.restoreAllMocks ends it),
 * keeping it off the terminal. Powertools Logger writes warnings and errors to stderr and the
 * rest to stdout, so both are read.
 */
export function captureLogs(): () => string[] {
  const lines: string[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
  }
  return () => lines;
}
