import { type ChildProcess, spawn } from 'node:child_process';

/** `npm start`'s script (scripts/start.ts) as a child process, and what it printed. */
export interface LocalServer {
  child: ChildProcess;
  /** Whether it printed "API ready" before it exited or the time ran out. */
  ready: boolean;
  /** Everything printed so far, stdout and stderr. */
  output: () => string;
  /** The exit code, once it exits. */
  exited: Promise<number | null>;
}

export async function startLocalServer(env: NodeJS.ProcessEnv, timeoutMs = 90_000): Promise<LocalServer> {
  const child = spawn(process.execPath, ['scripts/start.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let output = '';
  const ready = await new Promise<boolean>((resolve) => {
    const watch = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('API ready')) resolve(true);
    };
    child.stdout?.on('data', watch);
    child.stderr?.on('data', watch);
    child.once('exit', () => resolve(false));
    setTimeout(() => resolve(false), timeoutMs).unref();
  });
  return { child, ready, output: () => output, exited };
}
