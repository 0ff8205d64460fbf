/**
 * Entry point of the local server and the AgentCore Runtime container. Configuration comes from the
 * environment (CONTRACT.md); AUTH_MODE=none is refused unless the bind address is loopback.
 */
import { isLoopbackHost } from '../core/auth/authenticator';
import { createBackend } from '../core/bootstrap';
import { ConfigError, loadConfig, refuseInlineKey } from '../core/config';
import { createLogger } from '../core/log';
import { createHttpHost } from './http-host';

function main() {
  // In a container (AgentCore sets no HOST) the contract says 0.0.0.0; locally, loopback.
  const inContainer = process.env.AWS_EXECUTION_ENV !== undefined || process.env.CONTAINER === 'true';
  const config = loadConfig(process.env, { host: inContainer ? '0.0.0.0' : '127.0.0.1' });
  if (inContainer || !isLoopbackHost(config.host))
    refuseInlineKey(config, inContainer ? 'the container host' : `a server bound to ${config.host}`);
  if (config.auth.mode === 'none' && !isLoopbackHost(config.host)) {
    throw new ConfigError(
      `AUTH_MODE=none is refused on ${config.host}: bind to 127.0.0.1 or configure Cognito`,
    );
  }
  const log = createLogger(config.logLevel);
  const host = createHttpHost(createBackend(config, log), log, {
    authMode: config.auth.mode,
    keepaliveMs: config.keepaliveMs,
  });

  host.server.listen(config.port, config.host, () => {
    const address = host.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    log.info('listening', {
      host: config.host,
      port,
      authMode: config.auth.mode,
      memory: config.memory.store,
      toolsMode: config.toolsMode,
    });
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal, graceMs: config.shutdownGraceMs });
    host.shutdown(config.shutdownGraceMs).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

try {
  main();
} catch (error) {
  const message = error instanceof ConfigError ? error.message : 'failed to start';
  process.stderr.write(`cloud-engineer backend: ${message}\n`);
  if (!(error instanceof ConfigError)) process.stderr.write(`${(error as Error)?.stack ?? error}\n`);
  process.exit(1);
}
