/**
 * A DynamoDB stand-in for tests: dynalite, in this process, on a random loopback port, in memory.
 * Each test suite starts its own and closes it; nothing touches AWS. `countingProxy` stands in
 * front of it to count the DynamoDB operations a store sends.
 */
import type { AddressInfo } from 'node:net';
import { createServer, request, type Server } from 'node:http';
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

/** Forwards to dynalite and counts DynamoDB operations by their X-Amz-Target. */
export async function countingProxy(
  target: string,
): Promise<{ url: string; ops: string[]; close(): Promise<void> }> {
  const ops: string[] = [];
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    ops.push(
      String(req.headers['x-amz-target'] ?? '')
        .split('.')
        .pop() ?? '',
    );
    const out = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        path: req.url,
        method: req.method,
        headers: req.headers,
      },
      (reply) => {
        res.writeHead(reply.statusCode ?? 500, reply.headers);
        reply.pipe(res);
      },
    );
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    ops,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
