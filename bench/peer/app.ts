import { verify as verifyPassword } from '@node-rs/argon2';
import { and, count, desc, eq, isNull, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';
import { jwt, sign } from 'hono/jwt';
import postgres from 'postgres';
import { tasks, users } from '../../db/schema.ts';
import { ARGON2_OPTIONS } from '../../lib/auth/passwords.ts';

/**
 * The benchmark's peer (issue 18): the smallest idiomatic Hono + Drizzle + postgres.js Lambda
 * answering `GET /api/v1/tasks` (a page with its total) and `POST /api/v1/auth/login`, with a
 * stateless JWT: no session check, no rate limit, no validation library. Not part of the product.
 */

const client = postgres(process.env.DATABASE_URL ?? '', { max: 1, prepare: false, onnotice: () => {} });
const db = drizzle(client);
const secret = process.env.JWT_SECRET ?? '';

const app = new Hono<{ Variables: { jwtPayload: { sub: string } } }>();

app.post('/api/v1/auth/login', async (c) => {
  const { email, password } = await c.req.json<{ email: string; password: string }>();
  const [user] = await db
    .select({ id: users.id, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(sql`lower(${users.email})`, email.toLowerCase()));
  if (!user || !(await verifyPassword(user.passwordHash, password, ARGON2_OPTIONS))) {
    return c.json({ error: { code: 'INVALID_CREDENTIALS' } }, 401);
  }
  const accessToken = await sign({ sub: user.id, exp: Math.floor(Date.now() / 1000) + 900 }, secret, 'HS256');
  return c.json({ data: { user: { id: user.id }, tokens: { accessToken } } });
});

app.get('/api/v1/tasks', jwt({ secret, alg: 'HS256' }), async (c) => {
  const userId = c.get('jwtPayload').sub;
  const page = Number(c.req.query('page') ?? 1);
  const pageSize = Number(c.req.query('pageSize') ?? 20);
  const mine = and(eq(tasks.userId, userId), isNull(tasks.deletedAt));
  // Sent together: postgres.js pipelines them on its one connection.
  const [items, [total]] = await Promise.all([
    db
      .select()
      .from(tasks)
      .where(mine)
      .orderBy(desc(tasks.createdAt), desc(tasks.id))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db.select({ value: count() }).from(tasks).where(mine),
  ]);
  const totalItems = total?.value ?? 0;
  return c.json({
    data: items,
    meta: { page, pageSize, total: totalItems, totalPages: Math.ceil(totalItems / pageSize) },
  });
});

export const handler = handle(app);

/** For the bench, which runs the peer in its own process beside the product. */
export const close = () => client.end({ timeout: 5 });
