import { describe, expect, it } from 'vitest';
import { handler } from '../../functions/health.ts';
import { invoke } from '../helpers/lambda.ts';

describe('GET /health', () => {
  it('reports the database as ok', async () => {
    const reply = await invoke(handler, { resource: '/api/v1/health' });

    expect(reply.status).toBe(200);
    expect(reply.body.data).toEqual({ status: 'ok', checks: { database: 'ok' }, version: expect.any(String) });
  });
});
