import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { captureLogs } from '../helpers/logs.ts';

// What Lambda gives a function with Active tracing: an X-Ray daemon address (here a UDP socket
// of the test's) and the invocation's trace header. Set before anything loads the Tracer.
const daemon = createSocket('udp4');
const datagrams: string[] = [];
daemon.on('message', (message) => datagrams.push(message.toString('utf8')));
await new Promise<void>((resolve) => daemon.bind(0, '127.0.0.1', resolve));
process.env.AWS_XRAY_DAEMON_ADDRESS = `127.0.0.1:${daemon.address().port}`;
process.env.LAMBDA_TASK_ROOT = tmpdir();
process.env.AWS_EXECUTION_ENV = 'AWS_Lambda_nodejs24.x';
process.env._X_AMZN_TRACE_ID = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
const { invoke } = await import('../helpers/lambda.ts');
const { registerUser, bearer } = await import('../helpers/auth.ts');
const { handler: tasksList } = await import('../../functions/tasks-list.ts');
const { handler: health } = await import('../../functions/health.ts');

afterAll(() => daemon.close());

interface Subsegment {
  name: string;
  type: string;
  trace_id: string;
  parent_id: string;
  start_time: number;
  end_time?: number;
  namespace?: string;
  sql?: { database_type: string; sanitized_query?: string };
}

const subsegments = () =>
  datagrams.map((datagram) => {
    const [header, body] = datagram.split('\n');
    expect(JSON.parse(header ?? '')).toEqual({ format: 'json', version: 1 });
    return JSON.parse(body ?? '') as Subsegment;
  });

describe('X-Ray traces where Lambda runs the daemon', () => {
  it('sends a subsegment per query and per transaction, with the statement and never its values', async () => {
    captureLogs();
    const user = await registerUser();
    const listed = await invoke(tasksList, { resource: '/api/v1/tasks', headers: bearer(user.accessToken) });
    const checked = await invoke(health, { resource: '/api/v1/health' });
    expect(listed.status).toBe(200);
    expect(checked.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 200));

    const sent = subsegments();
    for (const subsegment of sent) {
      expect(subsegment.trace_id).toBe('1-5759e988-bd862e3fe1be46a994272793');
      expect(subsegment.parent_id).toBe('53995c3f42cd8ad8');
    }
    const queries = sent.filter((subsegment) => subsegment.name === 'postgres');
    expect(queries.length).toBeGreaterThan(2);
    for (const query of queries) {
      expect(query).toMatchObject({ type: 'subsegment', namespace: 'remote', sql: { database_type: 'PostgreSQL' } });
      expect(query.end_time).toBeGreaterThanOrEqual(query.start_time);
    }
    const statements = queries.map((query) => query.sql?.sanitized_query ?? '');
    expect(statements.some((statement) => /select .* from "tasks"/i.test(statement))).toBe(true);
    expect(statements).toContain('select 1');
    // Register writes the user and the session in one transaction.
    expect(sent.some((subsegment) => subsegment.name === 'postgres transaction')).toBe(true);
    const text = datagrams.join('\n');
    expect(text).not.toContain(user.email);
    expect(text).not.toContain(user.id);
  });
});
