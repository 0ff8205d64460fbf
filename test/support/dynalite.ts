/**
 * A DynamoDB stand-in for tests: dynalite, in this process, on a random loopback port, in memory.
 * Each test suite starts its own and closes it; nothing touches AWS.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';

export interface Dynalite {
  endpoint: string;
  /** Fixed fake credentials: dynalite checks that a signature is present, not whose it is. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  region: string;
  close(): Promise<void>;
}

export async function startDynalite(): Promise<Dynalite> {
  const dynalite = createRequire(__filename)('dynalite') as (options: object) => Server;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    region: 'us-east-1',
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
