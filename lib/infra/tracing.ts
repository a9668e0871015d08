import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { Sql } from '#db/client.ts';

/**
 * X-Ray traces through Powertools Tracer. API Gateway and Lambda trace the request and the
 * invocation themselves (serverless.yml); this adds a subsegment per database query (the
 * statement text with its `$n` placeholders, never the values) and per transaction, and the
 * outgoing HTTPS calls (SSM). The Tracer and the X-Ray SDK under it are evaluated only where
 * Lambda runs the X-Ray daemon (`AWS_XRAY_DAEMON_ADDRESS`, Active tracing), on the first
 * invocation, alongside the secrets' fetch: nowhere else does anything pay for them.
 */

let tracer: Tracer | undefined;

export const tracingAvailable = (env: NodeJS.ProcessEnv = process.env) =>
  Boolean(env.AWS_XRAY_DAEMON_ADDRESS) && env.POWERTOOLS_TRACE_ENABLED !== 'false';

/** Loads the Tracer once per instance when tracing is available; a no-op otherwise. */
export async function startTracing(): Promise<void> {
  if (tracer || !tracingAvailable()) return;
  const { Tracer } = await import('@aws-lambda-powertools/tracer');
  tracer = new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME || 'taskapi' });
}

type Subsegment = ReturnType<NonNullable<ReturnType<Tracer['getSegment']>>['addNewSubsegment']>;

function open(name: string, statement?: string): Subsegment | undefined {
  const subsegment = tracer?.getSegment()?.addNewSubsegment(name);
  if (!subsegment) return undefined;
  subsegment.namespace = 'remote';
  subsegment.addSqlData({ database_type: 'PostgreSQL', ...(statement ? { sanitized_query: statement } : {}) });
  return subsegment;
}

/** Closes `subsegment` when `work` settles, and passes its outcome on. */
function settle<T>(subsegment: Subsegment | undefined, work: PromiseLike<T>): PromiseLike<T> {
  if (!subsegment) return work;
  return work.then(
    (value) => {
      subsegment.close();
      return value;
    },
    (error: unknown) => {
      subsegment.close(error instanceof Error ? error : String(error));
      throw error;
    },
  );
}

/** A query starts when it is awaited (postgres.js queries are lazy): time it from there. */
function timeQuery<Q>(query: Q, statement: string): Q {
  if (!(query instanceof Promise)) return query;
  const then = query.then.bind(query);
  Object.defineProperty(query, 'then', {
    value: (resolve?: (value: unknown) => unknown, reject?: (reason: unknown) => unknown) =>
      settle(open('postgres', statement), { then }).then(resolve, reject),
  });
  return query;
}

/**
 * The client's `sql` with every query and transaction timed as a subsegment, when tracing is
 * on; `sql` itself otherwise. Drizzle runs its statements through `unsafe` and `begin`.
 */
export function traceQueries(sql: Sql): Sql {
  if (!tracer) return sql;
  return new Proxy(sql, {
    apply(target, thisArg, args: [TemplateStringsArray, ...unknown[]]) {
      const query = Reflect.apply(target, thisArg, args);
      const strings = args[0];
      const statement = Array.isArray(strings) ? strings.reduce((text, part, index) => `${text}$${index}${part}`) : '';
      return timeQuery(query, statement);
    },
    get(target, property, receiver) {
      if (property === 'unsafe') {
        return (statement: string, ...rest: unknown[]) =>
          timeQuery((target.unsafe as (...args: unknown[]) => unknown)(statement, ...rest), statement);
      }
      if (property === 'begin') {
        return (...args: unknown[]) =>
          settle(open('postgres transaction'), (target.begin as (...args: unknown[]) => Promise<unknown>)(...args));
      }
      return Reflect.get(target, property, receiver);
    },
  });
}
