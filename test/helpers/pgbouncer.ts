import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../scripts/ports.ts';

/**
 * PgBouncer in transaction mode in front of the test server (TEST_VIA_PGBOUNCER=1): every
 * statement the API sends then goes through a pooler as in production, which proves the
 * client keeps no session state and uses no named prepared statements.
 */

export interface Pooler {
  /** `url` rewritten to go through the pooler. */
  route: (url: string) => string;
  stop: () => Promise<void>;
}

const PGBOUNCER = process.env.PGBOUNCER_BIN ?? '/usr/sbin/pgbouncer';

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startPgBouncer(serverUrl: string): Promise<Pooler> {
  const server = new URL(serverUrl);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'taskapi-pgbouncer-'));
  chmodSync(dir, 0o755);
  const password = decodeURIComponent(server.password);
  const config = `[databases]
* = host=${server.hostname} port=${server.port || 5432} user=${decodeURIComponent(server.username) || 'postgres'}${password ? ` password=${password}` : ''}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${port}
unix_socket_dir =
auth_type = trust
auth_file = ${join(dir, 'users.txt')}
pool_mode = transaction
max_client_conn = 1000
default_pool_size = 40
server_reset_query =
; postgres.js sends these at start-up; a transaction pooler cannot keep them per client.
ignore_startup_parameters = extra_float_digits,statement_timeout,options
`;
  writeFileSync(join(dir, 'pgbouncer.ini'), config, { mode: 0o644 });
  // With auth_type trust PgBouncer checks nothing, but the user must still be listed.
  writeFileSync(join(dir, 'users.txt'), '"postgres" ""\n', { mode: 0o644 });
  // PgBouncer refuses to run as root; the embedded server's `postgres` user runs it.
  const asRoot = process.getuid?.() === 0;
  const child: ChildProcess = spawn(PGBOUNCER, [...(asRoot ? ['-u', 'postgres'] : []), join(dir, 'pgbouncer.ini')], {
    stdio: 'ignore',
  });
  // A missing binary is an 'error' event, not an exit: one line, and no folder left behind.
  let failed: Error | undefined;
  child.once('error', (error) => {
    failed = new Error(`cannot run ${PGBOUNCER} (${error.message}): install pgbouncer or set PGBOUNCER_BIN`);
  });
  for (let attempt = 0; attempt < 100 && !(await listening(port)); attempt++) {
    if (failed || child.exitCode !== null) {
      rmSync(dir, { recursive: true, force: true });
      throw failed ?? new Error(`pgbouncer exited with ${child.exitCode} (is it installed?)`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    route(url: string) {
      const routed = new URL(url);
      routed.hostname = '127.0.0.1';
      routed.port = String(port);
      routed.username = 'postgres';
      routed.password = '';
      return routed.toString();
    },
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
