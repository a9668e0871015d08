import { describe, expect, it } from 'vitest';
import { PASSWORD, uniqueEmail } from '../helpers/auth.ts';
import { call } from '../helpers/http.ts';

/**
 * serverless-offline parses a JSON body before the handler sees it (API Gateway does not): a
 * body of `false`, `0` or `[]` reached the handler as that value and was a 500, or for logout a
 * 204. Over HTTP to `npm start`, each is the contract's 400.
 */
const json = { 'content-type': 'application/json' };

describe('a JSON body that is not an object, over HTTP', () => {
  it.each(['null', 'false', 'true', '0', '12', '"text"', '[]', '[{}]'])('%s is 400 VALIDATION_ERROR', async (body) => {
    const reply = await call('POST', '/api/v1/auth/login', { body, headers: json });

    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe('VALIDATION_ERROR');
  });

  it('does not end the session of POST /auth/logout with []', async () => {
    const registered = await call('POST', '/api/v1/auth/register', {
      body: { email: uniqueEmail('shapes'), password: PASSWORD },
    });
    const bearer = { authorization: `Bearer ${registered.body.data.tokens.accessToken}` };

    const reply = await call('POST', '/api/v1/auth/logout', { body: '[]', headers: { ...json, ...bearer } });

    expect(reply.status).toBe(400);
    expect((await call('GET', '/api/v1/auth/sessions', { headers: bearer })).status).toBe(200);
  });
});
