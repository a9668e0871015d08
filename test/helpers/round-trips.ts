import { once } from 'node:events';
import { type AddressInfo, connect, createServer, type Server } from 'node:net';

/**
 * A TCP relay in front of PostgreSQL that counts round trips: a new one starts each time the
 * client sends after the server has answered. Queries sent together (pipelined) or a
 * multi-statement batch count once; each wait for an answer before the next query counts again.
 */
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
  const sockets = new Set<{ destroy(): void }>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    const upstream = connect(Number(target.port || 5432), target.hostname);
    client.on('data', (chunk) => {
      if (answered) turns += 1;
      answered = false;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      answered = true;
      client.write(chunk);
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
