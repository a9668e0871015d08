import { once } from 'node:events';
import { type AddressInfo, connect, createServer, type Server } from 'node:net';

/**
 * A TCP relay in front of PostgreSQL that counts round trips: a new one starts each time the
 * client sends after it got an answer. Queries sent together (pipelined) count once; each wait
 * for an answer before the next query counts again. Answers are held back ANSWER_DELAY_MS, as on
 * a real network, and only a client that was quiet that long can have waited for one: a batch
 * the client writes in several pieces (postgres.js sends every 1 KiB at once) is one trip.
 */
const ANSWER_DELAY_MS = 30;

export interface RoundTripCounter {
  /** The database URL that goes through the relay. */
  url: string;
  /** Round trips of `act`, after it settles. */
  count(act: () => Promise<unknown>): Promise<number>;
  close(): Promise<void>;
}

export async function roundTripCounter(databaseUrl: string): Promise<RoundTripCounter> {
  const target = new URL(databaseUrl);
  let turns = 0;
  let answered = true;
  let lastSent = 0;
  const sockets = new Set<{ destroy(): void }>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    const upstream = connect(Number(target.port || 5432), target.hostname);
    client.on('data', (chunk) => {
      const now = performance.now();
      if (answered && now - lastSent >= ANSWER_DELAY_MS) turns += 1;
      answered = false;
      lastSent = now;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      // Timers of one delay fire in the order they were set: the answer's bytes stay in order.
      setTimeout(() => {
        answered = true;
        client.write(chunk);
      }, ANSWER_DELAY_MS);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as AddressInfo).port);
  return {
    url: url.toString(),
    async count(act) {
      const before = turns;
      await act();
      return turns - before;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
