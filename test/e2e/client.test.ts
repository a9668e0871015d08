import { createClient, type Tokens } from '@taskapi/client';
import { describe, expect, it } from 'vitest';
import { PASSWORD, uniqueEmail } from '../helpers/auth.ts';
import { baseUrl, checkedFetch } from '../helpers/http.ts';

describe('the typed client', () => {
  it('registers, creates a task and lists it', async () => {
    let tokens: Tokens | undefined;
    const api = createClient({ baseUrl: baseUrl(), fetch: checkedFetch, accessToken: () => tokens?.accessToken });

    const registered = await api.POST('/api/v1/auth/register', {
      body: { email: uniqueEmail('client'), password: PASSWORD },
    });
    tokens = registered.data?.data.tokens;
    const created = await api.POST('/api/v1/tasks', { body: { title: 'Typed all the way' } });
    const listed = await api.GET('/api/v1/tasks', { params: { query: { completed: false, sort: 'title' } } });

    expect(registered.response.status).toBe(201);
    expect(created.response.status).toBe(201);
    expect(created.data?.data).toMatchObject({ title: 'Typed all the way', completed: false, description: null });
    expect(listed.data?.data.map((task) => task.id)).toEqual([created.data?.data.id]);
    expect(listed.data?.meta).toMatchObject({ total: 1, page: 1, pageSize: 20, totalPages: 1 });
  });

  it('types the error envelope', async () => {
    const api = createClient({ baseUrl: baseUrl(), fetch: checkedFetch });

    const { data, error, response } = await api.GET('/api/v1/tasks');

    expect(data).toBeUndefined();
    expect(response.status).toBe(401);
    expect(error?.error.code).toBe('AUTHENTICATION_REQUIRED');
  });
});
