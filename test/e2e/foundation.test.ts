import { describe, expect, it } from 'vitest';
import { SECURITY_HEADERS } from '../helpers/headers.ts';
import { call } from '../helpers/http.ts';

describe('local server', () => {
  it.each(['/api/v1/health', '/health'])('serves %s with the database check', async (path) => {
    const reply = await call('GET', path);

    expect(reply.status).toBe(200);
    expect(reply.body.data.checks).toEqual({ database: 'ok' });
    expect(reply.headers).toMatchObject(SECURITY_HEADERS);
    expect(reply.headers['x-request-id']).toMatch(/.+/);
  });

  it.each([
    ['GET', '/api/v1/nope'],
    ['GET', '/'],
    ['DELETE', '/api/v1/health'],
    ['GET', '/api/v2/health'],
  ])('answers %s %s with 404 ROUTE_NOT_FOUND in the envelope', async (method, path) => {
    const reply = await call(method, path);

    expect(reply.status).toBe(404);
    expect(reply.body.error.code).toBe('ROUTE_NOT_FOUND');
    expect(reply.body.error.requestId).toBe(reply.headers['x-request-id']);
    expect(reply.headers).toMatchObject(SECURITY_HEADERS);
  });

  it('answers a preflight from an allowed origin', async () => {
    const reply = await call('OPTIONS', '/api/v1/health', {
      headers: { Origin: 'https://app.example.test', 'Access-Control-Request-Method': 'GET' },
    });

    expect(reply.status).toBe(204);
    expect(reply.headers['access-control-allow-origin']).toBe('https://app.example.test');
    expect(reply.headers['access-control-allow-methods']).toContain('GET');
    expect(reply.headers.vary).toContain('Origin');
  });

  it('gives a refused origin no Access-Control-Allow-Origin', async () => {
    const preflight = await call('OPTIONS', '/api/v1/health', {
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'GET' },
    });
    const get = await call('GET', '/api/v1/health', { headers: { Origin: 'https://evil.example' } });

    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(get.headers['access-control-allow-origin']).toBeUndefined();
    expect(get.headers['access-control-allow-credentials']).toBeUndefined();
  });
});
