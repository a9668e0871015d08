import { AsyncLocalStorage } from 'node:async_hooks';
import type { Sql } from '#db/client.ts';

/**
 * Read-only runs: work whose statements may read but never write. The instance's database
 * client (lib/infra/database.ts) checks each statement sent from inside a run, when it is sent,
 * and refuses (rejects with `StatementRefused`, before anything leaves) one that could write:
 * anything but a query (`select`, `with`, `values`, `table`), or a query naming a data change
 * (`insert`, `update`, `delete`, `merge`, `select … into`, `for share`, sequences, advisory
 * locks, `set_config`, `pg_notify`, large objects). Transactions, reserved connections and
 * notifications are refused outright. The run follows the work's promises (AsyncLocalStorage),
 * so a statement of any helper it calls is checked, however that helper reached the client.
 *
 * This guards against a mistake (a read that grows an audit row or a counter), not against a
 * hostile author: the words are read from the statement's text, outside quotes and comments.
 */

interface Run {
  ended: boolean;
}

const runs = new AsyncLocalStorage<Run>();

/** A statement a read-only run may not send; a programming error, so a 500 if it escapes. */
export class StatementRefused extends Error {
  override name = 'StatementRefused';
}

export interface ReadOnlyRun<T> {
  /** What the work returns; rejected with `StatementRefused` if it tried to write. */
  answer: Promise<T>;
  /** From now on every statement of the work is refused, reads included: its answer is no longer wanted. */
  end(): void;
}

/** Starts `work` in a read-only run. */
export function readOnly<T>(work: () => Promise<T> | T): ReadOnlyRun<T> {
  const run: Run = { ended: false };
  const answer = runs.run(run, async () => work());
  return {
    answer,
    end: () => {
      run.ended = true;
    },
  };
}

const QUERY = /^[\s(]*(?:select|with|values|table)\b/i;
const WRITES =
  /\b(?:insert|update|delete|merge|truncate|into|for\s+(?:key\s+)?share|nextval|setval|set_config|pg_notify|pg_advisory_\w+|lo_\w+)\b/i;
/** Comments, string literals and quoted identifiers (drizzle quotes every column: "updated_at"). */
const QUOTED = /--[^\n]*|\/\*[\s\S]*?\*\/|'(?:[^']|'')*'|"(?:[^"]|"")*"/g;

/** Verdicts by statement text: the texts are the code's (values travel as parameters), so few. */
const verdicts = new Map<string, boolean>();

function reads(text: string): boolean {
  let verdict = verdicts.get(text);
  if (verdict === undefined) {
    const bare = text.replace(QUOTED, ' ');
    verdict = QUERY.test(bare) && !WRITES.test(bare);
    if (verdicts.size >= 1000) verdicts.clear();
    verdicts.set(text, verdict);
  }
  return verdict;
}

/**
 * What postgres.js keeps on a query (3.4, patched: patches/). Every way of running one
 * (`then`, `catch`, `finally`, `execute`, `forEach`, `cursor`) hands it to its `handler`, once:
 * the one door to the connection. The guard replaces that field rather than adding one, so a
 * guarded query keeps the shape of every other (postgres.js's own code stays monomorphic).
 */
interface PendingQuery {
  tagged: boolean;
  strings: readonly string[];
  args: readonly unknown[];
  handler: (query: PendingQuery) => unknown;
  reject(reason: unknown): void;
}

const isQuery = (value: unknown): value is PendingQuery =>
  typeof value === 'object' && value !== null && 'strings' in value && 'handler' in value;

/** The statement's text, with the text of the fragments nested in it (values are parameters). */
function textOf(query: PendingQuery): string {
  if (!query.tagged) return query.strings.join(' ');
  let text = query.strings[0] ?? '';
  query.args.forEach((arg, index) => {
    const nested = Array.isArray(arg) ? arg.filter(isQuery) : isQuery(arg) ? [arg] : [];
    text += `${nested.map(textOf).join(' ')} ${query.strings[index + 1] ?? ''}`;
  });
  return text;
}

/** Checks `query` when it is sent: a fragment built in the run but never sent is never checked. */
function guard<Q>(query: Q, run: Run): Q {
  if (!isQuery(query)) return query;
  const send = query.handler;
  query.handler = function checkBeforeSending(pending) {
    const refusal = run.ended
      ? 'the read-only run has ended; its answer is no longer wanted'
      : reads(textOf(pending))
        ? undefined
        : 'a read-only run sends queries only; this statement could write';
    if (refusal) return pending.reject(new StatementRefused(refusal));
    return send(pending);
  };
  return query;
}

const REFUSED = new Set<PropertyKey>(['begin', 'reserve', 'listen', 'notify', 'subscribe', 'largeObject', 'file']);

/**
 * `sql` with every statement sent inside a read-only run checked; outside one, a statement
 * costs one look-up of the current run.
 */
export function guardReadOnly(sql: Sql): Sql {
  const unsafe = (...args: unknown[]) => {
    const query = (sql.unsafe as (...args: unknown[]) => unknown)(...args);
    const run = runs.getStore();
    return run ? guard(query, run) : query;
  };
  return new Proxy(sql, {
    apply(target, thisArg, args) {
      const query = Reflect.apply(target, thisArg, args);
      const run = runs.getStore();
      return run ? guard(query, run) : query;
    },
    get(target, property, receiver) {
      if (property === 'unsafe') return unsafe;
      if (REFUSED.has(property) && runs.getStore()) {
        return () => {
          throw new StatementRefused(`a read-only run cannot use sql.${String(property)}`);
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
}
