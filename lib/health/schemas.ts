import * as v from 'valibot';

/** Response schema of GET /health. */
export const Health = v.strictObject({
  status: v.literal('ok'),
  checks: v.strictObject({ database: v.literal('ok') }),
  version: v.pipe(v.string(), v.examples(['0.1.0'])),
});

export type Health = v.InferOutput<typeof Health>;
