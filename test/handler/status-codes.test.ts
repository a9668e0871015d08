import { STATUS_CODES as node } from 'node:http';
import { describe, expect, it } from 'vitest';
import { STATUS_CODES } from '#lib/http/status-codes.ts';

// The bundles' stand-in for node:http's table (scripts/esbuild-plugins.ts) says what Node says.
describe('STATUS_CODES', () => {
  it("is Node's table", () => {
    expect(STATUS_CODES).toEqual(node);
  });
});
