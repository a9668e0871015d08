import { createServer, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/ports.ts';
import { invoke } from '../helpers/lambda.ts';
import { captureLogs } from '../helpers/logs.ts';

// A server that accepts connections and never answers: the worst case for a health check.
const sockets: Socket[] = [];
const blackHole = createServer((socket) => sockets.push(socket));
const port = await freePort();
await new Promise<void>((resolve) => blackHole.listen(port, '127.0.0.1', resolve));
process.env.DATABASE_URL = `postgres://postgres@127.0.0.1:${port}/unreachable`;
const { handler } = await import('../../functions/health.ts');

afterAll(() => {
  for (const socket of sockets) socket.destroy();
  blackHole.close();
});

describe('GET /health with the database unreachable', () => {
  it('answers 503 SERVICE_UNAVAILABLE within 5 seconds', async () => {
    captureLogs();
    const started = Date.now();

    const reply = await invoke(handler, { resource: '/api/v1/health' });

    expect(Date.now() - started).toBeLessThan(5000);
    expect(reply.status).toBe(503);
    expect(reply.body.error.code).toBe('SERVICE_UNAVAILABLE');
    expect(reply.raw).not.toContain(String(port));
  });
});
