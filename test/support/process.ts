/** Child processes for tests: started, awaited until ready, always stopped. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export class Child {
  output = '';
  readonly exited: Promise<number | null>;
  constructor(readonly proc: ChildProcess) {
    proc.stdout?.on('data', (d) => (this.output += d));
    proc.stderr?.on('data', (d) => (this.output += d));
    this.exited = new Promise((resolve) => proc.once('exit', (code) => resolve(code)));
  }

  static start(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv }): Child {
    return new Child(
      spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] }),
    );
  }

  /** Resolves when the output matches, rejects if the process exits or time runs out first. */
  async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.exited.then(() => (exited = true));
    while (Date.now() < deadline) {
      const match = this.output.match(pattern);
      if (match) return match;
      if (exited) throw new Error(`process exited before ${pattern}:\n${this.output.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`timed out waiting for ${pattern}:\n${this.output.slice(-2000)}`);
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill(signal);
    return this.exited;
  }
}
